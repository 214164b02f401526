"""The weekly review list: which entries to recheck now, why, and which official pages to open.

An entry is on the list when
- its `review_by` date has passed or falls within the window (14 days by default);
- it is volatile and was last checked more than 60 days ago (volatile entries must be rechecked
  within 92 days, so this leaves a month to do it);
- one of its facts has a `changes_on` date that has passed since the fact's `as_of`
  (consistency.facts_due): the value may have changed;
- it has a `review_note`: someone found no specific official page, or doubts a source.

Items are grouped by market; the market with the most urgent item comes first, and within a
market the most urgent item first (the earliest date by which something was due), entries that
only carry a review note last. Pure functions over a KnowledgeBase; the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from market_entry.knowledge.consistency import facts_due
from market_entry.knowledge.model import Entry, KnowledgeBase

DEFAULT_WINDOW_DAYS = 14
VOLATILE_RECHECK_DAYS = 60


@dataclass(frozen=True)
class Reason:
    text: str
    due: date | None     # when it was (or will be) due; None for a review note
    line: int


@dataclass
class ReviewItem:
    entry: Entry
    reasons: list[Reason] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.entry.file}:{self.entry.line}"

    @property
    def due(self) -> date:
        return min((r.due for r in self.reasons if r.due), default=date.max)

    @property
    def urls(self) -> list[str]:
        return list(dict.fromkeys(s.url for s in self.entry.sources))


def review_items(kb: KnowledgeBase, today: date,
                 window_days: int = DEFAULT_WINDOW_DAYS) -> dict[str, list[ReviewItem]]:
    """Market code → the entries to recheck, most urgent market and entry first."""
    items: dict[str, ReviewItem] = {}

    def add(entry: Entry, reason: Reason) -> None:
        items.setdefault(entry.id, ReviewItem(entry)).reasons.append(reason)

    horizon = today + timedelta(days=window_days)
    for entry in kb.entries:
        if not entry.published:
            continue
        if entry.review_by <= horizon:
            add(entry, Reason(_review_by_text(entry.review_by, today), entry.review_by, entry.line))
        age = (today - entry.checked).days
        if entry.volatile and age > VOLATILE_RECHECK_DAYS:
            add(entry, Reason(f"volatile, last checked {entry.checked} ({age} days ago)",
                              entry.checked + timedelta(days=VOLATILE_RECHECK_DAYS), entry.line))
    for entry, fact in facts_due(kb, today):
        add(entry, Reason(f"fact {fact.name} may have changed on {fact.changes_on} (value "
                          f"{fact.value!r} confirmed {fact.as_of})", fact.changes_on, fact.line))
    for entry in kb.entries:
        if entry.published and entry.review_note:
            add(entry, Reason(f"review note: {entry.review_note}", None, entry.line))

    by_market: dict[str, list[ReviewItem]] = {}
    for item in sorted(items.values(), key=lambda i: (i.due, i.entry.file, i.entry.line)):
        by_market.setdefault(item.entry.market, []).append(item)
    return dict(sorted(by_market.items(), key=lambda kv: (kv[1][0].due, kv[0])))


def _review_by_text(review_by: date, today: date) -> str:
    days = (review_by - today).days
    if days < 0:
        return f"review date passed: {review_by} ({-days} days ago)"
    if days == 0:
        return f"review due today ({review_by})"
    return f"review due {review_by} (in {days} days)"
