"""action_fallback: what happens when the NLU is not confident.

First it tries the knowledge packs (a clear market question can still be answered), then asks
the owner to rephrase with suggestions; the second failure in a row offers a trade officer.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.market_answer import note_unanswered
from actions.tracker import buttons, context, latest_text, reply_language, send
from market_entry.answering import ANSWERED, ASK_MARKET, NOT_COVERED_REPLY, Button, Reply, payload
from market_entry.knowledge.model import pick
from market_entry.phrases import clip_label, say

OFFER_OFFICER_AFTER = 2


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if (tracker.active_loop or {}).get("rejected"):
            # Rasa's core fallback: a form refused the message and no rule covers it. Like
            # action_default_fallback, forget the message, or Rasa predicts this action again
            # and again until its circuit breaker stops the conversation for good.
            lang = reply_language(tracker)
            dispatcher.utter_message(text=say("fallback.rephrase_no_suggestion", lang))
            return [UserUtteranceReverted()]
        lang = reply_language(tracker)
        text = latest_text(tracker)
        answerer = runtime.answerer()
        known = context(tracker)
        typed = bool(text) and not text.startswith("/")
        terms = answerer.find_terms(text) if typed else []
        # The NLU was unsure, but the packs may not be: a message naming a market, or asked
        # while the conversation has one, is tried as a question first; an owner saying what
        # they make ("我們做電風扇跟電暖器") is asked which market, the product remembered.
        reply = answerer.respond(text, lang, known) if typed else None
        market_named = any(t.label == "market" for t in terms)
        product_named = any(t.label == "product" for t in terms)
        if reply is not None and (
            (reply.kind == ANSWERED and (market_named or known.market is not None))
            or (reply.kind == ASK_MARKET and product_named)
            or _names_its_taiwan_programme(reply, terms)
        ):
            return send(dispatcher, reply, tracker)
        if reply is not None and reply.kind == NOT_COVERED_REPLY and market_named:
            # "日本的太空旅遊業執照怎麼申請": a question about a market the packs do not cover.
            # Saying so and offering an officer beats "please rephrase"; staff see it in gaps.
            events = send(dispatcher, reply, tracker)
            note_unanswered(text, reply.market)
            return events

        count = int(tracker.get_slot("fallback_count") or 0) + 1
        if count >= OFFER_OFFICER_AFTER:
            dispatcher.utter_message(text=say("fallback.officer", lang), buttons=buttons(
                [Button(say("button.officer", lang), payload("request_human"))]))
            return [SlotSet("fallback_count", 0.0)]

        suggestions = suggestion_buttons(reply, lang)
        if suggestions:
            dispatcher.utter_message(text=say("fallback.rephrase", lang),
                                     buttons=buttons(suggestions))
        else:
            dispatcher.utter_message(text=say("fallback.rephrase_no_suggestion", lang),
                                     buttons=buttons(answerer.topic_suggestions(known.market,
                                                                                lang)))
        return [SlotSet("fallback_count", float(count))]


def _names_its_taiwan_programme(reply: Reply | None, terms: list) -> bool:
    """"…員工120人，算中小企業媽？": the message names one of Taiwan's own programmes (the SME
    standard, the booth subsidy, the credit guarantee) and the Taiwan-side entry about it answers;
    those need no market, so an unsure intent is no reason to ask for a rephrasing."""
    if reply is None or reply.kind != ANSWERED or reply.entry is None:
        return False
    knowledge = runtime.kb()
    pack = knowledge.markets.get(reply.entry.market) if knowledge is not None else None
    return bool(pack is not None and pack.serves_all_markets and any(
        t.label == "certification" and t.value in reply.entry.certifications for t in terms))


def suggestion_buttons(reply: Reply | None, lang: str) -> list[Button]:
    """Entries the message partly matches, offered as "did you mean" buttons."""
    if reply is None or reply.result is None:
        return []
    return [
        Button(clip_label(pick(c.entry.title, lang)),
               payload("ask_market_question", entry_id=c.entry.id))
        for c in reply.result.candidates
        if c.coverage >= 0.2
    ][:3]
