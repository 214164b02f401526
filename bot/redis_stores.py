"""Redis tracker and lock stores that refuse to run without Redis.

Rasa's stock stores connect lazily, so with Redis down the server starts anyway and keeps
conversations in memory, losing them on restart (rasa issue #3243). These subclasses accept a
redis:// URL (REDIS_URL), ping at start-up and raise a clear error when Redis is unreachable.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlparse

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import ConnectionException
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)


def redis_params(url: str | None) -> dict[str, Any]:
    """host/port/db/password/ssl from a redis:// or rediss:// URL (or a bare host name)."""
    if not url:
        raise ConnectionException("REDIS_URL is not set: the assistant keeps conversations in Redis.")
    if "://" not in url:
        return {"host": url}
    parsed = urlparse(url)
    params: dict[str, Any] = {
        "host": parsed.hostname or "localhost",
        "port": parsed.port or 6379,
        "db": int((parsed.path or "/0").lstrip("/") or 0),
        "use_ssl": parsed.scheme == "rediss",
    }
    if parsed.password:
        params["password"] = unquote(parsed.password)
    if parsed.username:
        params["username"] = unquote(parsed.username)
    return params


def check_reachable(client: redis.Redis, params: dict[str, Any], what: str) -> None:
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        where = f"{params.get('host')}:{params.get('port', 6379)}"
        message = (
            f"Redis is unreachable at {where} ({type(error).__name__}). The {what} will not "
            f"start without it, so that no conversation is silently lost. Start Redis or set "
            f"REDIS_URL."
        )
        log.error(message)
        raise ConnectionException(message) from error


class StrictRedisTrackerStore(RedisTrackerStore):
    """Rasa's Redis tracker store, refusing to start without Redis, with a cheaper save.

    The stock `save` rebuilds the stored tracker from its JSON and replays it to check that the
    new tracker continues it (about a tenth of the Rasa server's CPU at concurrency 8, growing
    with the conversation). Under the lock store one conversation is handled by one server at a
    time, so the stored events are almost always the start of the new ones: that is checked on
    the plain JSON (each event's type and timestamp), and Rasa's merge runs only otherwise (an
    earlier session's events, which `retrieve` leaves out, or a writer that did not hold the lock).
    """

    def __init__(
        self, domain: Domain, host: str | None = None, event_broker: Any = None, **kwargs: Any
    ) -> None:
        params = redis_params(host)
        params.update({k: v for k, v in kwargs.items() if k not in ("url", "type")})
        super().__init__(domain=domain, event_broker=event_broker, **params)
        check_reachable(self.red, params, "Rasa server (tracker store)")

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        await self.stream_events(tracker)
        timeout = timeout or self.record_exp
        key = self.key_prefix + tracker.sender_id
        stored = self.red.get(key)
        if stored is not None and not continues(stored, tracker):
            tracker = self._merge_trackers(self.deserialise_tracker(tracker.sender_id, stored),
                                           tracker)
        self.red.set(key, self.serialise_tracker(tracker), ex=timeout)


def continues(stored: str | bytes, tracker: DialogueStateTracker) -> bool:
    """Whether the stored tracker's events are the first events of `tracker` (same types and
    timestamps in the same order): then saving `tracker` loses nothing."""
    try:
        events = json.loads(stored).get("events") or []
        marks = [(event["event"], event["timestamp"]) for event in events]
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    if len(marks) > len(tracker.events):
        return False
    return marks == [(event.type_name, event.timestamp)
                     for event in itertools.islice(tracker.events, len(marks))]


class StrictRedisLockStore(RedisLockStore):
    """Rasa's Redis ticket lock, with every change to a lock made atomically.

    The stock store reads the lock's JSON, changes it in Python and writes it back. Two Rasa
    servers taking a message of the same conversation at the same moment (an owner's double tap
    reaching both replicas) can both read "no tickets", both write ticket 0 and both think they
    are being served: the message is then processed twice at once and, for a confirmation, the
    lead submitted twice. Here each read-change-write runs in a WATCH/MULTI transaction that
    Redis retries when another server changed the lock in between.
    """

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        params = redis_params(endpoint_config.url)
        params.update({k: v for k, v in endpoint_config.kwargs.items() if k not in ("url", "type")})
        super().__init__(**params)
        check_reachable(self.red, params, "Rasa server (lock store)")

    def _change(self, conversation_id: str,
                change: Callable[[TicketLock | None], TicketLock | None]) -> None:
        """Applies change to the stored lock atomically; a None result deletes the lock."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> None:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            changed = change(lock)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())

        self.red.transaction(transaction, key)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: list[int] = []

        def add_ticket(lock: TicketLock | None) -> TicketLock:
            lock = lock or self.create_lock(conversation_id)
            issued[:] = [lock.issue_ticket(lock_lifetime)]
            return lock

        try:
            self._change(conversation_id, add_ticket)
        except redis.exceptions.RedisError as error:
            raise LockError(f"Error while acquiring lock: {type(error).__name__}") from error
        return issued[0]

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, drop_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes this ticket, and the lock itself when no one else holds a ticket, in one
        step: a ticket issued in between is never deleted with the lock."""

        def finish(lock: TicketLock | None) -> TicketLock | None:
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return lock if lock.is_someone_waiting() else None

        self._change(conversation_id, finish)
