"""A durable local spool for leads that could not reach Redis.

When Redis is unreachable the lead is appended as one JSON line to `<folder>/leads-spool.jsonl`
and fsync'ed before the owner is told the hand-off worked. `replay()` writes the spooled leads
to Redis with their original idempotency keys, so replaying twice (or after a crash half-way)
still makes each lead exactly once, then removes what was written. The file holds personal data:
it is created 0600 in a 0700 folder; `erase()` removes a conversation's spooled leads.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from market_entry.leads.model import Lead
from market_entry.leads.store import LeadStore, digest

log = logging.getLogger(__name__)

SPOOL_FILE = "leads-spool.jsonl"
REJECTED_FILE = "leads-spool.rejected.jsonl"
LOCK_FILE = ".leads-spool.lock"
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


@dataclass(frozen=True)
class SaveResult:
    lead_id: str
    stored: str            # "redis" or "spool"
    created: bool          # False: a retry of a hand-off already stored in Redis


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / SPOOL_FILE
        self._thread_lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time, across threads and processes."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._thread_lock:
            fd = os.open(self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def append(self, lead: Lead, conversation_id: str, key: str) -> None:
        line = json.dumps({"key": key, "conversation_id": conversation_id,
                           "lead": lead.to_dict()}, ensure_ascii=False) + "\n"
        with self._locked():
            new_file = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
            if new_file:
                _fsync_dir(self.folder)
        log.warning("Redis unreachable: lead %s spooled locally", lead.id)

    def pending(self) -> int:
        with self._locked():
            return len(self._read()[0])

    def _read(self) -> tuple[list[dict], list[str]]:
        if not self.path.exists():
            return [], []
        good, bad = [], []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                Lead.from_dict(item["lead"])
                if not item["key"] or "conversation_id" not in item:
                    raise ValueError
                good.append(item)
            except (ValueError, KeyError, TypeError):
                bad.append(line)   # e.g. a line torn by a crash during append
        return good, bad

    def _rewrite(self, items: list[dict]) -> None:
        if not items:
            self.path.unlink(missing_ok=True)
            _fsync_dir(self.folder)
            return
        temporary = self.path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for item in items:
                os.write(fd, (json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self.path)
        _fsync_dir(self.folder)

    def replay(self, store: LeadStore) -> int:
        """Write every spooled lead to Redis (idempotently); returns how many were new. Stops,
        keeping the rest, if Redis goes away again."""
        created = 0
        with self._locked():
            items, bad = self._read()
            if bad:
                _append_lines(self.folder / REJECTED_FILE, bad)
                log.error("spool: %d unreadable line(s) moved to %s", len(bad), REJECTED_FILE)
            done = 0
            try:
                for item in items:
                    result = store.create(Lead.from_dict(item["lead"]), item["conversation_id"],
                                          item["key"])
                    created += result.created
                    done += 1
            finally:
                self._rewrite(items[done:])
        log.info("spool replay: %d lead(s) created", created)
        return created

    def erase(self, conversation_id: str) -> int:
        """Remove a conversation's spooled leads (before they ever reach Redis)."""
        with self._locked():
            items, bad = self._read()
            if bad:
                _append_lines(self.folder / REJECTED_FILE, bad)
            keep = [i for i in items if digest(i["conversation_id"]) != digest(conversation_id)]
            if len(keep) != len(items) or bad:
                self._rewrite(keep)
            return len(items) - len(keep)


def save_lead(store: LeadStore, spool: Spool, lead: Lead, conversation_id: str,
              key: str) -> SaveResult:
    """Store in Redis, or spool durably when Redis is unreachable."""
    try:
        result = store.create(lead, conversation_id, key)
    except UNREACHABLE:
        spool.append(lead, conversation_id, key)
        return SaveResult(lead.id, "spool", True)
    return SaveResult(result.lead_id, "redis", result.created)


def _append_lines(path: Path, lines: list[str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, ("\n".join(lines) + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
