"""Objects the actions share for the life of the action server process.

Created lazily so importing the actions (e.g. in tests) touches neither disk nor network;
`reset()` drops them all (tests change the environment between cases).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import redis

from market_entry.answering import Answerer
from market_entry.events import EventStore
from market_entry.knowledge import KnowledgeStore
from market_entry.knowledge.model import KnowledgeBase
from market_entry.leads.config import (
    CONSENT_FILE,
    HANDOFF_FOLDER,
    SCORING_FILE,
    ConsentNotice,
    ScoringConfig,
    load_consent_notice,
    load_scoring,
)
from market_entry.leads.spool import Spool
from market_entry.leads.store import LeadStore
from market_entry.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


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


# Parsed staff files, kept while the files on disk are unchanged. The hand-off offer reads the
# scoring on every answered question: parsing its YAML each time was a tenth of the action
# server's CPU under load. A file that fails validation is not kept, so the error repeats.
_parsed: dict[str, tuple[tuple, object]] = {}


def _file_signature(paths: list[Path]) -> tuple:
    signature = []
    for path in paths:
        try:
            stat = path.stat()
            signature.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            signature.append(None)
    return tuple(signature)


def _while_unchanged(name: str, paths: list[Path], load: Callable[[], T]) -> T:
    signature = _file_signature(paths)
    kept = _parsed.get(name)
    if kept is not None and kept[0] == signature:
        return kept[1]  # type: ignore[return-value]
    value = load()
    _parsed[name] = (signature, value)
    return value


def scoring() -> ScoringConfig:
    root = Path(settings().knowledge_dir)
    return _while_unchanged("scoring", [root / "desks.yml", root / HANDOFF_FOLDER / SCORING_FILE],
                            lambda: load_scoring(root))


def consent_notice() -> ConsentNotice:
    root = Path(settings().knowledge_dir)
    return _while_unchanged("consent", [root / HANDOFF_FOLDER / CONSENT_FILE],
                            lambda: load_consent_notice(root))


def today() -> date:
    return settings().today()


_CACHED = (settings, store, answerer, event_store, redis_client)


def reset() -> None:
    _parsed.clear()
    for cached in _CACHED:
        cached.cache_clear()
