"""The hand-off actions: notice and consent, the form (extract/validate), corrections, the lead,
erase. Assertions use phrase keys and facts, never wording."""

from __future__ import annotations

import json
import logging

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionConsent, ActionDeleteMyData, ActionHandoff, ActionHandoffSubmit
from actions.handoff_form import ValidateHandoffForm
from actions.handoff_questions import AskConfirmation, AskSizeBand
from actions.offer import maybe_offer
from market_entry.phrases import say
from tests.actions.conftest import filled, run, slots_of, tracker


@pytest.fixture(autouse=True)
def knowledge(use_knowledge):
    use_knowledge()


def form_turn(text: str, slots: dict | None = None, requested: str | None = None,
              intent: str = "inform", **kwargs):
    # As in a real hand-off: consent given, the notice shown in Chinese.
    slots = {"handoff_consent": "agreed", "handoff_lang": "zh-TW", **(slots or {})}
    return tracker(text, slots, intent=intent, requested=requested, loop="handoff_form",
                   history=["我想找專人"], **kwargs)


FILLED = {
    "company": "大同精密有限公司", "ubn": "04595257", "contact_name": "王小明",
    "job_title": "業務經理", "phone": "0912-345-678", "email": "ming@example.com",
    "lead_products": ["appliances"], "lead_markets": ["jp"], "export_experience": True,
    "size_band": "small", "help_wanted": "想了解日本通路", "timeline": "within_3_months",
}


def test_handoff_shows_the_pdpa_notice_and_consent_buttons():
    messages, events = run(ActionHandoff(), tracker("我想找專人", intent="request_human"))
    assert [b["payload"] for b in messages[1]["buttons"]] == ["/give_consent", "/decline_consent"]
    assert [b["title"] for b in messages[1]["buttons"]] == [say("handoff.button_agree", "zh-TW"),
                                                             say("handoff.button_decline", "zh-TW")]
    assert "365" in messages[1]["text"]
    assert slots_of(events)["handoff_consent"] == "asked"
    assert slots_of(events)["handoff_notice_version"] == "2026-12-v1"
    assert slots_of(events)["handoff_lang"] == "zh-TW"


def test_consent_agreed_records_version_time_and_answer():
    slots = {"handoff_consent": "asked", "handoff_notice_version": "2026-12-v1"}
    messages, events = run(ActionConsent(), tracker("/give_consent", slots, intent="give_consent"))
    found = slots_of(events)
    assert messages[0]["text"] == say("handoff.agreed", "zh-TW")
    assert found["handoff_consent"] == "agreed"
    assert found["consent_record"]["notice_version"] == "2026-12-v1"
    assert found["consent_record"]["answer"] == "agreed" and found["consent_record"]["time"]


def test_consent_declined_stores_nothing_personal():
    slots = {"handoff_consent": "asked", "handoff_notice_version": "2026-12-v1"}
    messages, events = run(ActionConsent(), tracker("/decline_consent", slots,
                                                    intent="decline_consent"))
    assert slots_of(events) == {"handoff_consent": "declined"}
    assert messages[0]["text"] == say("handoff.declined", "zh-TW")


def test_consent_without_a_notice_shows_the_notice():
    _, events = run(ActionConsent(), tracker("同意", intent="give_consent"))
    assert slots_of(events)["handoff_consent"] == "asked"


def test_form_start_skips_what_the_conversation_established():
    slots = {"market": "jp", "product": "appliances", "ubn": "04595257",
             "export_experience": True, "employees": 30}
    _, events = run(ValidateHandoffForm(), form_turn("/give_consent", slots, intent="give_consent"))
    found = slots_of(events)
    assert found["lead_markets"] == ["jp"] and found["lead_products"] == ["appliances"]
    assert found["size_band"] == "small"
    assert found["requested_slot"] == "company"


@pytest.mark.parametrize("field,text", [("phone", "12345"), ("ubn", "12345678"),
                                        ("email", "not-an-email")])
def test_bad_answers_are_reasked_politely(field, text):
    known = {k: v for k, v in FILLED.items() if k != field}
    messages, events = run(ValidateHandoffForm(), form_turn(text, known, requested=field))
    assert slots_of(events).get(field) is None
    assert slots_of(events)["requested_slot"] == field
    assert messages[0]["text"] == say(f"handoff.reask.{field}", "zh-TW")


def test_a_question_during_the_form_is_not_taken_as_an_answer():
    known = {k: v for k, v in FILLED.items() if k != "company"}
    messages, events = run(ValidateHandoffForm(), form_turn(
        "對了，日本的食品標示要寫什麼？", known, requested="company", intent="ask_market_question"))
    assert messages == [] and filled(events) == {}   # the form rejects; the rule answers it


