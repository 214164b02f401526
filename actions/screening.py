"""The eligibility screening: form validation over market_entry.eligibility, the questions,
and the explained result. Facts are slots named after the rules engine's facts."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import adapters, runtime
from actions.events import event_buttons, latest_entity
from market_entry.answer_parsing import parse_headcount, parse_money, parse_ubn
from market_entry.eligibility import FACTS, NEEDS_REVIEW, Names, evaluate, explain, missing_facts
from market_entry.eligibility.answers import harvest_facts, read_answer
from market_entry.eligibility.wording import MISC, QUESTIONS, REASKS, YES_NO_BUTTONS, text
from market_entry.events import list_events, match_event, parse_query
from market_entry.events.listing import Query
from market_entry.events.model import CLOSED, OPEN
from market_entry.language_choice import reply_language
from market_entry.phrases import clip_label

log = logging.getLogger(__name__)
FORM_SLOTS = ("selected_event", *FACTS)


# -- knowledge lookups (names and aliases for products, certifications, markets) ---------------

def _kb():
    try:
        return runtime.store().get()
    except Exception:  # noqa: BLE001 - screening works without the packs, with ids for names
        return None


def names() -> Names:
    kb = _kb()

    def lookup(kind: str, ident: str, lang: str) -> str:
        if kb is None:
            return ident
        table = {"product": kb.products, "certification": kb.certifications,
                 "market": kb.markets}[kind]
        return table[ident].name(lang) if ident in table else ident
    return Names(lookup)


def aliases(kind: str) -> dict[str, tuple[str, ...]]:
    kb = _kb()
    if kb is None:
        return {}
    table = kb.products if kind == "product" else kb.certifications
    return {ident: term.all_aliases() + (ident,) for ident, term in table.items()}


def market_aliases() -> dict[str, str]:
    kb = _kb()
    if kb is None:
        return {}
    return {alias: code for code, m in kb.destinations().items() for alias in m.all_aliases()}


_CURRENCY_WORDS = {"nt", "ntd", "twd", "usd", "ubn", "pse", "ce", "fcc", "bis", "sni"}


def _decisive(said: str) -> bool:
    """Whether a message says which language the owner writes in: CJK characters or an English
    word ("NT$30,000,000", "04595257" and button payloads do not)."""
    if not said or said.startswith("/"):
        return False
    if re.search(r"[\u4e00-\u9fff]", said):
        return True
    return any(w.lower() not in _CURRENCY_WORDS for w in re.findall(r"[A-Za-z]{2,}", said))


def language(tracker: Tracker) -> str:
    """The reply language during a screening: a bare number keeps the conversation's language."""
    preferred = tracker.get_slot("preferred_language")
    if preferred in ("zh-TW", "en"):
        return preferred
    for said in reversed(user_texts(tracker)):
        if _decisive(said):
            return reply_language(preferred, said)
    return adapters.language(tracker)


def facts_of(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in FACTS}


def required_certifications(event) -> tuple[str, ...]:
    for spec in event.rules if event else ():
        if spec.type == "certifications":
            return tuple(spec.params.get("certifications", ()))
    return ()


def user_texts(tracker: Tracker) -> list[str]:
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]


