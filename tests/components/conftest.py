"""A throwaway redis-server for the Redis store tests (one per test module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import throwaway_redis


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, url = throwaway_redis(tmp_path_factory.mktemp("redis"))
    yield url
    process.kill()
    process.wait(timeout=10)
