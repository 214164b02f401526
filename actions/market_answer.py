"""action_answer_question: answers market questions from the knowledge packs."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import offer, runtime
from actions.consent_notice import show_notice
from actions.tracker import context, latest_text, payload_entities, reply_language, send
from market_entry.answering import NOT_COVERED_REPLY
from market_entry.leads.offer import asks_for_person
from market_entry.unanswered import record_unanswered

log = logging.getLogger(__name__)


async def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker
                          ) -> list[dict[str, Any]]:
    """The market-question dialogue for the latest message; other actions hand questions here
    (a question typed as a "free answer", a subsidy question in an events request)."""
    text = latest_text(tracker)
    lang = reply_language(tracker)
    wants_person = asks_for_person(text) and tracker.get_slot("handoff_consent") not in (
        "asked", "agreed")
    reply = runtime.answerer().respond(text, lang, context(tracker), payload_entities(tracker))
    if wants_person:
        # "日本要什麼認證？可以找專人聊嗎": the answer when the packs have one, then the
        # notice for the person they asked for (the officer gets the question with the chat)
        events = send(dispatcher, reply, tracker) if reply.entry is not None else []
        return events + show_notice(dispatcher, tracker, lang)
    log.info("market question answered: kind=%s entry=%s market=%s", reply.kind,
             reply.entry.id if reply.entry else None, reply.market)
    events = send(dispatcher, reply, tracker)
    if reply.kind == NOT_COVERED_REPLY:
        note_unanswered(text, reply.market)
    elif reply.entry is not None:
        set_now = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        events += offer.maybe_offer(dispatcher, tracker, lang, set_now)
    return events


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        return await answer_question(dispatcher, tracker)


def note_unanswered(question: str, market: str | None) -> None:
    """Best effort: a Redis hiccup must not cost the owner the answer they are getting."""
    client = runtime.redis_client()
    if client is None or question.startswith("/"):
        return
    try:
        record_unanswered(client, question, market)
    except Exception as error:  # noqa: BLE001
        log.warning("could not record an unanswered question: %s", type(error).__name__)
