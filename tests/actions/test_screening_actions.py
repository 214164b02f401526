"""The events listing and screening actions, run as the action server runs them."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.events import ActionListEvents
from actions.screening import (
    ASK_ACTIONS,
    ActionInformOutsideForm,
    ActionScreeningResult,
    ActionStopScreening,
    ValidateScreeningForm,
)
from tests.conftest import REAL_KNOWLEDGE


@pytest.fixture(autouse=True)
def knowledge(monkeypatch):
    monkeypatch.setenv("KNOWLEDGE_DIR", str(REAL_KNOWLEDGE))
    monkeypatch.setenv("EVENTS_TODAY", "2026-11-27")
    monkeypatch.delenv("REDIS_URL", raising=False)
    caches = (runtime.store, runtime.answerer, runtime.redis_client, runtime.event_store)
    for cached in caches:
        cached.cache_clear()
    yield
    for cached in caches:
        cached.cache_clear()


def tracker(text: str, slots: dict | None = None, entities: list | None = None,
            intent: str = "inform", requested: str | None = None, history: list | None = None
            ) -> Tracker:
    return Tracker(
        sender_id="owner-1",
        slots={"preferred_language": "auto", "requested_slot": requested, **(slots or {})},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9},
                        "entities": entities or []},
        events=[{"event": "user", "text": t} for t in (history or [])] + [
            {"event": "user", "text": text}],
        paused=False, followup_action=None,
        active_loop={"name": "screening_form"}, latest_action_name="action_listen",
    )


def run(action, track: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def slots_of(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def event_entity(event_id: str) -> list[dict]:
    return [{"entity": "selected_event", "value": event_id}]


# -- listing -----------------------------------------------------------------------------------

def test_listing_for_japan_offers_open_events_with_check_buttons():
    messages, events = run(ActionListEvents(), tracker(
        "最近有日本的展覽可以參加嗎？", entities=[{"entity": "market", "value": "jp"}],
        intent="ask_events"))
    text = messages[0]["text"]
    assert "FOODEX" in text and "CES" not in text
    assert "日期為預估，請以主辦單位公告為準" in text
    buttons = messages[0]["buttons"]
    assert all(len(b["title"]) <= 20 for b in buttons)
    assert buttons[0]["payload"] == '/screen_eligibility{"selected_event":"tokyo-gift-show-spring-2027"}'
    assert buttons[-1]["payload"] == "/request_human"
    assert slots_of(events)["listed_events"][0] == "tokyo-gift-show-spring-2027"


def test_listing_never_offers_a_closed_registration_as_open():
    messages, _ = run(ActionListEvents(), tracker("有什麼展可以參加", intent="ask_events"))
    text = messages[0]["text"]
    ces = text[text.index("CES"):].split("\n\n")[0]
    assert "報名已截止" in ces and "報名中" not in ces
    assert "還有" in text  # more than five events: says how to narrow the list
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert not any("ces-2027" in p for p in payloads)


def test_listing_in_english_and_filters_by_month_and_sector():
    messages, _ = run(ActionListEvents(), tracker(
        "any food shows in March?", entities=[{"entity": "product", "value": "food"}],
        intent="ask_events"))
    text = messages[0]["text"]
    assert text.startswith("Upcoming events") and "FOODEX" in text and "MEDICA" not in text
    assert "Dates are estimates" in text


def test_listing_with_no_match_falls_back_to_all_events():
    messages, _ = run(ActionListEvents(), tracker(
        "墨西哥的食品展", entities=[{"entity": "market", "value": "mx"},
                              {"entity": "product", "value": "food"}], intent="ask_events"))
    assert messages[0]["text"].startswith("目前沒有符合條件的活動")


# -- the form ------------------------------------------------------------------------------------

def test_choosing_an_event_asks_only_what_its_rules_need():
    _, events = run(ValidateScreeningForm(), tracker(
        '/screen_eligibility{"selected_event":"foodex-japan-2027"}',
        entities=event_entity("foodex-japan-2027"), intent="screen_eligibility"))
    slots = slots_of(events)
    assert slots["selected_event"] == "foodex-japan-2027"
    assert slots["requested_slot"] == "sector"


def test_what_the_owner_said_earlier_is_not_asked_again():
    _, events = run(ValidateScreeningForm(), tracker(
        '/screen_eligibility{"selected_event":"foodex-japan-2027"}',
        entities=event_entity("foodex-japan-2027"), intent="screen_eligibility",
        slots={"product": "food"},
        history=["我們做鳳梨酥，資本額800萬，去年有出口到日本"]))
    slots = slots_of(events)
    assert slots["sector"] == "food" and slots["paid_in_capital"] == 8_000_000
    assert slots["export_experience"] is True
    assert slots["requested_slot"] == "registered_trader"


def test_a_question_naming_one_event_selects_it():
    _, events = run(ValidateScreeningForm(), tracker(
        "我們可以參加美國的商機洽談會嗎？", entities=[{"entity": "market", "value": "us"}],
        intent="screen_eligibility"))
    assert slots_of(events)["selected_event"] == "us-online-matchmaking-2027"


def test_natural_answers_are_read():
    base = {"selected_event": "hannover-messe-2027", "sector": "machinery"}
    _, events = run(ValidateScreeningForm(), tracker("五千萬", base, requested="paid_in_capital"))
    assert slots_of(events)["paid_in_capital"] == 50_000_000
    assert slots_of(events)["requested_slot"] == "registered_trader"
    _, events = run(ValidateScreeningForm(), tracker(
        "1.2億", base, requested="paid_in_capital"))
    assert slots_of(events)["requested_slot"] == "employees"


def test_wrong_answers_are_asked_again_politely():
    base = {"selected_event": "tokyo-gift-show-spring-2027", "sector": "textiles"}
    messages, events = run(ValidateScreeningForm(), tracker("00501502", base, requested="ubn"))
    assert "檢查碼不正確" in messages[0]["text"]
    assert slots_of(events)["requested_slot"] == "ubn" and "ubn" not in slots_of(events)
    messages, events = run(ValidateScreeningForm(), tracker("很多", base,
                                                            requested="paid_in_capital"))
    assert "500萬" in messages[0]["text"]
    messages, _ = run(ValidateScreeningForm(), tracker("banana", {**base, "preferred_language":
                                                                  "en"}, requested="fee_arrears"))
    assert messages[0]["text"].startswith("Sorry, please answer yes, no or not sure")


def test_stop_extracts_nothing_so_the_form_rejects():
    messages, events = run(ValidateScreeningForm(), tracker("停止", intent="stop",
                                                            requested="employees"))
    assert messages == [] and events == []


def test_another_event_keeps_the_company_facts_but_not_the_show_specific_one():
    facts = {"selected_event": "foodex-japan-2027", "subsidy_event": "foodex-japan-2027",
             "subsidised_same_show": False, "paid_in_capital": 5_000_000,
             "registered_trader": True, "sector": "food"}
    _, events = run(ValidateScreeningForm(), tracker(
        '/screen_eligibility{"selected_event":"thaifex-anuga-asia-2027"}', facts,
        entities=event_entity("thaifex-anuga-asia-2027"), intent="screen_eligibility",
        requested="fee_arrears"))
    slots = slots_of(events)
    assert slots["subsidised_same_show"] is None and slots["subsidy_event"] == \
        "thaifex-anuga-asia-2027"
    assert "paid_in_capital" not in slots
    assert slots["requested_slot"] == "certifications_held"


def test_questions_have_short_buttons():
    for ask_action in ASK_ACTIONS:
        slot = ask_action().name().replace("action_ask_", "")
        messages, _ = run(ask_action(), tracker("", {"selected_event": "foodex-japan-2027"},
                                                requested=slot))
        assert messages[0]["text"]
        assert all(len(b["title"]) <= 20 for b in messages[0]["buttons"])
    messages, _ = run(ASK_ACTIONS[0](), tracker("", requested="selected_event"))
    assert messages[0]["buttons"]


# -- result, stop, inform ------------------------------------------------------------------------

def test_result_is_explained_and_stored_for_the_hand_off():
    slots = {"selected_event": "foodex-japan-2027", "sector": "food",
             "paid_in_capital": 5_000_000, "registered_trader": True, "export_experience": True,
             "certifications_held": {"food_sanitation_jp": True}, "fee_arrears": False,
             "subsidised_same_show": False}
    messages, events = run(ActionScreeningResult(), tracker("是", slots))
    text = messages[0]["text"]
    assert text.startswith("結果：您符合「日本東京國際食品展（FOODEX JAPAN 2027）臺灣館」的報名資格。")
    assert text.count("✅ 符合") == 7
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
    assert text.startswith("Result: you are not eligible")
    assert "❌ Not met" in text and "What you can do" in text and "❔ To be confirmed" in text
    assert "Other events that may fit you" in text
    assert any("screen_eligibility" in b["payload"] for b in messages[0]["buttons"])
    assert slots_of(events)["screening_outcome"]["outcome"] == "not_eligible"


def test_stop_and_inform():
    messages, events = run(ActionStopScreening(), tracker("停止", intent="stop"))
    assert "已停止" in messages[0]["text"]
    messages, events = run(ActionInformOutsideForm(), tracker("我們有35個員工"))
    assert slots_of(events) == {"employees": 35}
    assert messages[0]["buttons"]


def test_a_question_with_numbers_is_answered_from_the_packs_not_taken_as_an_answer():
    messages, events = run(ActionInformOutsideForm(), tracker(
        "我們公司實收資本額六千萬、員工大概120人，我們算中小企業嗎？", intent="inform"))
    assert "檢核參展資格" not in messages[0]["text"]
    assert not any(e.get("name") == "employees" for e in events)


def test_a_subsidy_question_about_events_is_answered_from_the_packs():
    messages, _ = run(ActionListEvents(), tracker("明年想去日本參加展覽，攤位費政府有補助嗎？",
                                                  intent="ask_events"))
    assert not messages[0]["text"].startswith("以下是近期的活動")
