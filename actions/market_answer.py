"""action_answer_question: answers market questions from the knowledge packs."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import adapters, runtime
from market_entry.answering import NOT_COVERED_REPLY
from market_entry.unanswered import record_unanswered

log = logging.getLogger(__name__)


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        reply = runtime.answerer().respond(
            text,
            adapters.language(tracker),
            adapters.context(tracker),
            adapters.payload_entities(tracker),
        )
        log.info("market question answered: kind=%s entry=%s market=%s", reply.kind,
                 reply.entry.id if reply.entry else None, reply.market)
        if reply.kind == NOT_COVERED_REPLY:
            note_unanswered(text, reply.market)
            return adapters.send(dispatcher, reply, tracker)
        events = adapters.send(dispatcher, reply, tracker)
        if reply.entry is not None:
            from actions.handoff import maybe_offer

            set_now = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
            events += maybe_offer(dispatcher, tracker, adapters.language(tracker), set_now)
        return events


def note_unanswered(question: str, market: str | None) -> None:
    """Best effort: a Redis hiccup must not cost the owner the answer they are getting."""
    client = runtime.redis_client()
    if client is None or question.startswith("/"):
        return
    try:
        record_unanswered(client, question, market)
    except Exception as error:  # noqa: BLE001
        log.warning("could not record an unanswered question: %s", type(error).__name__)
