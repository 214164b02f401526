"""Every Redis key the assistant's own code writes, in one place.

Rasa's tracker and lock stores use their own prefixes (`tracker:`, `lock:`), set in
bot/endpoints.yml.
"""

from __future__ import annotations

UNANSWERED_PREFIX = "unanswered"


def unanswered_questions(market: str | None) -> str:
    """Sorted set: normalised question text → times asked, per market ("none" when unknown)."""
    return f"{UNANSWERED_PREFIX}:{market or 'none'}"
