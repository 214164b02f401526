"""Records questions the packs could not answer, so staff know what to write next.

Only the question text is kept, with anything that looks like personal data (e-mail addresses,
phone numbers, 統一編號 and other long digit runs) masked, and never who asked it.
"""

from __future__ import annotations

import re
from typing import Protocol

from market_entry.normalise import normalise
from market_entry.redis_keys import unanswered_questions

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGITS = re.compile(r"\+?\d[\d\s-]{6,}\d")
MAX_QUESTION_CHARS = 300


class SortedSetClient(Protocol):
    def zincrby(self, name: str, amount: float, value: str) -> float: ...


def scrub(question: str) -> str:
    text = normalise(question)[:MAX_QUESTION_CHARS]
    text = _EMAIL.sub("<email>", text)
    return _DIGITS.sub("<number>", text)


def record_unanswered(client: SortedSetClient, question: str, market: str | None) -> str:
    cleaned = scrub(question)
    if cleaned:
        client.zincrby(unanswered_questions(market), 1, cleaned)
    return cleaned
