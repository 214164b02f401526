"""The eligibility screening as plain dialogue logic: which event, which facts are still
needed, and how one message is read as an answer (or as facts volunteered in passing).

Functions over plain values (slots, the catalogue, today's date) so the form is unit-tested
without rasa_sdk; actions/screening.py adapts them to rasa-sdk's form protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from market_entry.answer_parsing import UNKNOWN
from market_entry.eligibility.answers import harvest_facts, read_answer
from market_entry.eligibility.engine import FACTS, missing_facts
from market_entry.events import list_events, match_event, parse_query
from market_entry.events.listing import Query
from market_entry.events.model import CLOSED, Catalogue, Event

SELECTED_EVENT = "selected_event"


@dataclass(frozen=True)
class Vocabulary:
    """Aliases an answer may use: products (sectors), certifications, markets."""

    products: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    certifications: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    markets: Mapping[str, str] = field(default_factory=dict)


def required_certifications(event: Event | None) -> tuple[str, ...]:
    for spec in event.rules if event else ():
        if spec.type == "certifications":
            return tuple(spec.params.get("certifications", ()))
    return ()


NUMBERS = ("paid_in_capital", "employees")


def required_slots(slots: Mapping[str, Any], catalogue: Catalogue,
                   requested: str | None = None) -> list[str]:
    """The event first, then only the facts the chosen event's rules still need, in the form's
    order. The fact being asked stays in the list while its answer is read (a typed answer is
    text until validated), and an unread number counts as missing."""
    event = catalogue.get(slots.get(SELECTED_EVENT))
    if event is None:
        return [SELECTED_EVENT]
    facts = {name: slots.get(name) for name in FACTS}
    for name in NUMBERS:
        if isinstance(facts[name], str) and facts[name] != UNKNOWN:
            facts[name] = None
    missing = set(missing_facts(event.rules, facts, event.sectors))
    return [SELECTED_EVENT, *(f for f in FACTS if f in missing or f == requested)]


def choose_event(catalogue: Catalogue, today: date, *, button: str | None, requested: str | None,
                 message: str, listed: list[str] | None, market: str | None,
                 product: str | None, current: str | None) -> Event | None:
    """The event the owner picked: a button, a name or number typed when asked, or — when the
    screening starts from a question ("我們可以參加美國的商機洽談會嗎？") — the only one that fits."""
    chosen = catalogue.get(button)
    if chosen is not None:
        return chosen
    if requested == SELECTED_EVENT:
        return match_event(catalogue, message, today, listed)
    if requested is None and catalogue.get(current) is None:
        query = parse_query(message, today, market=market, sector=product)
        if query != Query():
            fits = [i.event for i in list_events(catalogue, today, query)
                    if i.registration != CLOSED]
            if len(fits) == 1:
                return fits[0]
    return None


def event_updates(event: Event, slots: Mapping[str, Any]) -> dict[str, Any]:
    """Choosing an event; a different show makes the "already subsidised for it" answer moot."""
    updates: dict[str, Any] = {SELECTED_EVENT: event.id}
    if slots.get("subsidy_event") != event.id:
        updates["subsidy_event"] = event.id
        if slots.get("subsidised_same_show") is not None:
            updates["subsidised_same_show"] = None
    if slots.get("sector") is None and slots.get("product"):
        updates["sector"] = slots["product"]
    return updates


def volunteered(texts: Iterable[str], slots: Mapping[str, Any], vocabulary: Vocabulary
                ) -> dict[str, Any]:
    """Facts stated in passing ("資本額500萬，員工30人") that the conversation does not know yet."""
    found: dict[str, Any] = {}
    for text in texts:
        for fact, value in harvest_facts(text, dict(vocabulary.markets)).items():
            if slots.get(fact) is None and fact not in found:
                found[fact] = value
    return found


def read_fact(fact: str, answer: Any, event: Event | None, slots: Mapping[str, Any],
              vocabulary: Vocabulary) -> tuple[Any, str | None]:
    """The value of one typed answer, or the re-ask phrase key; values that are not text were
    already read (volunteered facts) and pass unchanged."""
    if not isinstance(answer, str):
        return answer, None
    held = slots.get("certifications_held")   # the typed answer itself is text, not yet read
    value, problem = read_answer(
        fact, answer, products=vocabulary.products, certifications=vocabulary.certifications,
        required_certifications=required_certifications(event),
        held=held if isinstance(held, dict) else None, market_aliases=dict(vocabulary.markets))
    return (None, f"screening.reask.{problem}") if problem else (value, None)


def other_events(catalogue: Catalogue, today: date, event: Event, facts: Mapping[str, Any]
                 ) -> list[Event]:
    """Open events that fit the owner's sector (or the same market), other than this one."""
    sector = facts.get("sector")
    query = Query(sector=sector, open_only=True) if isinstance(sector, str) and sector != "other" \
        else Query(market=event.market, open_only=True)
    return [i.event for i in list_events(catalogue, today, query) if i.event.id != event.id]
