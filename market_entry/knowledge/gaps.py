"""What owners asked that the packs could not answer, grouped for knowledge staff.

The action server records each unanswered question (personal data masked) in a Redis sorted set
per market (market_entry.unanswered). This report groups them by market and topic, most asked
first, so staff know which entry to write next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from market_entry.redis_keys import UNANSWERED_PREFIX

NO_TOPIC = "(no topic recognised)"


class SortedSetReader(Protocol):
    def scan_iter(self, match: str) -> Iterable: ...
    def zrevrange(self, name: str, start: int, end: int, withscores: bool) -> list: ...


@dataclass
class GapGroup:
    market: str
    topic: str
    total: int = 0
    questions: list[tuple[str, int]] = field(default_factory=list)


def gaps_report(
    client: SortedSetReader, topic_of: Callable[[str], str | None], examples: int = 5
) -> list[GapGroup]:
    groups: dict[tuple[str, str], GapGroup] = {}
    for raw_key in client.scan_iter(match=f"{UNANSWERED_PREFIX}:*"):
        key = raw_key.decode() if isinstance(raw_key, bytes) else raw_key
        market = key.split(":", 1)[1]
        for raw_question, score in client.zrevrange(key, 0, -1, withscores=True):
            question = raw_question.decode() if isinstance(raw_question, bytes) else raw_question
            topic = topic_of(question) or NO_TOPIC
            group = groups.setdefault((market, topic), GapGroup(market, topic))
            group.total += int(score)
            group.questions.append((question, int(score)))
    ordered = sorted(groups.values(), key=lambda g: (-g.total, g.market, g.topic))
    for group in ordered:
        group.questions.sort(key=lambda q: -q[1])
        del group.questions[examples:]
    return ordered
