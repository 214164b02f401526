"""action_list_events: upcoming trade events that fit the owner's question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.market_answer import answer_question
from actions.tracker import changed, latest_entity, latest_text, name_of, reply_language
from market_entry.events import list_events, parse_query
from market_entry.events.listing import SHOWN_AT_MOST, Query, describe, is_question_for_the_packs
from market_entry.events.model import NOT_YET_OPEN, OPEN, Event
from market_entry.phrases import clip_label, say

MAX_BUTTONS = 4
def event_buttons(events: list[Event], lang: str, officer: bool = True) -> list[dict[str, str]]:
    buttons = [{"title": clip_label(say("button.check_event", lang, short=e.short(lang))),
                "payload": f'/screen_eligibility{{"selected_event":"{e.id}"}}'}
               for e in events[:MAX_BUTTONS]]
    if officer:
        buttons.append({"title": say("button.officer", lang), "payload": "/request_human"})
    return buttons


def wanted(query: Query, lang: str) -> str:
    """What the owner asked for, in words ("泰國、醫療器材"), for the "nothing matches" reply."""
    parts = []
    if query.market:
        parts.append(name_of("market", query.market, lang))
    if query.sector:
        parts.append(name_of("product", query.sector, lang))
    if query.month:
        parts.append(f"{query.month[0]}-{query.month[1]:02d}")
    return ("、" if lang != "en" else ", ").join(parts) or say("events.nothing_specific", lang)


def render_listing(listed: list, lang: str, intro: str) -> str:
    shown = listed[:SHOWN_AT_MOST]
    parts = [intro]
    for number, item in enumerate(shown, start=1):
        parts.append(describe(item, lang, name_of("market", item.event.market, lang), number))
    if len(listed) > len(shown):
        parts.append(say("events.list_more", lang, n=len(listed) - len(shown)))
    parts.append(say("events.list_outro", lang))
    return "\n\n".join(parts)


class ActionListEvents(Action):
    def name(self) -> str:
        return "action_list_events"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = latest_text(tracker)
        if is_question_for_the_packs(message):
            return await answer_question(dispatcher, tracker)
        lang = reply_language(tracker)
        today = runtime.today()
        catalogue = runtime.event_store().get()
        query = parse_query("" if message.startswith("/") else message, today,
                            market=latest_entity(tracker, "market"),
                            sector=latest_entity(tracker, "product"))
        listed = list_events(catalogue, today, query)
        intro = say("events.list_intro", lang)
        if not listed and query != Query():
            listed = list_events(catalogue, today, Query(open_only=query.open_only))
            intro = say("events.list_none", lang, wanted=wanted(query, lang))
        if not listed:
            dispatcher.utter_message(text=say("events.list_empty", lang),
                                     buttons=event_buttons([], lang))
            return []
        # Open registrations first in the buttons; closed ones get none.
        shown = listed[:SHOWN_AT_MOST]
        ordered = [i.event for i in shown if i.registration == OPEN] + \
                  [i.event for i in shown if i.registration == NOT_YET_OPEN]
        dispatcher.utter_message(text=render_listing(listed, lang, intro),
                                 buttons=event_buttons(ordered, lang))
        return changed(tracker, {"listed_events": [i.event.id for i in shown]})
