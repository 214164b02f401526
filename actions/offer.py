"""The modest offer of a trade officer, once per conversation, when the score is high enough
(the policy is market_entry.leads.offer; this module only reads the tracker and speaks)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.tracker import slots
from market_entry.leads.offer import should_offer
from market_entry.phrases import say

log = logging.getLogger(__name__)


def maybe_offer(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str,
                extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """`extra`: slot values this turn sets but the tracker does not show yet."""
    try:
        if not should_offer({**slots(tracker), **(extra or {})}, runtime.kb(), runtime.scoring()):
            return []
    except Exception as error:  # noqa: BLE001 - an offer must never cost the owner the answer
        log.warning("hand-off score unavailable: %s", type(error).__name__)
        return []
    dispatcher.utter_message(text=say("handoff.offer", lang), buttons=[
        {"title": say("button.officer", lang), "payload": "/request_human"}])
    log.info("hand-off offered")
    return [SlotSet("handoff_offered", True)]
