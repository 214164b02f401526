"""action_switch_language: the owner asked for English or Chinese."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import adapters
from market_entry.language_choice import requested_language
from market_entry.phrases import say


class ActionSwitchLanguage(Action):
    def name(self) -> str:
        return "action_switch_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        current = adapters.language(tracker)
        chosen = next((e.get("value") for e in tracker.latest_message.get("entities") or []
                       if e.get("entity") == "language" and e.get("value") in ("zh-TW", "en")), None)
        # A button (the widget's language switch) names the language; typed text is parsed.
        target = chosen or requested_language(tracker.latest_message.get("text") or "", current)
        dispatcher.utter_message(text=say("language_switched", target))
        return [SlotSet("preferred_language", target)]
