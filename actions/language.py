"""action_switch_language: the owner asked for English or Chinese."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker import latest_entity, latest_text, reply_language
from market_entry.language_choice import requested_language
from market_entry.phrases import say


class ActionSwitchLanguage(Action):
    def name(self) -> str:
        return "action_switch_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        # A button (the widget's language switch) names the language; typed text is parsed.
        target = latest_entity(tracker, "language") or requested_language(
            latest_text(tracker), reply_language(tracker))
        dispatcher.utter_message(text=say("system.language_switched", target))
        return [SlotSet("preferred_language", target)]
