"""The hand-off form as a Rasa form over market_entry.leads.form: the fields still missing
(`required_slots`), reading each answer (`extract_<slot>` / `validate_<slot>`) and corrections
at the confirmation. The questions are in handoff_questions.py."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.tracker import (
    latest_entity,
    latest_intent,
    latest_text,
    market_aliases,
    reply_language,
    slots,
)
from market_entry.form_interruptions import is_interruption
from market_entry.leads import form
from market_entry.phrases import say

FORM_SLOTS = (*form.SLOTS, "product", "market", "employees", "paid_in_capital")


def _answer_context(tracker: Tracker) -> form.AnswerContext:
    return form.AnswerContext(product=latest_entity(tracker, "product"),
                              market=latest_entity(tracker, "market"),
                              market_aliases=market_aliases())


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        return list(form.SLOTS)

    def _extract(self, name: str, dispatcher: CollectingDispatcher,
                 tracker: Tracker) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        known = slots(tracker, FORM_SLOTS)
        if requested is None:
            # The form starts: skip what the conversation already established.
            found = form.prefilled(known)
            return {name: found[name]} if name in found else {}
        intent, confidence = latest_intent(tracker)
        text = latest_text(tracker)
        if requested != name or is_interruption(intent, confidence, text):
            return {}
        if name != form.CONFIRMED:
            return {name: text}
        step = form.answer(form.CONFIRMED, text, _answer_context(tracker))
        if step.reask:
            dispatcher.utter_message(text=_say(step.reask, tracker))
        return step.updates or {form.CONFIRMED: None}

    def _validate(self, name: str, value: Any, dispatcher: CollectingDispatcher,
                  tracker: Tracker) -> dict[str, Any]:
        if not isinstance(value, str) or name == form.CONFIRMED:
            return {name: value}
        read, problem = form.read_field(name, value, _answer_context(tracker))
        if problem:
            dispatcher.utter_message(text=_say(f"handoff.reask.{problem}", tracker))
        return {name: read}

    async def extract_company(self, dispatcher, tracker, domain):
        return self._extract("company", dispatcher, tracker)

    async def extract_ubn(self, dispatcher, tracker, domain):
        return self._extract("ubn", dispatcher, tracker)

    async def extract_contact_name(self, dispatcher, tracker, domain):
        return self._extract("contact_name", dispatcher, tracker)

    async def extract_job_title(self, dispatcher, tracker, domain):
        return self._extract("job_title", dispatcher, tracker)

    async def extract_phone(self, dispatcher, tracker, domain):
        return self._extract("phone", dispatcher, tracker)

    async def extract_email(self, dispatcher, tracker, domain):
        return self._extract("email", dispatcher, tracker)

    async def extract_lead_products(self, dispatcher, tracker, domain):
        return self._extract("lead_products", dispatcher, tracker)

    async def extract_lead_markets(self, dispatcher, tracker, domain):
        return self._extract("lead_markets", dispatcher, tracker)

    async def extract_export_experience(self, dispatcher, tracker, domain):
        return self._extract("export_experience", dispatcher, tracker)

    async def extract_size_band(self, dispatcher, tracker, domain):
        return self._extract("size_band", dispatcher, tracker)

    async def extract_help_wanted(self, dispatcher, tracker, domain):
        return self._extract("help_wanted", dispatcher, tracker)

    async def extract_timeline(self, dispatcher, tracker, domain):
        return self._extract("timeline", dispatcher, tracker)

    async def extract_handoff_confirmed(self, dispatcher, tracker, domain):
        return self._extract(form.CONFIRMED, dispatcher, tracker)

    # Each answer is read once, in validate_<slot>; corrections arrive already read.
    async def validate_company(self, value, dispatcher, tracker, domain):
        return self._validate("company", value, dispatcher, tracker)

    async def validate_ubn(self, value, dispatcher, tracker, domain):
        return self._validate("ubn", value, dispatcher, tracker)

    async def validate_contact_name(self, value, dispatcher, tracker, domain):
        return self._validate("contact_name", value, dispatcher, tracker)

    async def validate_job_title(self, value, dispatcher, tracker, domain):
        return self._validate("job_title", value, dispatcher, tracker)

    async def validate_phone(self, value, dispatcher, tracker, domain):
        return self._validate("phone", value, dispatcher, tracker)

    async def validate_email(self, value, dispatcher, tracker, domain):
        return self._validate("email", value, dispatcher, tracker)

    async def validate_lead_products(self, value, dispatcher, tracker, domain):
        return self._validate("lead_products", value, dispatcher, tracker)

    async def validate_lead_markets(self, value, dispatcher, tracker, domain):
        return self._validate("lead_markets", value, dispatcher, tracker)

    async def validate_export_experience(self, value, dispatcher, tracker, domain):
        return self._validate("export_experience", value, dispatcher, tracker)

    async def validate_size_band(self, value, dispatcher, tracker, domain):
        return self._validate("size_band", value, dispatcher, tracker)

    async def validate_help_wanted(self, value, dispatcher, tracker, domain):
        return self._validate("help_wanted", value, dispatcher, tracker)

    async def validate_timeline(self, value, dispatcher, tracker, domain):
        return self._validate("timeline", value, dispatcher, tracker)

    async def validate_handoff_confirmed(self, value, dispatcher, tracker, domain):
        return self._validate(form.CONFIRMED, value, dispatcher, tracker)


def _say(key: str, tracker: Tracker) -> str:
    return say(key, reply_language(tracker))
