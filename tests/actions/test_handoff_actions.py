"""The hand-off actions: notice and consent, form validation, corrections, the lead, erase."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff, runtime
from actions.handoff import (
    ActionConsent,
    ActionDeleteMyData,
    ActionHandoff,
    ActionHandoffSubmit,
    ValidateHandoffForm,
    maybe_offer,
    read_correction,
    read_field,
)
from tests.conftest import REAL_KNOWLEDGE


@pytest.fixture(autouse=True)
def knowledge(monkeypatch, tmp_path):
    monkeypatch.setenv("KNOWLEDGE_DIR", str(REAL_KNOWLEDGE))
    monkeypatch.setenv("EVENTS_TODAY", "2026-11-27")
    monkeypatch.setenv("LEADS_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    caches = (runtime.store, runtime.answerer, runtime.redis_client, runtime.event_store)
    for cached in caches:
        cached.cache_clear()
    yield
    for cached in caches:
        cached.cache_clear()


def tracker(text: str, slots: dict | None = None, intent: str = "inform",
            requested: str | None = None, entities: list | None = None) -> Tracker:
    return Tracker(
        sender_id="owner-h",
        slots={"preferred_language": "auto", "requested_slot": requested, **(slots or {})},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9},
                        "entities": entities or []},
        events=[{"event": "user", "text": "我想找專人"}, {"event": "bot", "text": "好的"},
                {"event": "slot", "name": "x", "value": 1}, {"event": "user", "text": text}],
        paused=False, followup_action=None,
        active_loop={"name": "handoff_form"}, latest_action_name="action_listen",
    )


def run(action, track: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def slots_of(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


FILLED = {
    "company": "大同精密有限公司", "ubn": "04595257", "contact_name": "王小明",
    "job_title": "業務經理", "phone": "0912-345-678", "email": "ming@example.com",
    "lead_products": ["appliances"], "lead_markets": ["jp"], "export_experience": True,
    "size_band": "small", "help_wanted": "想了解日本通路", "timeline": "within_3_months",
}


def test_handoff_shows_the_pdpa_notice_and_consent_buttons():
    messages, events = run(ActionHandoff(), tracker("我想找專人", intent="request_human"))
    assert "蒐集目的" in messages[1]["text"] and "365" in messages[1]["text"]
    assert [b["title"] for b in messages[1]["buttons"]] == ["同意", "不同意"]
    assert slots_of(events)["handoff_consent"] == "asked"
    assert slots_of(events)["handoff_notice_version"] == "2026-12-v1"
    messages, _ = run(ActionHandoff(), tracker("talk to someone", intent="request_human"))
    assert "Purpose" in messages[1]["text"]


def test_consent_agreed_records_version_time_and_answer():
    slots = {"handoff_consent": "asked", "handoff_notice_version": "2026-12-v1"}
    _, events = run(ActionConsent(), tracker("/give_consent", slots, intent="give_consent"))
    found = slots_of(events)
    assert found["handoff_consent"] == "agreed"
    assert found["consent_record"]["notice_version"] == "2026-12-v1"
    assert found["consent_record"]["answer"] == "agreed" and found["consent_record"]["time"]


def test_consent_declined_stores_nothing_personal():
    slots = {"handoff_consent": "asked", "handoff_notice_version": "2026-12-v1"}
    messages, events = run(ActionConsent(), tracker("/decline_consent", slots,
                                                    intent="decline_consent"))
    assert slots_of(events) == {"handoff_consent": "declined"}
    assert "不會儲存" in messages[0]["text"]


def test_consent_without_a_notice_shows_the_notice():
    messages, events = run(ActionConsent(), tracker("同意", intent="give_consent"))
    assert slots_of(events)["handoff_consent"] == "asked"
    assert "蒐集目的" in messages[1]["text"]


def test_form_start_skips_what_the_conversation_established():
    slots = {"market": "jp", "product": "appliances", "ubn": "04595257",
             "export_experience": True, "employees": 30}
    _, events = run(ValidateHandoffForm(), tracker("/give_consent", slots, intent="give_consent"))
    found = slots_of(events)
    assert found["lead_markets"] == ["jp"] and found["lead_products"] == ["appliances"]
    assert found["size_band"] == "small"
    assert found["requested_slot"] == "company"


@pytest.mark.parametrize("field,text,value", [
    ("phone", "0912 345 678", "0912-345-678"),
    ("phone", "(02)2345-6789 分機 12", "02-2345-6789 #12"),
    ("ubn", "統編 04595257", "04595257"),
    ("email", "Ming@Example.com", None),
    ("timeline", "3個月內", "within_3_months"),
    ("size_band", "30人", "small"),
    ("export_experience", "有", True),
])
def test_read_field(field, text, value):
    found, problem = read_field(field, text, tracker(text))
    assert problem is None
    if value is not None:
        assert found == value


@pytest.mark.parametrize("field,text", [("phone", "12345"), ("ubn", "12345678"),
                                        ("email", "not-an-email")])
def test_bad_answers_are_reasked_politely(field, text):
    known = {k: v for k, v in FILLED.items() if k != field}
    messages, events = run(ValidateHandoffForm(), tracker(text, known, requested=field))
    assert field not in slots_of(events)
    assert slots_of(events)["requested_slot"] == field
    assert messages and any(w in messages[0]["text"] for w in ("請", "抱歉", "please"))


def test_all_known_asks_for_confirmation_and_confirm_ends_the_form():
    _, events = run(ValidateHandoffForm(), tracker("業務經理", FILLED, requested="job_title"))
    assert slots_of(events)["requested_slot"] == "handoff_confirmed"
    _, events = run(ValidateHandoffForm(), tracker("確認送出", FILLED,
                                                   requested="handoff_confirmed"))
    assert slots_of(events)["handoff_confirmed"] is True
    assert slots_of(events)["requested_slot"] is None


def test_a_correction_changes_the_field_and_asks_again():
    assert read_correction("電話改成 0987-654-321") == ("phone", "0987-654-321")
    _, events = run(ValidateHandoffForm(), tracker("電話改成 0987654321", FILLED,
                                                   requested="handoff_confirmed"))
    found = slots_of(events)
    assert found["phone"] == "0987-654-321" and found["requested_slot"] == "handoff_confirmed"
    assert "handoff_confirmed" not in found


def test_summary_lists_the_fields():
    dispatcher = CollectingDispatcher()
    handoff.ask("handoff_confirmed", dispatcher, tracker("x", FILLED))
    text = dispatcher.messages[0]["text"]
    assert "王小明" in text and "0912-345-678" in text and "日本" in text


def test_submit_without_redis_spools_and_says_so(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    slots = {**FILLED, "handoff_confirmed": True, "handoff_asked": True,
             "consent_record": {"notice_version": "2026-12-v1", "time": "2026-11-27T00:00:00",
                                "answer": "agreed"},
             "screening_outcome": {"event": "e1", "outcome": "eligible", "rules": {}}}
    messages, events = run(ActionHandoffSubmit(), tracker("確認送出", slots))
    assert "臺日窗口" in messages[0]["text"] and "2 個工作天" in messages[0]["text"]
    assert "稍後" in messages[0]["text"]
    assert slots_of(events)["handoff_count"] == 1.0
    lines = (tmp_path / "spool" / "leads-spool.jsonl").read_text().splitlines()
    record = json.loads(lines[0])
    lead = record["lead"]
    assert record["key"] == "owner-h#1" and lead["desk"] == "jp"
    assert lead["contact"]["phone"] == "0912-345-678"
    assert lead["consent"]["notice_version"] == "2026-12-v1"
    assert lead["screening"]["outcome"] == "eligible"
    assert {"from": "owner", "text": "我想找專人"} in lead["transcript"]
    assert lead["score"] >= 50 and lead["explanation"]
    assert "王小明" not in caplog.text and "0912" not in caplog.text
    # delete my data: the spooled lead goes, the slots are reset
    messages, events = run(ActionDeleteMyData(), tracker("刪除我的資料", slots,
                                                         intent="delete_my_data"))
    assert "已刪除" in messages[0]["text"]
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
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"
    dispatcher = CollectingDispatcher()
    assert maybe_offer(dispatcher, tracker("x", {**slots, "handoff_offered": True}),
                       "zh-TW") == []
    assert maybe_offer(dispatcher, tracker("x", {"market": "jp"}), "zh-TW") == []
