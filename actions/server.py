"""Starts the action server (rasa-sdk 3.21 on Python 3.12) after checking what it depends on.

    python -m actions.server [--port 5055]

It refuses to start, with a clear message, when Redis is unreachable or no valid knowledge pack
exists, rather than starting half-working. Every action runs inside a guard: an action that
fails answers the owner with an apology and the officer option, and the log names only the
action, the error class and a digest of the conversation id — never the tracker, whose slots
hold the owner's contact details.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import platform
import sys
from typing import Any

import pluggy
import rasa_sdk
import redis
from rasa_sdk import endpoint
from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)
from rasa_sdk.plugin import plugin_manager

from actions import runtime
from market_entry.knowledge import KnowledgeError
from market_entry.language_choice import conversation_language
from market_entry.leads.__main__ import main as leads_main
from market_entry.phrases import say

log = logging.getLogger("actions.server")
hookimpl = pluggy.HookimplMarker("rasa_sdk")
EXPECTED = (ActionExecutionRejection, ActionNotFoundException, ActionMissingDomainException)


def conversation_digest(action_call: dict[str, Any]) -> str:
    sender = str((action_call.get("tracker") or {}).get("sender_id") or "")
    return hashlib.sha256(sender.encode("utf-8")).hexdigest()[:12]


def apology(action_call: dict[str, Any]) -> dict[str, Any]:
    tracker = action_call.get("tracker") or {}
    slots = tracker.get("slots") or {}
    texts = [e.get("text") or "" for e in tracker.get("events") or []
             if isinstance(e, dict) and e.get("event") == "user"]
    lang = conversation_language(slots.get("preferred_language"), texts)
    return {"text": say("system.action_failed", lang),
            "buttons": [{"title": say("button.officer", lang), "payload": "/request_human"}]}


class GuardedActionExecutor(ActionExecutor):
    """Runs actions like rasa-sdk's executor, but a failing action still answers the owner."""

    async def run(self, action_call: dict[str, Any], *args: Any,
                  **kwargs: Any) -> ActionExecutorRunResult | None:
        try:
            return await super().run(action_call, *args, **kwargs)
        except EXPECTED:
            raise      # the form protocol (rejections) and unknown actions, as rasa-sdk means them
        except Exception as error:  # noqa: BLE001 - the owner gets an answer whatever failed
            log.error("action %s failed: %s (conversation %s)", action_call.get("next_action"),
                      type(error).__name__, conversation_digest(action_call))
            return ActionExecutorRunResult(events=[], responses=[apology(action_call)])


def preflight() -> list[str]:
    problems = []
    if not runtime.settings().redis_url:
        problems.append("REDIS_URL is not set (e.g. redis://localhost:6379/0).")
    else:
        try:
            runtime.redis_client().ping()
        except redis.exceptions.RedisError as error:
            problems.append(f"Redis is unreachable at REDIS_URL ({type(error).__name__}).")
        else:
            maintain_leads()
    try:
        kb = runtime.store().get()
        log.info("knowledge: %d markets, %d entries", len(kb.markets), len(kb.entries))
        runtime.answerer().warm_up()
    except KnowledgeError as error:
        problems.append("The knowledge packs are invalid:\n" + str(error))
    return problems


def maintain_leads() -> None:
    """At start: leads spooled while Redis was down go to Redis, personal data past the
    retention period is dropped, and queued lead events are announced (also runnable from
    cron: python -m market_entry.leads replay | purge | notify)."""
    for command in ("replay", "purge", "notify"):
        try:
            leads_main([command])
        except Exception as error:  # noqa: BLE001 - maintenance must never stop the server
            log.warning("lead %s skipped: %s", command, type(error).__name__)


def configure_logging() -> None:
    logging.basicConfig(level=runtime.settings().log_level,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the assistant's action server.")
    parser.add_argument("--port", type=int, default=runtime.settings().action_port)
    args = parser.parse_args(argv)
    configure_logging()
    log.info("action server: Python %s, rasa-sdk %s", platform.python_version(),
             rasa_sdk.__version__)
    problems = preflight()
    if problems:
        for problem in problems:
            print(f"action server not started: {problem}", file=sys.stderr)
        return 2
    executor = GuardedActionExecutor()
    executor.register_package("actions")
    # endpoints="": no tracing backend is configured (rasa-sdk would log an error looking for one).
    endpoint.run(executor, port=args.port, cors_origins=[], auto_reload=False, endpoints="")
    return 0


class WarmUpInWorker:
    """rasa-sdk plugin: the worker process that serves the actions builds the knowledge indexes
    as soon as it listens, in a thread, so the first owner does not wait for them."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Any) -> None:
        app.register_listener(_warm_up, "after_server_start")


async def _warm_up(app: Any, loop: Any) -> None:
    loop.run_in_executor(None, _build_indexes)


def _build_indexes() -> None:
    try:
        runtime.answerer().warm_up()
        runtime.event_store().get()
        log.info("worker ready: knowledge indexes built")
    except Exception as error:  # noqa: BLE001 - the first request builds them instead
        log.warning("worker warm-up skipped: %s", type(error).__name__)


if __name__ == "__mp_main__":
    # Sanic (rasa-sdk 3.21) serves from a spawned worker process, which re-imports this module
    # under this name and never runs main(): without this, the actions' log lines (hand-offs,
    # failures) would be lost or printed bare, and the indexes built on the first request.
    configure_logging()
    plugin_manager().register(WarmUpInWorker())

if __name__ == "__main__":
    sys.exit(main())
