"""Maintenance of hand-off leads, for cron or an operator.

    python -m market_entry.leads replay [--spool DIR]   deliver leads spooled while Redis was down
    python -m market_entry.leads purge                  drop personal data past the retention period
    python -m market_entry.leads notify                 announce queued lead events to the webhook

REDIS_URL selects Redis; the retention period is `retention_days` of
knowledge/handoff/consent_notice.yml, the same number the owner was told; LEADS_WEBHOOK_URL and
LEADS_WEBHOOK_SECRET turn the webhook on (market_entry/leads/webhook.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import redis

from market_entry.leads.config import load_consent_notice
from market_entry.leads.spool import Spool
from market_entry.leads.store import LeadStore
from market_entry.leads.webhook import WebhookConfig, WebhookNotifier
from market_entry.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m market_entry.leads", description=__doc__)
    settings = Settings.from_env()
    parser.add_argument("command", choices=("replay", "purge", "notify"))
    parser.add_argument("--redis-url", default=settings.redis_url)
    parser.add_argument("--spool", type=Path, default=settings.leads_spool_dir)
    parser.add_argument("--knowledge", type=Path, default=settings.knowledge_dir)
    args = parser.parse_args(argv)
    if not args.redis_url:
        print("set REDIS_URL or pass --redis-url", file=sys.stderr)
        return 2
    client = redis.Redis.from_url(args.redis_url, socket_timeout=5)
    store = LeadStore(client)
    try:
        if args.command == "replay":
            print(f"{Spool(args.spool).replay(store)} spooled lead(s) delivered")
        elif args.command == "notify":
            notifier = WebhookNotifier(WebhookConfig.from_env(), client)
            sent = notifier.drain_outbox(store) + notifier.retry_failed()
            print(f"{sent} lead notification(s) sent")
        else:
            days = load_consent_notice(args.knowledge).retention_days
            print(f"{store.purge(days)} lead(s) past {days} days anonymised")
    except redis.exceptions.RedisError as error:
        print(f"Redis is unreachable ({type(error).__name__}); nothing changed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
