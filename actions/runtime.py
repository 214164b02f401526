"""Objects the actions share for the life of the action server process.

Created lazily so importing the actions (e.g. in tests) touches neither disk nor network;
`reset()` drops them all (tests change the environment between cases).
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

import redis

from market_entry.answering import Answerer
from market_entry.events import EventStore
from market_entry.knowledge import KnowledgeStore
from market_entry.knowledge.model import KnowledgeBase
from market_entry.leads.config import (
    ConsentNotice,
    ScoringConfig,
    load_consent_notice,
    load_scoring,
)
from market_entry.leads.spool import Spool
from market_entry.leads.store import LeadStore
from market_entry.settings import Settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@lru_cache(maxsize=1)
def store() -> KnowledgeStore:
    return KnowledgeStore(settings().knowledge_dir,
                          check_interval=settings().knowledge_reload_seconds)


@lru_cache(maxsize=1)
def answerer() -> Answerer:
    return Answerer(store(), dense=settings().dense_retrieval,
                    vector_cache=settings().vector_cache_dir)


@lru_cache(maxsize=1)
def event_store() -> EventStore:
    return EventStore(settings().knowledge_dir, check_interval=settings().knowledge_reload_seconds)


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis | None:
    url = settings().redis_url
    if not url:
        return None
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def lead_store() -> LeadStore | None:
    client = redis_client()
    return LeadStore(client) if client is not None else None


def spool() -> Spool:
    return Spool(settings().leads_spool_dir)


def kb() -> KnowledgeBase | None:
    """The knowledge, or None when no valid version was ever loaded (callers degrade)."""
    try:
        return store().get()
    except Exception:  # noqa: BLE001 - a missing pack must not break the events or the hand-off
        return None


def scoring() -> ScoringConfig:
    return load_scoring(settings().knowledge_dir)


def consent_notice() -> ConsentNotice:
    return load_consent_notice(settings().knowledge_dir)


def today() -> date:
    return settings().today()


_CACHED = (settings, store, answerer, event_store, redis_client)


def reset() -> None:
    for cached in _CACHED:
        cached.cache_clear()
