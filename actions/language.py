"""action_switch_language: the owner asked for English or Chinese."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.market_answer import answer_question
from actions.tracker import latest_entity, latest_text, reply_language
from market_entry.language_choice import (
    is_language_request,
    mentions_content_language,
    requested_language,
)
from market_entry.phrases import say

# Short messages ("English", "中文") are requests whatever their wording.
MENTION_ONLY_CHARS = 12


class ActionSwitchLanguage(Action):
    def name(self) -> str:
        return "action_switch_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        # A button (the widget's language switch) names the language; typed text is parsed.
        text = latest_text(tracker)
        named = latest_entity(tracker, "language")
        typed = not text.startswith("/")
        if typed and not is_language_request(text) and (
                len(text) > MENTION_ONLY_CHARS or mentions_content_language(text)):
            # "Our Chinese competitors sell cheaper in the US" mentions a language; it is a question
            return await answer_question(dispatcher, tracker)
        target = named if named and not typed else requested_language(text, reply_language(tracker))
        dispatcher.utter_message(text=say("system.language_switched", target))
        return [SlotSet("preferred_language", target)]
