"""The events listing, the screening form and its result, run as the action server runs them.
Assertions use phrase keys and facts, never wording."""

from __future__ import annotations

import pytest

from actions.event_listing import ActionListEvents
from actions.inform import ActionInform
from actions.screening import ValidateScreeningForm
from actions.screening_questions import AskScreeningSlot
from actions.screening_result import ActionScreeningResult, ActionStopScreening
from market_entry.phrases import say
from tests.actions.conftest import filled, run, slots_of, tracker


@pytest.fixture(autouse=True)
def knowledge(use_knowledge):
    use_knowledge()


def event_entity(event_id: str) -> list[dict]:
    return [{"entity": "selected_event", "value": event_id}]


def form_turn(text: str, slots: dict | None = None, requested: str | None = None,
              intent: str = "inform", **kwargs):
    return tracker(text, slots, intent=intent, requested=requested, loop="screening_form",
                   **kwargs)


# -- listing -----------------------------------------------------------------------------------

def test_listing_for_japan_offers_open_events_with_check_buttons():
    messages, events = run(ActionListEvents(), tracker(
        "最近有日本的展覽可以參加嗎？", entities=[{"entity": "market", "value": "jp"}],
        intent="ask_events"))
    text = messages[0]["text"]
    assert text.startswith(say("events.list_intro", "zh-TW"))
    assert "FOODEX" in text and "CES" not in text
    buttons = messages[0]["buttons"]
    assert all(len(b["title"]) <= 20 for b in buttons)
    assert buttons[0]["payload"] == '/screen_eligibility{"selected_event":"tokyo-gift-show-spring-2027"}'
    assert buttons[-1]["payload"] == "/request_human"
    assert slots_of(events)["listed_events"][0] == "tokyo-gift-show-spring-2027"


def test_listing_never_offers_a_closed_registration():
    messages, _ = run(ActionListEvents(), tracker("有什麼展可以參加", intent="ask_events"))
    assert "CES" in messages[0]["text"]
    assert not any("ces-2027" in b["payload"] for b in messages[0]["buttons"])


def test_listing_in_english_filters_by_month_and_sector():
    messages, _ = run(ActionListEvents(), tracker(
        "any food shows in March?", entities=[{"entity": "product", "value": "food"}],
        intent="ask_events"))
    text = messages[0]["text"]
    assert text.startswith(say("events.list_intro", "en")) and "FOODEX" in text
    assert "MEDICA" not in text


def test_listing_with_no_match_falls_back_to_all_events():
    messages, _ = run(ActionListEvents(), tracker(
        "墨西哥的食品展", entities=[{"entity": "market", "value": "mx"},
                              {"entity": "product", "value": "food"}], intent="ask_events"))
    assert messages[0]["text"].startswith(say("events.list_none", "zh-TW", wanted="墨西哥、食品"))


def test_a_subsidy_question_about_events_is_answered_from_the_packs():
    messages, _ = run(ActionListEvents(), tracker("明年想去日本參加展覽，攤位費政府有補助嗎？",
                                                  intent="ask_events"))
    assert not messages[0]["text"].startswith(say("events.list_intro", "zh-TW"))


def test_a_market_question_misread_as_an_events_request_is_answered():
    messages, _ = run(ActionListEvents(), tracker("我們是做小家電的，想賣到日本需要什麼認證？",
                                                  intent="ask_events"))
    assert "PSE" in messages[0]["text"]
    assert not messages[0]["text"].startswith(say("events.list_intro", "zh-TW"))


# -- the form ------------------------------------------------------------------------------------

def test_choosing_an_event_asks_only_what_its_rules_need():
    _, events = run(ValidateScreeningForm(), form_turn(
        '/screen_eligibility{"selected_event":"foodex-japan-2027"}',
        entities=event_entity("foodex-japan-2027"), intent="screen_eligibility"))
    slots = slots_of(events)
    assert slots["selected_event"] == "foodex-japan-2027"
    assert slots["requested_slot"] == "sector"


def test_what_the_owner_said_earlier_is_not_asked_again():
    _, events = run(ValidateScreeningForm(), form_turn(
        '/screen_eligibility{"selected_event":"foodex-japan-2027"}',
        entities=event_entity("foodex-japan-2027"), intent="screen_eligibility",
        slots={"product": "food"}, history=["我們做鳳梨酥，資本額800萬，去年有出口到日本"]))
    slots = slots_of(events)
    assert slots["sector"] == "food" and slots["paid_in_capital"] == 8_000_000
    assert slots["export_experience"] is True
    assert slots["requested_slot"] == "registered_trader"


def test_a_question_naming_one_event_selects_it():
    _, events = run(ValidateScreeningForm(), form_turn(
        "我們可以參加美國的商機洽談會嗎？", entities=[{"entity": "market", "value": "us"}],
        intent="screen_eligibility"))
    assert slots_of(events)["selected_event"] == "us-online-matchmaking-2027"


def test_natural_answers_are_read():
    base = {"selected_event": "hannover-messe-2027", "sector": "machinery"}
    _, events = run(ValidateScreeningForm(), form_turn("五千萬", base, requested="paid_in_capital"))
    assert slots_of(events)["paid_in_capital"] == 50_000_000
    assert slots_of(events)["requested_slot"] == "registered_trader"
    _, events = run(ValidateScreeningForm(), form_turn("1.2億", base, requested="paid_in_capital"))
    assert slots_of(events)["requested_slot"] == "employees"


