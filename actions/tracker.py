"""Reading a rasa_sdk Tracker into plain values, and sending a domain Reply back.

The one place the actions turn Rasa's objects into what market_entry expects: slot values and
entities are checked here (only strings the vocabulary knows reach the domain code, whatever a
typed `/intent{...}` payload carried), and the reply language is decided here, once.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from market_entry.answering import Button, Context, Reply
from market_entry.language_choice import conversation_language

log = logging.getLogger(__name__)

MAX_VALUE_CHARS = 80
# Entities and slots whose values must be ids from the knowledge, the events or the languages.
CHECKED = ("market", "topic", "product", "certification", "entry_id", "selected_event",
           "language")


def known_value(name: str, value: Any) -> bool:
    """Whether `value` is a value a button or the gazetteer could produce for `name`."""
    if not isinstance(value, str) or not value or len(value) > MAX_VALUE_CHARS:
        return False
    if name == "language":
        return value in ("zh-TW", "en")
    if name == "selected_event":
        return runtime.event_store().get().get(value) is not None
    kb = runtime.kb()
    if kb is None:
        return False
    tables = {"market": (kb.markets, kb.countries, kb.groups), "topic": (kb.topics,),
              "product": (kb.products,), "certification": (kb.certifications,)}
    if name == "entry_id":
        return kb.entry(value) is not None
    return any(value in table for table in tables.get(name, ()))


def latest_entity(tracker: Tracker, name: str) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if not isinstance(entity, dict) or entity.get("entity") != name:
            continue
        value = entity.get("value")
        if known_value(name, value):
            return value
        # Never log the value itself: it is the owner's text.
        log.info("entity dropped: %s (%s)", name, type(value).__name__)
    return None


def slot(tracker: Tracker, name: str) -> Any:
    """A slot's value; an id slot holding anything but a known id reads as empty."""
    value = tracker.get_slot(name)
    if name in CHECKED and value is not None and not known_value(name, value):
        log.info("slot ignored: %s (%s)", name, type(value).__name__)
        return None
    return value


def slots(tracker: Tracker, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {name: slot(tracker, name) for name in (names or tuple(tracker.slots))}


def latest_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text")
    return text if isinstance(text, str) else ""


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    confidence = intent.get("confidence")
    return intent.get("name"), float(confidence) if isinstance(confidence, (int, float)) else 0.0


def user_texts(tracker: Tracker) -> list[str]:
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]


def reply_language(tracker: Tracker) -> str:
    # From the notice to the lead, the hand-off keeps the language its notice was shown in.
    handing_off = tracker.active_loop_name == "handoff_form" or tracker.get_slot(
        "handoff_consent") in ("asked", "agreed")
    pinned = tracker.get_slot("handoff_lang") if handing_off else None
    texts = user_texts(tracker)
    latest = latest_text(tracker)
    if latest and (not texts or texts[-1] != latest):
        texts.append(latest)
    return conversation_language(tracker.get_slot("preferred_language"), texts, pinned)


def context(tracker: Tracker) -> Context:
    return Context(
        market=_before_latest_message(tracker, "market"),
        topic=slot(tracker, "topic"),
        product=slot(tracker, "product"),
        pending_question=_text(tracker.get_slot("pending_question")),
        last_question=_text(tracker.get_slot("last_question")),
    )


def _before_latest_message(tracker: Tracker, name: str) -> Any:
    """A slot as the conversation had it before the latest message. Rasa fills the market
    slot from the message's own entities first, and the answerer reads the message itself:
    "what the conversation established" is the value before it ("…墨西哥的經銷商…" then
    "成分標籤一定要用西班牙文嗎": the market is still Mexico, not Spain's EU)."""
    events = list(tracker.events or [])
    latest = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if latest is None or not any(e.get("event") == "slot" and e.get("name") == name
                                 for e in events):
        return slot(tracker, name)   # no history of the slot to read: its value now
    value = None
    for event in events[:latest]:
        if event.get("event") == "slot" and event.get("name") == name:
            value = event.get("value")
        elif event.get("event") in ("restart", "reset_slots"):
            value = None
    if name in CHECKED and value is not None and not known_value(name, value):
        return None
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def payload_entities(tracker: Tracker) -> dict[str, str]:
    """Entities of the latest message that matter to the answerer (from button payloads)."""
    out = {}
    for name in ("market", "topic", "entry_id"):
        value = latest_entity(tracker, name)
        if value is not None:
            out[name] = value
    return out


def name_of(kind: str, ident: str, lang: str) -> str:
    """Display name of a product, certification or market id (the id when unknown)."""
    kb = runtime.kb()
    if kb is None:
        return ident
    if kind == "market":
        return kb.place_name(ident, lang)
    table = {"product": kb.products, "certification": kb.certifications}[kind]
    return table[ident].name(lang) if ident in table else ident


def market_aliases() -> dict[str, str]:
    kb = runtime.kb()
    if kb is None:
        return {}
    return {alias: code for code, m in kb.destinations().items() for alias in m.all_aliases()}


def buttons(items: list[Button]) -> list[dict[str, str]]:
    return [{"title": b.title, "payload": b.payload} for b in items]


def changed(tracker: Tracker, updates: dict[str, Any]) -> list[dict[str, Any]]:
    """SlotSet events only for slots whose value changes: every event is stored in the tracker
    and re-read on each later turn."""
    return [SlotSet(name, value) for name, value in updates.items()
            if tracker.get_slot(name) != value]


def send(dispatcher: CollectingDispatcher, reply: Reply, tracker: Tracker) -> list[dict[str, Any]]:
    dispatcher.utter_message(text=reply.text, buttons=buttons(reply.buttons),
                             json_message=reply.card())
    return changed(tracker, reply.slots)
