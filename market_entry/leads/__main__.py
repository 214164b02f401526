"""Maintenance of hand-off leads, for cron or an operator.

    python -m market_entry.leads replay [--spool DIR]   deliver leads spooled while Redis was down
    python -m market_entry.leads purge                  drop personal data past the retention period

REDIS_URL selects Redis; the retention period is `retention_days` of
knowledge/handoff/consent_notice.yml, the same number the owner was told.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import redis

from market_entry.leads.config import load_consent_notice
from market_entry.leads.spool import Spool
from market_entry.leads.store import LeadStore

REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m market_entry.leads", description=__doc__)
    parser.add_argument("command", choices=("replay", "purge"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--spool", type=Path,
                        default=Path(os.environ.get("LEADS_SPOOL_DIR") or REPO / ".data" / "spool"))
    parser.add_argument("--knowledge", type=Path,
                        default=Path(os.environ.get("KNOWLEDGE_DIR") or REPO / "knowledge"))
    args = parser.parse_args(argv)
    if not args.redis_url:
        print("set REDIS_URL or pass --redis-url", file=sys.stderr)
        return 2
    store = LeadStore(redis.Redis.from_url(args.redis_url, socket_timeout=5))
    try:
        if args.command == "replay":
            print(f"{Spool(args.spool).replay(store)} spooled lead(s) delivered")
        else:
            days = load_consent_notice(args.knowledge).retention_days
            print(f"{store.purge(days)} lead(s) past {days} days anonymised")
    except redis.exceptions.RedisError as error:
        print(f"Redis is unreachable ({type(error).__name__}); nothing changed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
