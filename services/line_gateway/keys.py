"""The Redis keys of the LINE channel (all under `line:`); listed in market_entry/redis_keys.py too."""

from __future__ import annotations

EVENTS_STREAM = "line:events"
"""Stream of accepted webhook events: fields `event` (the event's JSON), `received` (ms)."""

WORKER_GROUP = "line-workers"
"""Consumer group of the workers; an entry is XACKed (and deleted) only once its answer is out."""

DEAD_STREAM = "line:dead"
"""Events whose answer LINE refused permanently (4xx other than 409/429), kept for inspection."""


def dedupe(webhook_event_id: str) -> str:
    """String with a TTL: set when an event is first queued; redeliveries find it and are dropped."""
    return f"line:dedupe:{webhook_event_id}"


def state(webhook_event_id: str) -> str:
    """Hash: progress of one event (translated answer, delivered batches, push retry keys), so a
    worker that restarts neither asks Rasa twice nor sends a batch twice."""
    return f"line:state:{webhook_event_id}"
