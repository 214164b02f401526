"""Trade events offered to owners: shows, Taiwan pavilions, matchmaking sessions, missions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from market_entry.eligibility import RuleSpec
from market_entry.knowledge.model import pick

KINDS = ("trade_show", "taiwan_pavilion", "matchmaking", "online_matchmaking", "trade_mission")

OPEN, NOT_YET_OPEN, CLOSED = "open", "not_yet_open", "closed"


@dataclass(frozen=True)
class Event:
    id: str
    name: dict[str, str]
    short_name: dict[str, str]
    market: str
    city: dict[str, str]
    starts: date
    ends: date
    registration_deadline: date
    organiser: dict[str, str]
    sectors: tuple[str, ...]
    kind: str
    url: str
    confirmed: bool
    real_show: bool
    rules: tuple[RuleSpec, ...]
    fee_twd: int | None = None
    fee_note: dict[str, str] = field(default_factory=dict)
    subsidy: bool = False
    subsidy_note: dict[str, str] = field(default_factory=dict)
    registration_opens: date | None = None
    aliases: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    def title(self, lang: str) -> str:
        return pick(self.name, lang)

    def short(self, lang: str) -> str:
        return pick(self.short_name, lang)

    def registration(self, today: date) -> str:
        if today > self.registration_deadline or today >= self.starts:
            return CLOSED
        if self.registration_opens and today < self.registration_opens:
            return NOT_YET_OPEN
        return OPEN

    def is_past(self, today: date) -> bool:
        return self.ends < today

    def words(self) -> tuple[str, ...]:
        """Words an owner may type to name this event."""
        return tuple(w for w in (*self.name.values(), *self.short_name.values(), *self.aliases)
                     if w)


@dataclass(frozen=True)
class Catalogue:
    events: tuple[Event, ...]
    fingerprint: str = ""

    def get(self, event_id: str | None) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)
