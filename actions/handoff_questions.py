"""The hand-off form's questions: one ask action per field, named for the form
(`action_ask_handoff_form_<slot>`), which Rasa prefers to the screening's `action_ask_<slot>`
for the slots both forms share (ubn, export_experience)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker import name_of, reply_language, slots
from market_entry.leads import form
from market_entry.phrases import say


def _buttons(slot: str, lang: str) -> list[dict[str, str]]:
    if slot == "export_experience":
        labels = [say("button.have", lang), say("button.have_not", lang)]
    elif slot == "size_band":
        labels = [label for label, _ in form.size_buttons(lang)]
    elif slot == "timeline":
        labels = form.timeline_buttons(lang)
    else:
        return []
    return [{"title": label, "payload": label} for label in labels]


class AskHandoffSlot(Action, ABC):
    """Subclasses name the slot; the base itself is abstract, so rasa-sdk does not register it."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_handoff_form_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        lang = reply_language(tracker)
        if self.slot == form.CONFIRMED:
            lines = form.summary_lines(slots(tracker, form.FIELDS), lang, name_of)
            text = "\n".join([say("handoff.confirm_head", lang), *lines,
                              say("handoff.confirm_tail", lang)])
            confirm = say("handoff.button_confirm", lang)
            dispatcher.utter_message(text=text, buttons=[{"title": confirm, "payload": confirm}])
        else:
            dispatcher.utter_message(text=say(f"handoff.ask.{self.slot}", lang),
                                     buttons=_buttons(self.slot, lang))
        return []


class AskCompany(AskHandoffSlot):
    slot = "company"


class AskUbn(AskHandoffSlot):
    slot = "ubn"


class AskContactName(AskHandoffSlot):
    slot = "contact_name"


class AskJobTitle(AskHandoffSlot):
    slot = "job_title"


class AskPhone(AskHandoffSlot):
    slot = "phone"


class AskEmail(AskHandoffSlot):
    slot = "email"


class AskLeadProducts(AskHandoffSlot):
    slot = "lead_products"


class AskLeadMarkets(AskHandoffSlot):
    slot = "lead_markets"


class AskExportExperience(AskHandoffSlot):
    slot = "export_experience"


class AskSizeBand(AskHandoffSlot):
    slot = "size_band"


class AskHelpWanted(AskHandoffSlot):
    slot = "help_wanted"


class AskTimeline(AskHandoffSlot):
    slot = "timeline"


class AskConfirmation(AskHandoffSlot):
    slot = form.CONFIRMED
