"""tests/line runs in the application environment (.venv-app, Python 3.12: line-bot-sdk v3,
pydantic 2), as scripts/test.sh runs it; the bot environment cannot import the SDK, so there these
tests are not collected."""

from __future__ import annotations

import importlib.util

import pytest

if importlib.util.find_spec("linebot") is None:
    collect_ignore_glob = ["test_*.py"]
else:
    from tests.e2e.harness import latest_model
    from tests.line.stack import LineStack

    @pytest.fixture(scope="session")
    def stack(tmp_path_factory):
        running = LineStack(tmp_path_factory.mktemp("line"), latest_model())
        running.worker_env = {"LINE_LOADING_AFTER_SECONDS": "0", "LINE_RECLAIM_IDLE_SECONDS": "5"}
        try:
            running.start_all()
            running.start_line()
        except Exception:
            for name in ("redis", "actions", "rasa", "gateway", "worker"):
                log = running.log(name)
                if log.exists():
                    print(f"--- {name} log (tail) ---\n" + log.read_text(errors="replace")[-3000:])
            running.stop_all()
            raise
        yield running
        running.stop_all()
