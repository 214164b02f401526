"""The screening form's questions: one ask action per slot (rasa-sdk finds them by name,
`action_ask_<slot>`), with the buttons each answer needs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.event_listing import event_buttons
from actions.tracker import latest_entity, name_of, reply_language, slots
from market_entry.eligibility import form as screening
from market_entry.events import list_events
from market_entry.events.listing import Query
from market_entry.events.model import OPEN
from market_entry.phrases import clip_label, say

YES_NO = ("registered_trader", "export_experience", "english_materials", "fee_arrears",
          "subsidised_same_show")


def _yes_no_buttons(lang: str) -> list[dict[str, str]]:
    return [{"title": say(k, lang), "payload": say(k, lang)}
            for k in ("button.yes", "button.no", "button.not_sure")]


class AskScreeningSlot(Action, ABC):
    """Subclasses name the slot; the base itself is abstract, so rasa-sdk does not register it."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        lang = reply_language(tracker)
        catalogue = runtime.event_store().get()
        event = catalogue.get(tracker.get_slot("selected_event"))
        if self.slot == "selected_event" or event is None:
            today = runtime.today()
            listed = list_events(catalogue, today, Query(market=latest_entity(tracker, "market")
                                                         or slots(tracker).get("market")))
            listed = [i for i in listed if i.registration == OPEN] or list_events(
                catalogue, today, Query())
            dispatcher.utter_message(text=say("screening.ask.selected_event", lang),
                                     buttons=event_buttons([i.event for i in listed], lang,
                                                           officer=False))
            return []
        values: dict[str, Any] = {}
        buttons: list[dict[str, str]] = []
        if self.slot == "certifications_held":
            joiner = "、" if lang != "en" else ", "
            values["certs"] = joiner.join(name_of("certification", c, lang)
                                          for c in screening.required_certifications(event))
            buttons = _yes_no_buttons(lang)
        elif self.slot == "sector":
            # The payload is the sector's name in the owner's language: an English id typed for
            # a Chinese conversation would switch the replies to English.
            buttons = [{"title": clip_label(name_of("product", s, lang)),
                        "payload": name_of("product", s, lang)} for s in event.sectors[:4]]
            other = say("button.other_sector", lang)
            buttons.append({"title": other, "payload": other})
        elif self.slot in YES_NO:
            buttons = _yes_no_buttons(lang)
        text = say("screening.event_prefix", lang, event=event.short(lang)) + say(
            f"screening.ask.{self.slot}", lang, **values)
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class AskSelectedEvent(AskScreeningSlot):
    slot = "selected_event"


class AskSector(AskScreeningSlot):
    slot = "sector"


class AskUbn(AskScreeningSlot):
    slot = "ubn"


class AskPaidInCapital(AskScreeningSlot):
    slot = "paid_in_capital"


class AskEmployees(AskScreeningSlot):
    slot = "employees"


class AskRegisteredTrader(AskScreeningSlot):
    slot = "registered_trader"


class AskExportExperience(AskScreeningSlot):
    slot = "export_experience"


class AskEnglishMaterials(AskScreeningSlot):
    slot = "english_materials"


class AskCertificationsHeld(AskScreeningSlot):
    slot = "certifications_held"


class AskFeeArrears(AskScreeningSlot):
    slot = "fee_arrears"


class AskSubsidisedSameShow(AskScreeningSlot):
    slot = "subsidised_same_show"
