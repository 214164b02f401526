"""Starts the action server after checking what it depends on.

    python -m actions.server [--port 5055]

It refuses to start, with a clear message, when Redis is unreachable or no valid knowledge pack
exists, rather than starting half-working.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

import redis

from market_entry.knowledge import KnowledgeError

log = logging.getLogger("actions.server")


def preflight() -> list[str]:
    from actions import runtime

    problems = []
    url = os.environ.get("REDIS_URL")
    if not url:
        problems.append("REDIS_URL is not set (e.g. redis://localhost:6379/0).")
    else:
        try:
            runtime.redis_client().ping()
        except redis.exceptions.RedisError as error:
            problems.append(f"Redis is unreachable at REDIS_URL ({type(error).__name__}).")
        else:
            deliver_spooled_leads_and_purge()
    try:
        kb = runtime.store().get()
        log.info("knowledge: %d markets, %d entries", len(kb.markets), len(kb.entries))
    except KnowledgeError as error:
        problems.append("The knowledge packs are invalid:\n" + str(error))
    return problems


def deliver_spooled_leads_and_purge() -> None:
    """At start: leads spooled while Redis was down go to Redis, and personal data past the
    retention period is dropped (also runnable from cron: python -m market_entry.leads)."""
    from market_entry.leads.__main__ import main as leads_main

    for command in ("replay", "purge"):
        try:
            leads_main([command])
        except Exception as error:  # noqa: BLE001 - maintenance must never stop the server
            log.warning("lead %s skipped: %s", command, type(error).__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the assistant's action server.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    problems = preflight()
    if problems:
        for problem in problems:
            print(f"action server not started: {problem}", file=sys.stderr)
        return 2
    from rasa_sdk import endpoint

    endpoint.run("actions", port=args.port, cors_origins=[], auto_reload=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
