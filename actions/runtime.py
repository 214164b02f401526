"""Objects the actions share for the life of the action server process.

Created lazily so importing the actions (e.g. in tests) touches neither disk nor network.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

import redis

from market_entry.answering import Answerer
from market_entry.knowledge import KnowledgeStore

log = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parent.parent


def knowledge_dir() -> Path:
    return Path(os.environ.get("KNOWLEDGE_DIR") or REPO_ROOT / "knowledge")


@lru_cache(maxsize=1)
def store() -> KnowledgeStore:
    interval = float(os.environ.get("KNOWLEDGE_RELOAD_SECONDS", "1.0"))
    return KnowledgeStore(knowledge_dir(), check_interval=interval)


@lru_cache(maxsize=1)
def answerer() -> Answerer:
    return Answerer(store())


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


@lru_cache(maxsize=1)
def event_store():
    from market_entry.events import EventStore

    interval = float(os.environ.get("KNOWLEDGE_RELOAD_SECONDS", "1.0"))
    return EventStore(knowledge_dir(), check_interval=interval)


def today():
    """Today's date; EVENTS_TODAY (YYYY-MM-DD) pins it for tests and demos."""
    from datetime import date

    pinned = os.environ.get("EVENTS_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()
