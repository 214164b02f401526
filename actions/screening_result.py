"""The end of a screening: the explained result (rule by rule, other events that fit, the
offer of a trade officer), or a stop on the owner's request."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import offer, runtime
from actions.event_listing import event_buttons
from actions.tracker import name_of, reply_language, slots
from market_entry.eligibility import FACTS, NEEDS_REVIEW, Names, evaluate, explain
from market_entry.eligibility import form as screening
from market_entry.events.model import CLOSED
from market_entry.phrases import say

log = logging.getLogger(__name__)


class ActionScreeningResult(Action):
    def name(self) -> str:
        return "action_screening_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        lang = reply_language(tracker)
        today = runtime.today()
        catalogue = runtime.event_store().get()
        event = catalogue.get(tracker.get_slot("selected_event"))
        if event is None:
            dispatcher.utter_message(text=say("screening.reask.unknown_event", lang))
            return []
        facts = slots(tracker, FACTS)
        outcome = evaluate(event.id, event.rules, facts, event.sectors, Names(name_of))
        parts = [explain(outcome, event.title(lang), lang)]
        if event.registration(today) == CLOSED:
            parts.append(say("screening.closed_note", lang))
        if outcome.status == NEEDS_REVIEW:
            parts.append(say("screening.review_note", lang))
        others = screening.other_events(catalogue, today, event, facts)[:3]
        if others:
            parts.append("\n".join([say("screening.other_events", lang)] + [
                say("screening.other_event_line", lang, title=e.title(lang), starts=e.starts)
                for e in others]))
        dispatcher.utter_message(text="\n\n".join(parts), buttons=event_buttons(others, lang))
        log.info("screening: event=%s outcome=%s", event.id, outcome.status)
        stored = {**outcome.as_slot(), "screened_on": today.isoformat()}
        return [SlotSet("screening_outcome", stored),
                *offer.maybe_offer(dispatcher, tracker, lang, {"screening_outcome": stored})]


class ActionStopScreening(Action):
    def name(self) -> str:
        return "action_stop_screening"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        lang = reply_language(tracker)
        dispatcher.utter_message(text=say("screening.stopped", lang), buttons=[
            {"title": say("button.events", lang), "payload": "/ask_events"},
            {"title": say("button.officer", lang), "payload": "/request_human"}])
        return [SlotSet("requested_slot", None)]
