"""Immutable objects the rest of the system reads knowledge through.

Frozen dataclasses so a KnowledgeBase can be shared between concurrent requests while the store
swaps in a new one after a reload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

LANGUAGES = ("zh-TW", "en")


def pick(texts: dict[str, str], lang: str) -> str:
    """The text in `lang`, falling back to zh-TW (always present) when it is not written."""
    return texts.get(lang) or texts.get("zh-TW") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Term:
    """A topic, product/industry or certification: a canonical id and the words for it."""

    id: str
    names: dict[str, str]
    aliases: dict[str, tuple[str, ...]]

    def all_aliases(self) -> tuple[str, ...]:
        words = [*self.names.values()]
        for group in self.aliases.values():
            words.extend(group)
        return tuple(dict.fromkeys(words))

    def name(self, lang: str) -> str:
        return pick(self.names, lang)


@dataclass(frozen=True)
class Product(Term):
    """A product or industry. `family` groups related products (appliances, electronics and
    batteries are all "electrical"), so retrieval can tell an entry about another kind of product
    from a general one. `outranks` names products this one is a kind of, for messages that name
    both: "狗狗吃的肉乾" names pet food and jerky, and the owner means pet food."""

    family: str = ""
    outranks: tuple[str, ...] = ()

    @property
    def family_id(self) -> str:
        return self.family or self.id


@dataclass(frozen=True)
class Market(Term):
    """A market with a knowledge pack, handled by one bilateral-platform desk.

    A pack with `serves_all_markets` (Taiwan-side support: subsidies, export insurance) is not a
    destination: its entries are offered beside every market's own entries.
    """

    desk: str = ""
    serves_all_markets: bool = False


@dataclass(frozen=True)
class Country(Term):
    """A place without a pack: recognised only so the assistant can say it is not covered."""


@dataclass(frozen=True)
class MarketGroup(Term):
    """A word that stands for several packs (新興市場): the assistant asks which one."""

    markets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Fact:
    """A key fact an entry states, as data: the consistency check compares it across entries and
    with the answer text, and the review routine knows when it needs rechecking."""

    name: str                     # dotted, market first: th.low_value_duty_exemption
    value: str                    # as the answer states it: "ended 2026-01-01", "10%"
    as_of: date                   # when the value was last confirmed against the source
    changes_on: date | None = None  # a known date on which the value changes (or changed)
    line: int = 0


@dataclass(frozen=True)
class Entry:
    id: str
    market: str
    topic: str
    title: dict[str, str]
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    sources: tuple[Source, ...]
    checked: date
    review_by: date
    products: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    volatile: bool = False
    status: str = "published"
    facts: tuple[Fact, ...] = ()
    checked_by: str = ""
    review_note: str = ""       # why a human must look at it (e.g. no specific official page found)
    # Where in the market the rule applies, when narrower than the market (France's Triman in
    # the EU pack): the entry answers only questions whose conversation names one of them.
    places: tuple[str, ...] = ()
    # Other markets whose questions this entry also answers when the conversation is about its
    # own market too: Mexico's USMCA entry answers "would parts made there enter the US
    # duty-free?" from an owner planning a plant in Mexico.
    also_for: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    @property
    def published(self) -> bool:
        return self.status == "published"

    def applies_where(self, text: str) -> bool:
        """Whether `text` (the question and the one it follows) allows this entry: always for a
        rule of the whole market, else when it names one of the entry's places."""
        if not self.places:
            return True
        folded = text.casefold()
        return any(place.casefold() in folded for place in self.places)


@dataclass(frozen=True)
class KnowledgeBase:
    markets: dict[str, Market]
    entries: tuple[Entry, ...]
    topics: dict[str, Term]
    desks: dict[str, Term]
    products: dict[str, Product]
    certifications: dict[str, Term]
    countries: dict[str, Country] = field(default_factory=dict)
    groups: dict[str, MarketGroup] = field(default_factory=dict)
    fingerprint: str = ""
    # Words that shape how a question is read (question_words.yml): setting, broad, company_setup, trade
    question_words: dict[str, Term] = field(default_factory=dict)

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def destinations(self) -> dict[str, Market]:
        """Markets owners sell to (every pack except those serving all markets), in the order of
        the desks (US, Japan, EU, then emerging markets) so lists and buttons read naturally."""
        desk_order = {desk: i for i, desk in enumerate(self.desks)}
        ordered = sorted(
            (m for m in self.markets.values() if not m.serves_all_markets),
            key=lambda m: (desk_order.get(m.desk, len(desk_order)), m.id),
        )
        return {m.id: m for m in ordered}

    def serves(self, entry: Entry, market: str) -> bool:
        """Whether `entry` may answer a question about `market`."""
        if entry.market == market or market in entry.also_for:
            return True
        pack = self.markets.get(entry.market)
        return pack is not None and pack.serves_all_markets

    def published_entries(self, market: str | None = None) -> list[Entry]:
        return [e for e in self.entries if e.published and (market is None or self.serves(e, market))]

    def topics_with_entries(self, market: str) -> list[str]:
        """Topic ids that have published entries for `market`, in the fixed topic order."""
        present = {e.topic for e in self.published_entries(market) if e.market == market}
        return [t for t in self.topics if t in present]

    def place_name(self, code: str, lang: str) -> str:
        """Display name of a market, uncovered country or group code."""
        for table in (self.markets, self.countries, self.groups):
            if code in table:
                return table[code].name(lang)
        return code