class ValidateScreeningForm(FormValidationAction):
    """Chooses the event, reads each answer, harvests facts the owner volunteers, and asks only
    what the chosen event's rules still need."""

    def name(self) -> str:
        return "validate_screening_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "stop":
            return []  # nothing extracted: the form rejects and the stop rule runs
        lang = language(tracker)
        today = runtime.today()
        catalogue = runtime.event_store().get()
        message = tracker.latest_message.get("text") or ""
        requested = tracker.get_slot("requested_slot")
        updates: dict[str, Any] = {}
        current = {name: tracker.get_slot(name) for name in FORM_SLOTS}

        def choose(event) -> None:
            updates["selected_event"] = event.id
            if tracker.get_slot("subsidy_event") != event.id:
                updates["subsidy_event"] = event.id
                if current.get("subsidised_same_show") is not None:
                    updates["subsidised_same_show"] = None

        chosen = catalogue.get(latest_entity(tracker, "selected_event"))
        answered = False
        if chosen is not None:
            choose(chosen)
        elif requested == "selected_event":
            found = match_event(catalogue, message, today, tracker.get_slot("listed_events"))
            if found is not None:
                choose(found)
            else:
                dispatcher.utter_message(text=text(REASKS, "unknown_event", lang))
        elif requested is None and catalogue.get(current["selected_event"]) is None:
            # "我們可以參加美國的商機洽談會嗎？": pick the event when only one fits.
            query = parse_query(message, today, market=latest_entity(tracker, "market"),
                                sector=latest_entity(tracker, "product"))
            if query != Query():
                fits = [i.event for i in list_events(catalogue, today, query)
                        if i.registration != CLOSED]
                if len(fits) == 1:
                    choose(fits[0])
        elif requested in FACTS and message and not message.startswith("/screen_eligibility"):
            event = catalogue.get(current["selected_event"])
            value, problem = read_answer(
                requested, message, products=aliases("product"),
                certifications=aliases("certification"),
                required_certifications=required_certifications(event),
                held=current.get("certifications_held"), market_aliases=market_aliases())
            if problem:
                dispatcher.utter_message(text=text(REASKS, problem, lang))
            else:
                updates[requested] = value
                answered = True

        # Facts volunteered in this message, or earlier in the conversation when screening starts.
        sources = user_texts(tracker) if requested is None else ([message] if answered else [])
        for source in sources:
            for fact, value in harvest_facts(source, market_aliases()).items():
                if current.get(fact) is None and fact not in updates:
                    updates[fact] = value
        event = catalogue.get(updates.get("selected_event", current["selected_event"]))
        product = tracker.get_slot("product")
        if event and current.get("sector") is None and "sector" not in updates and product:
            updates["sector"] = product

        facts = {**{n: current.get(n) for n in FACTS}, **{k: v for k, v in updates.items()
                                                           if k in FACTS}}
        if event is None:
            next_slot = "selected_event"
        else:
            missing = missing_facts(event.rules, facts, event.sectors)
            next_slot = missing[0] if missing else None
        events = [SlotSet(k, v) for k, v in updates.items()]
        events.append(SlotSet("screening_answer", None))
        events.append(SlotSet("requested_slot", next_slot))
        return events


# -- the questions -----------------------------------------------------------------------------

def _yes_no_buttons(lang: str) -> list[dict[str, str]]:
    return [{"title": b, "payload": b} for b in YES_NO_BUTTONS["en" if lang == "en" else "zh-TW"]]


