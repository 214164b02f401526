from __future__ import annotations

import uuid

import pytest

from tests.e2e.harness import Services, latest_model


@pytest.fixture(scope="session")
def services(tmp_path_factory):
    running = Services(tmp_path_factory.mktemp("e2e"), latest_model())
    try:
        running.start_all()
    except Exception:
        for name in ("redis", "actions", "rasa"):
            log = running.log(name)
            if log.exists():
                print(f"--- {name} log (tail) ---\n" + log.read_text(errors="replace")[-3000:])
        running.stop_all()
        raise
    yield running
    running.stop_all()


@pytest.fixture
def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"
