"""action_session_start: a new session keeps the owner's context; a typed `/session_start`
gets a greeting instead of silence."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker import latest_intent

# Per-turn bookkeeping that must not outlive a session.
NOT_CARRIED = ("requested_slot", "fallback_count")


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [SessionStarted()]
        if (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True):
            events += [SlotSet(name, value) for name, value in tracker.slots.items()
                       if value is not None and name not in NOT_CARRIED]
        if latest_intent(tracker)[0] == "session_start":
            dispatcher.utter_message(response="utter_greet")
        events.append(ActionExecuted("action_listen"))
        return events