def test_facts_volunteered_with_an_answer_are_kept():
    base = {"selected_event": "hannover-messe-2027", "sector": "machinery"}
    _, events = run(ValidateScreeningForm(), form_turn("資本額1.2億，員工80人", base,
                                                       requested="paid_in_capital"))
    assert filled(events) == {"paid_in_capital": 120_000_000, "employees": 80}


def test_wrong_answers_are_asked_again_politely():
    base = {"selected_event": "tokyo-gift-show-spring-2027", "sector": "textiles"}
    messages, events = run(ValidateScreeningForm(), form_turn("00501502", base, requested="ubn"))
    assert messages[0]["text"] == say("screening.reask.checksum", "zh-TW")
    assert slots_of(events)["requested_slot"] == "ubn" and slots_of(events)["ubn"] is None
    messages, _ = run(ValidateScreeningForm(), form_turn("很多", base, requested="paid_in_capital"))
    assert messages[0]["text"] == say("screening.reask.money", "zh-TW")
    messages, _ = run(ValidateScreeningForm(), form_turn("banana", {**base, "preferred_language":
                                                                    "en"}, requested="fee_arrears"))
    assert messages[0]["text"] == say("screening.reask.yes_no", "en")


@pytest.mark.parametrize("text,intent", [("停止", "stop"),
                                         ("對了，日本的食品標示要寫什麼？", "ask_market_question"),
                                         ("how do I register a trademark in the US?", "ask_market_question"),
                                         ("我想找專人", "request_human")])
def test_questions_and_commands_are_not_taken_as_answers(text, intent):
    base = {"selected_event": "hannover-messe-2027", "sector": "machinery"}
    messages, events = run(ValidateScreeningForm(), form_turn(text, base, intent=intent,
                                                              requested="export_experience"))
    assert messages == [] and filled(events) == {}   # the form rejects; rules take over


def test_another_event_keeps_the_company_facts_but_not_the_show_specific_one():
    facts = {"selected_event": "foodex-japan-2027", "subsidy_event": "foodex-japan-2027",
             "subsidised_same_show": False, "paid_in_capital": 5_000_000,
             "registered_trader": True, "sector": "food"}
    _, events = run(ValidateScreeningForm(), form_turn(
        '/screen_eligibility{"selected_event":"thaifex-anuga-asia-2027"}', facts,
        entities=event_entity("thaifex-anuga-asia-2027"), intent="screen_eligibility",
        requested="fee_arrears"))
    slots = slots_of(events)
    assert slots["subsidised_same_show"] is None
    assert slots["subsidy_event"] == "thaifex-anuga-asia-2027"
    assert "paid_in_capital" not in slots
    assert slots["requested_slot"] == "certifications_held"


def test_questions_have_short_buttons():
    for ask_action in AskScreeningSlot.__subclasses__():
        messages, _ = run(ask_action(), form_turn("", {"selected_event": "foodex-japan-2027"},
                                                  requested=ask_action.slot))
        assert messages[0]["text"]
        assert all(len(b["title"]) <= 20 for b in messages[0]["buttons"])


# -- result, stop, inform ------------------------------------------------------------------------

def test_result_is_explained_and_stored_for_the_hand_off():
    slots = {"selected_event": "foodex-japan-2027", "sector": "food",
             "paid_in_capital": 5_000_000, "registered_trader": True, "export_experience": True,
             "certifications_held": {"food_sanitation_jp": True}, "fee_arrears": False,
             "subsidised_same_show": False}
    messages, events = run(ActionScreeningResult(), tracker("是", slots))
    text = messages[0]["text"]
    assert text.startswith(say("eligibility.headline.eligible", "zh-TW",
                               event="日本東京國際食品展（FOODEX JAPAN 2027）臺灣館"))
    assert text.count(say("eligibility.status.met", "zh-TW")) == 7
    outcome = slots_of(events)["screening_outcome"]
    assert outcome["outcome"] == "eligible" and outcome["event"] == "foodex-japan-2027"
    assert outcome["screened_on"] == "2026-11-27"


def test_unmet_result_says_what_to_do_and_offers_other_events():
    slots = {"selected_event": "hannover-messe-2027", "sector": "machinery",
             "paid_in_capital": 5_000_000, "registered_trader": False,
             "export_experience": "unknown", "english_materials": True,
             "certifications_held": {"ce": True}, "preferred_language": "en"}
    messages, events = run(ActionScreeningResult(), tracker("no", slots))
    text = messages[0]["text"]
    assert text.startswith(say("eligibility.headline.not_eligible", "en", event="")[:20])
    for key in ("eligibility.status.not_met", "eligibility.status.unknown",
                "screening.other_events"):
        assert say(key, "en") in text
    assert any("screen_eligibility" in b["payload"] for b in messages[0]["buttons"])
    assert slots_of(events)["screening_outcome"]["outcome"] == "not_eligible"


def test_stop_and_inform():
    messages, _ = run(ActionStopScreening(), tracker("停止", intent="stop"))
    assert messages[0]["text"] == say("screening.stopped", "zh-TW")
    messages, events = run(ActionInform(), tracker("我們有35個員工"))
    assert slots_of(events) == {"employees": 35}
    assert messages[0]["text"] == say("events.inform_outside", "zh-TW")


def test_a_question_with_numbers_is_answered_from_the_packs_not_taken_as_an_answer():
    messages, events = run(ActionInform(), tracker(
        "我們公司實收資本額六千萬、員工大概120人，我們算中小企業嗎？"))
    assert messages[0]["text"] != say("events.inform_outside", "zh-TW")
    assert not any(e.get("name") == "employees" for e in events)
