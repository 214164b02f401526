"""The eligibility screening as a Rasa form over market_entry.eligibility.form: the facts it
still needs (`required_slots`) and reading answers (`extract_<slot>` / `validate_<slot>`).
The questions are in screening_questions.py, the result in screening_result.py."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.tracker import (
    latest_entity,
    latest_intent,
    latest_text,
    market_aliases,
    reply_language,
    slots,
    user_texts,
)
from market_entry.eligibility import FACTS
from market_entry.eligibility import form as screening
from market_entry.form_interruptions import is_interruption
from market_entry.phrases import say

log = logging.getLogger(__name__)


def vocabulary() -> screening.Vocabulary:
    kb = runtime.kb()
    if kb is None:
        return screening.Vocabulary()
    return screening.Vocabulary(
        products={i: t.all_aliases() + (i,) for i, t in kb.products.items()},
        certifications={i: t.all_aliases() + (i,) for i, t in kb.certifications.items()},
        markets=market_aliases())


def _answering(tracker: Tracker) -> bool:
    """Whether the latest message may be read as an answer to the form's question."""
    intent, confidence = latest_intent(tracker)
    return not is_interruption(intent, confidence, latest_text(tracker))


class ValidateScreeningForm(FormValidationAction):
    def name(self) -> str:
        return "validate_screening_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        return screening.required_slots(slots(tracker, ("selected_event", *FACTS)),
                                        runtime.event_store().get(),
                                        tracker.get_slot("requested_slot"))

    async def extract_selected_event(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """The event: a button, a name or number typed when asked, or the only one that fits the
        question that started the screening."""
        requested = tracker.get_slot("requested_slot")
        button = latest_entity(tracker, "selected_event")
        if button is None and requested is not None and not _answering(tracker):
            return {}
        known = slots(tracker)
        event = screening.choose_event(
            runtime.event_store().get(), runtime.today(), button=button, requested=requested,
            message=latest_text(tracker), listed=known.get("listed_events"),
            market=latest_entity(tracker, "market"), product=latest_entity(tracker, "product"),
            current=known.get("selected_event"))
        if event is None and requested == "selected_event":
            dispatcher.utter_message(text=say("screening.reask.unknown_event",
                                              reply_language(tracker)))
        return {"selected_event": event.id} if event is not None else {}

    async def validate_selected_event(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """A chosen event resets what is specific to the previous show, and takes the facts the
        owner already told in this conversation ("資本額500萬，去年有出口到日本")."""
        event = runtime.event_store().get().get(value)
        if event is None:
            return {"selected_event": None}
        known = slots(tracker)
        updates = screening.event_updates(event, known)
        updates.update(screening.volunteered(user_texts(tracker), {**known, **updates},
                                             vocabulary()))
        return updates

    def _extract_fact(self, fact: str, tracker: Tracker) -> dict[str, Any]:
        """The typed answer to the requested fact, read in validate_<fact>."""
        if tracker.get_slot("requested_slot") != fact or not _answering(tracker):
            return {}
        return {fact: latest_text(tracker)}

    def _validate_fact(self, fact: str, value: Any, dispatcher: CollectingDispatcher,
                       tracker: Tracker) -> dict[str, Any]:
        """The answer, plus other facts stated with it ("1.2億，員工80人")."""
        known = slots(tracker)
        event = runtime.event_store().get().get(known.get("selected_event"))
        read, reask = screening.read_fact(fact, value, event, known, vocabulary())
        if reask:
            dispatcher.utter_message(text=say(reask, reply_language(tracker)))
        updates = {fact: read}
        if isinstance(value, str):
            updates.update({k: v for k, v in screening.volunteered([value], known,
                                                                   vocabulary()).items()
                            if k != fact})
        return updates

    # One extract_/validate_ pair per fact, as rasa-sdk's form protocol looks them up by name.
    async def extract_sector(self, dispatcher, tracker, domain):
        return self._extract_fact("sector", tracker)

    async def extract_ubn(self, dispatcher, tracker, domain):
        return self._extract_fact("ubn", tracker)

    async def extract_paid_in_capital(self, dispatcher, tracker, domain):
        return self._extract_fact("paid_in_capital", tracker)

    async def extract_employees(self, dispatcher, tracker, domain):
        return self._extract_fact("employees", tracker)

    async def extract_registered_trader(self, dispatcher, tracker, domain):
        return self._extract_fact("registered_trader", tracker)

    async def extract_export_experience(self, dispatcher, tracker, domain):
        return self._extract_fact("export_experience", tracker)

    async def extract_english_materials(self, dispatcher, tracker, domain):
        return self._extract_fact("english_materials", tracker)

    async def extract_certifications_held(self, dispatcher, tracker, domain):
        return self._extract_fact("certifications_held", tracker)

    async def extract_fee_arrears(self, dispatcher, tracker, domain):
        return self._extract_fact("fee_arrears", tracker)

    async def extract_subsidised_same_show(self, dispatcher, tracker, domain):
        return self._extract_fact("subsidised_same_show", tracker)

    async def validate_sector(self, value, dispatcher, tracker, domain):
        return self._validate_fact("sector", value, dispatcher, tracker)

    async def validate_ubn(self, value, dispatcher, tracker, domain):
        return self._validate_fact("ubn", value, dispatcher, tracker)

    async def validate_paid_in_capital(self, value, dispatcher, tracker, domain):
        return self._validate_fact("paid_in_capital", value, dispatcher, tracker)

    async def validate_employees(self, value, dispatcher, tracker, domain):
        return self._validate_fact("employees", value, dispatcher, tracker)

    async def validate_registered_trader(self, value, dispatcher, tracker, domain):
        return self._validate_fact("registered_trader", value, dispatcher, tracker)

    async def validate_export_experience(self, value, dispatcher, tracker, domain):
        return self._validate_fact("export_experience", value, dispatcher, tracker)

    async def validate_english_materials(self, value, dispatcher, tracker, domain):
        return self._validate_fact("english_materials", value, dispatcher, tracker)

    async def validate_certifications_held(self, value, dispatcher, tracker, domain):
        return self._validate_fact("certifications_held", value, dispatcher, tracker)

    async def validate_fee_arrears(self, value, dispatcher, tracker, domain):
        return self._validate_fact("fee_arrears", value, dispatcher, tracker)

    async def validate_subsidised_same_show(self, value, dispatcher, tracker, domain):
        return self._validate_fact("subsidised_same_show", value, dispatcher, tracker)
