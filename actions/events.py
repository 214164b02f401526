"""action_list_events: upcoming trade events that fit the owner's question."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import adapters, runtime
from market_entry.eligibility.wording import MISC, text
from market_entry.events import list_events, parse_query
from market_entry.events.listing import SHOWN_AT_MOST, Query, describe
from market_entry.events.model import NOT_YET_OPEN, OPEN
from market_entry.phrases import clip_label

MAX_BUTTONS = 4
_SUBSIDY = re.compile(r"補助|補貼|津貼|subsid", re.IGNORECASE)


def latest_entity(tracker: Tracker, name: str) -> str | None:
    for entity in tracker.latest_message.get("entities", []) or []:
        if entity.get("entity") == name and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def place_name(code: str, lang: str) -> str:
    try:
        return runtime.store().get().place_name(code, lang)
    except Exception:  # noqa: BLE001 - a missing pack must not hide the events
        return code


def event_buttons(events, lang: str, officer: bool = True) -> list[dict[str, str]]:
    buttons = [{"title": clip_label(text(MISC, "check_button", lang, short=e.short(lang))),
                "payload": f'/screen_eligibility{{"selected_event":"{e.id}"}}'}
               for e in events[:MAX_BUTTONS]]
    if officer:
        buttons.append({"title": text(MISC, "officer_button", lang), "payload": "/request_human"})
    return buttons


def render_listing(listed, lang: str, intro_key: str = "list_intro") -> str:
    shown = listed[:SHOWN_AT_MOST]
    parts = [text(MISC, intro_key, lang)]
    for number, item in enumerate(shown, start=1):
        parts.append(describe(item, lang, place_name(item.event.market, lang), number))
    if len(listed) > len(shown):
        parts.append(text(MISC, "list_more", lang, n=len(listed) - len(shown)))
    parts.append(text(MISC, "list_outro", lang))
    return "\n\n".join(parts)


class ActionListEvents(Action):
    def name(self) -> str:
        return "action_list_events"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = adapters.language(tracker)
        message = tracker.latest_message.get("text") or ""
        if _SUBSIDY.search(message):
            # "攤位費政府有補助嗎？" is a question for the packs (Taiwan-side support), not a list.
            from actions.market_answer import ActionAnswerQuestion

            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        today = runtime.today()
        catalogue = runtime.event_store().get()
        query = parse_query("" if message.startswith("/") else message, today,
                            market=latest_entity(tracker, "market"),
                            sector=latest_entity(tracker, "product"))
        listed = list_events(catalogue, today, query)
        intro = "list_intro"
        if not listed and query != Query():
            listed = list_events(catalogue, today, Query(open_only=query.open_only))
            intro = "list_none"
        if not listed:
            dispatcher.utter_message(text=text(MISC, "list_empty", lang),
                                     buttons=event_buttons([], lang))
            return []
        # Open registrations first in the buttons; closed ones get none.
        shown = listed[:SHOWN_AT_MOST]
        ordered = [i.event for i in shown if i.registration == OPEN] + \
                  [i.event for i in shown if i.registration == NOT_YET_OPEN]
        dispatcher.utter_message(text=render_listing(listed, lang, intro),
                                 buttons=event_buttons(ordered, lang))
        ids = [i.event.id for i in shown]
        return [SlotSet("listed_events", ids)] if tracker.get_slot("listed_events") != ids else []
