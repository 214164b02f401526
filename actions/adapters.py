"""Conversions between rasa_sdk objects and the domain package's plain values."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from market_entry.answering import Button, Context, Reply
from market_entry.language_choice import reply_language


def language(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        # A button press: answer in the language of the conversation so far.
        preferred = tracker.get_slot("preferred_language")
        if preferred in ("zh-TW", "en"):
            return preferred
        return tracker.get_slot("detected_language") or "zh-TW"
    return reply_language(tracker.get_slot("preferred_language"), text)


def context(tracker: Tracker) -> Context:
    return Context(
        market=tracker.get_slot("market"),
        topic=tracker.get_slot("topic"),
        product=tracker.get_slot("product"),
        pending_question=tracker.get_slot("pending_question"),
        last_question=tracker.get_slot("last_question"),
    )


def payload_entities(tracker: Tracker) -> dict[str, str]:
    """Entities of the latest message that matter to the answerer (from button payloads)."""
    out: dict[str, str] = {}
    for entity in tracker.latest_message.get("entities", []) or []:
        name, value = entity.get("entity"), entity.get("value")
        if name in ("market", "topic", "entry_id") and isinstance(value, str) and name not in out:
            out[name] = value
    return out


def buttons(items: list[Button]) -> list[dict[str, str]]:
    return [{"title": b.title, "payload": b.payload} for b in items]


def send(dispatcher: CollectingDispatcher, reply: Reply, tracker: Tracker) -> list[dict[str, Any]]:
    """Sends the reply; returns SlotSet events only for slots whose value changes, since every
    event is stored in the tracker and re-read on each later turn."""
    dispatcher.utter_message(text=reply.text, buttons=buttons(reply.buttons),
                             json_message=reply.card())
    return [SlotSet(name, value) for name, value in reply.slots.items()
            if tracker.get_slot(name) != value]
