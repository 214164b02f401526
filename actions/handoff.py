"""action_handoff: the owner asked for a person.

Lead capture with personal-data consent comes with the hand-off feature; until then the assistant
names the responsible desk and the official contact points, and stores nothing personal.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import adapters, runtime
from market_entry.phrases import say


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = adapters.language(tracker)
        try:
            desk = runtime.answerer().desk_for(tracker.get_slot("market"), lang)
        except Exception:  # noqa: BLE001 - no knowledge: still point to the officers
            desk = None
        text = say("handoff", lang, desk=desk) if desk else say("handoff_no_market", lang)
        dispatcher.utter_message(text=text)
        return []