def ask(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    lang = language(tracker)
    catalogue = runtime.event_store().get()
    event = catalogue.get(tracker.get_slot("selected_event"))
    if slot == "selected_event" or event is None:
        today = runtime.today()
        listed = list_events(catalogue, today, Query(market=tracker.get_slot("market")))
        listed = [i for i in listed if i.registration == OPEN] or list_events(
            catalogue, today, Query())
        dispatcher.utter_message(text=text(QUESTIONS, "selected_event", lang),
                                 buttons=event_buttons([i.event for i in listed], lang,
                                                       officer=False))
        return
    prefix = f"〔{event.short(lang)}〕" if lang != "en" else f"[{event.short(lang)}] "
    buttons: list[dict[str, str]] = []
    if slot == "certifications_held":
        named = names()
        certs = required_certifications(event)
        joiner = "、" if lang != "en" else ", "
        question = text(QUESTIONS, slot, lang, certs=joiner.join(
            named("certification", c, lang) for c in certs))
        buttons = _yes_no_buttons(lang)
    else:
        question = text(QUESTIONS, slot, lang)
    if slot == "sector":
        named = names()
        # The payload is the sector's name in the owner's language: an English id typed for a
        # Chinese conversation would switch the replies to English.
        buttons = [{"title": clip_label(named("product", s, lang)),
                    "payload": named("product", s, lang)} for s in event.sectors[:4]]
        buttons.append({"title": text(MISC, "other_sector", lang), "payload": "其他"})
    elif slot in ("registered_trader", "export_experience", "english_materials", "fee_arrears",
                  "subsidised_same_show"):
        buttons = _yes_no_buttons(lang)
    dispatcher.utter_message(text=prefix + question, buttons=buttons)


def _ask_action(slot: str) -> type[Action]:
    class AskAction(Action):
        def name(self) -> str:
            return f"action_ask_{slot}"

        async def run(self, dispatcher, tracker, domain):
            ask(slot, dispatcher, tracker)
            return []

    AskAction.__name__ = f"ActionAsk_{slot}"
    return AskAction


ASK_ACTIONS = [_ask_action(slot) for slot in FORM_SLOTS]
for _action in ASK_ACTIONS:
    globals()[_action.__name__] = _action


# -- the result --------------------------------------------------------------------------------

class ActionScreeningResult(Action):
    def name(self) -> str:
        return "action_screening_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = language(tracker)
        today = runtime.today()
        catalogue = runtime.event_store().get()
        event = catalogue.get(tracker.get_slot("selected_event"))
        if event is None:
            dispatcher.utter_message(text=text(REASKS, "unknown_event", lang))
            return []
        facts = facts_of(tracker)
        outcome = evaluate(event.id, event.rules, facts, event.sectors, names())
        parts = [explain(outcome, event.title(lang), lang)]
        if event.registration(today) == CLOSED:
            parts.append(text(MISC, "closed_note", lang))
        if outcome.status == NEEDS_REVIEW:
            parts.append(text(MISC, "review_note", lang))
        others = other_events(catalogue, today, event, facts)
        if others:
            parts.append(text(MISC, "other_events", lang) + "\n" + "\n".join(
                f"・{e.title(lang)}（{e.starts}）" if lang != "en" else
                f"- {e.title(lang)} ({e.starts})" for e in others[:3]))
        dispatcher.utter_message(text="\n\n".join(parts),
                                 buttons=event_buttons(others[:3], lang))
        log.info("screening: event=%s outcome=%s", event.id, outcome.status)
        stored = {**outcome.as_slot(), "screened_on": today.isoformat()}
        from actions.handoff import maybe_offer

        offer = maybe_offer(dispatcher, tracker, lang, {"screening_outcome": stored})
        return [SlotSet("screening_outcome", stored), *offer]


def other_events(catalogue, today, event, facts) -> list:
    """Open events that fit the owner's sector (or the same market), other than this one."""
    sector = facts.get("sector")
    query = Query(sector=sector, open_only=True) if isinstance(sector, str) and sector != "other" \
        else Query(market=event.market, open_only=True)
    return [i.event for i in list_events(catalogue, today, query) if i.event.id != event.id]


class ActionStopScreening(Action):
    def name(self) -> str:
        return "action_stop_screening"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        dispatcher.utter_message(text=text(MISC, "stopped", lang), buttons=[
            {"title": text(MISC, "events_button", lang), "payload": "/ask_events"},
            {"title": text(MISC, "officer_button", lang), "payload": "/request_human"}])
        return [SlotSet("requested_slot", None), SlotSet("screening_answer", None)]


class ActionInformOutsideForm(Action):
    """A free answer ("500萬", "35人") when no screening is running: keep what is clear."""

    def name(self) -> str:
        return "action_inform"

    async def run(self, dispatcher, tracker, domain):
        message = tracker.latest_message.get("text") or ""
        if not is_bare_answer(message):
            # "六千萬、120人，我們算中小企業嗎？", "…我的電話0912345678": a question with numbers
            # in it is a market question, answered from the packs.
            from actions.market_answer import ActionAnswerQuestion

            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        lang = language(tracker)
        catalogue = runtime.event_store().get()
        listed = list_events(catalogue, runtime.today(), Query(open_only=True))
        dispatcher.utter_message(text=text(MISC, "inform_outside", lang),
                                 buttons=event_buttons([i.event for i in listed], lang))
        found = harvest_facts(tracker.latest_message.get("text") or "", market_aliases())
        return [SlotSet(k, v) for k, v in found.items() if tracker.get_slot(k) is None]


_QUESTION = re.compile(r"[?？]|嗎|呢|什麼|怎麼|如何|哪|是否|\b(how|what|which|when|where|do i|can i|"
                       r"should|is it|are there)\b", re.IGNORECASE)


def is_bare_answer(message: str) -> bool:
    """A short statement of facts ("500萬", "我們有35個員工"), not a question."""
    if not message or message.startswith("/") or len(message) > 30 or _QUESTION.search(message):
        return False
    return bool(harvest_facts(message) or parse_money(message) or parse_headcount(message)
                or parse_ubn(message))
