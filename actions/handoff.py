"""The lead hand-off around its form: the PDPA notice and consent, the lead once the owner
confirms (market_entry.leads), and "delete my data".

Personal data only goes to slots (the tracker store), the lead store and the spool; logs name
lead ids, desks, scores and counts only.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.consent_notice import show_notice
from actions.tracker import latest_intent, name_of, reply_language, slots
from market_entry.leads.build import build_lead
from market_entry.leads.model import CONSENT_AGREED, CONSENT_DECLINED, utc_now
from market_entry.leads.spool import UNREACHABLE, save_lead
from market_entry.leads.store import idempotency_key
from market_entry.leads.webhook import WebhookConfig, WebhookNotifier
from market_entry.phrases import say

log = logging.getLogger(__name__)


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        return show_notice(dispatcher, tracker, reply_language(tracker))


class ActionConsent(Action):
    """The answer to the notice: agreed starts the form (rule), declined stores nothing, and
    "同意" without a notice on screen shows the notice first."""

    def name(self) -> str:
        return "action_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        lang = reply_language(tracker)
        version = tracker.get_slot("handoff_notice_version")
        if latest_intent(tracker)[0] == "decline_consent":
            dispatcher.utter_message(text=say("handoff.declined", lang))
            log.info("hand-off consent declined")
            return [SlotSet("handoff_consent", CONSENT_DECLINED)]
        if tracker.get_slot("handoff_consent") != "asked" or not version:
            return show_notice(dispatcher, tracker, lang)
        dispatcher.utter_message(text=say("handoff.agreed", lang))
        log.info("hand-off consent given (notice %s)", version)
        record = {"notice_version": version, "time": utc_now().isoformat(),
                  "answer": CONSENT_AGREED}
        return [SlotSet("handoff_consent", CONSENT_AGREED), SlotSet("consent_record", record),
                SlotSet("handoff_confirmed", None)]


def announce_leads() -> None:
    """Announce queued lead events to LEADS_WEBHOOK_URL off the request path: the owner's
    reply never waits for a staff system; failures stay in Redis for a later retry."""
    config, client = WebhookConfig.from_env(), runtime.redis_client()
    store = runtime.lead_store()
    if client is None or store is None:
        return

    def drain() -> None:
        try:
            WebhookNotifier(config, client).drain_outbox(store)
        except Exception as error:  # noqa: BLE001 - announcing must never fail a hand-off
            log.warning("lead webhook skipped: %s", type(error).__name__)

    asyncio.get_running_loop().run_in_executor(None, drain)


class ActionHandoffSubmit(Action):
    """Creates the lead once per hand-off (the idempotency key is the conversation and the
    hand-off's number), then tells the owner which desk calls back and when."""

    def name(self) -> str:
        return "action_handoff_submit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        lang = reply_language(tracker)
        record = tracker.get_slot("consent_record") or {}
        if not tracker.get_slot("handoff_confirmed") or record.get("answer") != CONSENT_AGREED:
            return []
        number = int(tracker.get_slot("handoff_count") or 0) + 1
        config = runtime.scoring()
        lead = build_lead(slots(tracker), tracker.events, runtime.kb(), config, name_of)
        key = idempotency_key(tracker.sender_id, number)
        store, spool = runtime.lead_store(), runtime.spool()
        if store is None:
            spool.append(lead, tracker.sender_id, key)
            stored, lead_id = "spool", lead.id
        else:
            result = save_lead(store, spool, lead, tracker.sender_id, key)
            stored, lead_id = result.stored, result.lead_id
            if stored != "spool":
                deliver_spooled()
                announce_leads()
        text = say("handoff.submitted", lang, desk=name_of_desk(lead.desk, lang),
                   days=config.working_days(lead.desk))
        if stored == "spool":
            text += say("handoff.spooled", lang)
        dispatcher.utter_message(text=text + "\n" + say("handoff.delete_hint", lang))
        log.info("hand-off %d: lead %s for desk %s via %s (score %s)", number, lead_id, lead.desk,
                 stored, lead.score)
        return [SlotSet("handoff_count", float(number)), SlotSet("lead_id", lead_id),
                SlotSet("handoff_confirmed", None), SlotSet("handoff_consent", None),
                SlotSet("handoff_offered", True)]


def name_of_desk(desk: str, lang: str) -> str:
    kb = runtime.kb()
    return kb.desks[desk].name(lang) if kb is not None and desk in kb.desks else desk


def deliver_spooled() -> None:
    """Redis answered: deliver anything spooled during an earlier outage (best effort)."""
    store = runtime.lead_store()
    try:
        if store is not None:
            runtime.spool().replay(store)
    except Exception as error:  # noqa: BLE001 - the owner's own lead is already saved
        log.warning("spool replay skipped: %s", type(error).__name__)


class ActionDeleteMyData(Action):
    """Erases the owner's leads (Redis and spool) and the conversation's slots."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        lang = reply_language(tracker)
        erased, failed = 0, False
        store = runtime.lead_store()
        if store is not None:
            try:
                erased += store.erase(tracker.sender_id)
            except UNREACHABLE:
                failed = True
        erased += runtime.spool().erase(tracker.sender_id)
        log.info("delete my data: %d lead(s) erased%s", erased,
                 " (store unreachable)" if failed else "")
        if erased and not failed:
            announce_leads()
        dispatcher.utter_message(text=say("handoff.delete_failed" if failed else
                                          "handoff.deleted", lang))
        keep = [SlotSet("handoff_count", tracker.get_slot("handoff_count") or 0.0)]
        for name in ("preferred_language", "detected_language"):
            if tracker.get_slot(name) is not None:
                keep.append(SlotSet(name, tracker.get_slot(name)))
        return [AllSlotsReset(), *keep]
