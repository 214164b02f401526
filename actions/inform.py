"""action_inform: a free answer ("500萬", "35人") when no form is running."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.consent_notice import show_notice
from actions.event_listing import event_buttons
from actions.market_answer import answer_question
from actions.tracker import changed, latest_text, market_aliases, reply_language, slots
from market_entry.eligibility.answers import harvest_facts, is_bare_answer
from market_entry.events import list_events
from market_entry.events.listing import Query
from market_entry.leads.offer import asks_for_person
from market_entry.phrases import say


class ActionInform(Action):
    """Keeps what is clear and offers the events; a question with numbers in it
    ("六千萬、120人，我們算中小企業嗎？") is a market question, answered from the packs."""

    def name(self) -> str:
        return "action_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = latest_text(tracker)
        if asks_for_person(message):
            # "有沒有人可以打電話給我 0912-345-678": the notice first, nothing kept before consent
            return show_notice(dispatcher, tracker, reply_language(tracker))
        if not is_bare_answer(message):
            return await answer_question(dispatcher, tracker)
        lang = reply_language(tracker)
        listed = list_events(runtime.event_store().get(), runtime.today(), Query(open_only=True))
        dispatcher.utter_message(text=say("events.inform_outside", lang),
                                 buttons=event_buttons([i.event for i in listed], lang))
        known = slots(tracker)
        found = harvest_facts(message, market_aliases())
        return changed(tracker, {k: v for k, v in found.items() if known.get(k) is None})
