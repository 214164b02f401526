"""Every Redis key the assistant's own code writes, in one place.

Rasa's tracker and lock stores use their own prefixes (`tracker:`, `lock:`), set in
bot/endpoints.yml. The LINE channel (services environment, which does not import this package)
keeps its keys under `line:` and lists them in services/line_gateway/keys.py: the stream
`line:events` (consumer group `line-workers`), `line:dead`, `line:dedupe:<webhookEventId>` and
`line:state:<webhookEventId>`.
"""

from __future__ import annotations

UNANSWERED_PREFIX = "unanswered"


def unanswered_questions(market: str | None) -> str:
    """Sorted set: normalised question text → times asked, per market ("none" when unknown)."""
    return f"{UNANSWERED_PREFIX}:{market or 'none'}"
