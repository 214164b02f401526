"""The PDPA notice (Personal Data Protection Act, Art. 8) and the consent question that open
every hand-off: nothing personal is collected before the owner answers it."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.tracker import latest_entity, slot
from market_entry.phrases import say

log = logging.getLogger(__name__)


def show_notice(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str
                ) -> list[dict[str, Any]]:
    """Names the desk, shows the PDPA Art. 8 notice and asks for consent: nothing personal is
    collected before the answer."""
    # "可以幫我聯絡負責菲律賓的專員嗎": the market named in this message names the desk
    market = latest_entity(tracker, "market") or slot(tracker, "market")
    kb = runtime.kb()
    desk = kb.desks[kb.markets[market].desk].name(lang) if kb and market in kb.destinations() \
        else None
    try:
        notice = runtime.consent_notice()
    except Exception as error:  # noqa: BLE001 - without a notice, no collection at all
        log.warning("consent notice unavailable: %s", type(error).__name__)
        dispatcher.utter_message(text=say("handoff.notice_unavailable", lang))
        return []
    intro = say("handoff.intro_desk", lang, desk=desk) if desk else say("handoff.intro_desks", lang)
    dispatcher.utter_message(text=intro + say("handoff.notice_intro", lang))
    dispatcher.utter_message(text=notice.text(lang), buttons=[
        {"title": say("handoff.button_agree", lang), "payload": "/give_consent"},
        {"title": say("handoff.button_decline", lang), "payload": "/decline_consent"}])
    return [SlotSet("handoff_consent", "asked"), SlotSet("handoff_asked", True),
            SlotSet("handoff_lang", lang), SlotSet("handoff_notice_version", notice.version)]