def test_all_known_asks_for_confirmation_and_confirm_ends_the_form():
    known = {k: v for k, v in FILLED.items() if k != "job_title"}
    _, events = run(ValidateHandoffForm(), form_turn("業務經理", known, requested="job_title"))
    assert slots_of(events)["job_title"] == "業務經理"
    assert slots_of(events)["requested_slot"] == "handoff_confirmed"
    _, events = run(ValidateHandoffForm(), form_turn(say("handoff.button_confirm", "zh-TW"),
                                                     FILLED, requested="handoff_confirmed"))
    assert slots_of(events)["handoff_confirmed"] is True
    assert slots_of(events)["requested_slot"] is None


def test_a_correction_changes_the_field_and_asks_again():
    _, events = run(ValidateHandoffForm(), form_turn("電話改成 0987654321", FILLED,
                                                     requested="handoff_confirmed"))
    found = slots_of(events)
    assert found["phone"] == "0987-654-321" and found["requested_slot"] == "handoff_confirmed"
    assert not found.get("handoff_confirmed")


def test_an_unclear_confirmation_is_asked_again():
    messages, events = run(ValidateHandoffForm(), form_turn("嗯", FILLED,
                                                           requested="handoff_confirmed"))
    assert messages[0]["text"] == say("handoff.reask.confirm", "zh-TW")
    assert slots_of(events)["requested_slot"] == "handoff_confirmed"


def test_summary_lists_the_fields_as_words():
    messages, _ = run(AskConfirmation(), form_turn("x", FILLED, requested="handoff_confirmed"))
    text = messages[0]["text"]
    assert "王小明" in text and "0912-345-678" in text and "日本" in text and "家電" in text
    assert "appliances" not in text and "within_3_months" not in text


def test_size_buttons_follow_the_legal_line():
    messages, _ = run(AskSizeBand(), form_turn("x", FILLED, requested="size_band"))
    assert messages[0]["buttons"][0]["title"] == say("handoff.size.micro", "zh-TW") == "微型（未滿5人）"


def test_submit_without_redis_spools_and_says_so(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    slots = {**FILLED, "handoff_confirmed": True, "handoff_asked": True,
             "consent_record": {"notice_version": "2026-12-v1", "time": "2026-11-27T00:00:00",
                                "answer": "agreed"},
             "screening_outcome": {"event": "e1", "outcome": "eligible", "rules": {}}}
    messages, events = run(ActionHandoffSubmit(), tracker("確認送出", slots))
    assert messages[0]["text"].startswith(say("handoff.submitted", "zh-TW", desk="臺日窗口", days=2))
    assert say("handoff.spooled", "zh-TW") in messages[0]["text"]
    assert slots_of(events)["handoff_count"] == 1.0
    lines = (tmp_path / "spool" / "leads-spool.jsonl").read_text().splitlines()
    record = json.loads(lines[0])
    lead = record["lead"]
    assert record["key"] == "owner-1#1" and lead["desk"] == "jp"
    assert lead["contact"]["phone"] == "0912-345-678"
    assert lead["consent"]["notice_version"] == "2026-12-v1"
    assert lead["screening"]["outcome"] == "eligible"
    assert {"from": "owner", "text": "確認送出"} in lead["transcript"]
    assert lead["score"] >= 50 and lead["explanation"]
    assert "王小明" not in caplog.text and "0912" not in caplog.text
    messages, events = run(ActionDeleteMyData(), tracker("刪除我的資料", slots,
                                                         intent="delete_my_data"))
    assert messages[0]["text"] == say("handoff.deleted", "zh-TW")
    assert events[0]["event"] == "reset_slots"
    assert not (tmp_path / "spool" / "leads-spool.jsonl").exists()


def test_submit_needs_consent():
    messages, events = run(ActionHandoffSubmit(), tracker("確認送出", {**FILLED,
                                                                   "handoff_confirmed": True}))
    assert messages == [] and events == []


def test_offer_once_when_the_score_reaches_the_threshold():
    slots = {"market": "jp", "product": "appliances", "export_experience": True,
             "screening_outcome": {"outcome": "eligible"}}
    dispatcher = CollectingDispatcher()
    events = maybe_offer(dispatcher, tracker("x", slots), "zh-TW")
    assert events == [SlotSet("handoff_offered", True)]
    assert dispatcher.messages[0]["text"] == say("handoff.offer", "zh-TW")
    dispatcher = CollectingDispatcher()
    assert maybe_offer(dispatcher, tracker("x", {**slots, "handoff_offered": True}), "zh-TW") == []
    assert maybe_offer(dispatcher, tracker("x", {"market": "jp"}), "zh-TW") == []
