"""Every custom action, run as the action server runs it, on a small knowledge folder."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.fallback import ActionFallback
from actions.handoff import ActionHandoff
from actions.language import ActionSwitchLanguage
from actions.market_answer import ActionAnswerQuestion


@pytest.fixture(autouse=True)
def knowledge(small_knowledge, monkeypatch):
    monkeypatch.setenv("KNOWLEDGE_DIR", str(small_knowledge))
    monkeypatch.delenv("REDIS_URL", raising=False)
    caches = (runtime.store, runtime.answerer, runtime.redis_client)
    for cached in caches:
        cached.cache_clear()
    yield small_knowledge
    for cached in caches:
        cached.cache_clear()


def tracker(text: str, slots: dict | None = None, entities: list | None = None,
            intent: str = "ask_market_question") -> Tracker:
    return Tracker(
        sender_id="owner-1",
        slots={"preferred_language": "auto", "fallback_count": 0.0, **(slots or {})},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9},
                        "entities": entities or []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, track: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def test_answer_action_sends_answer_buttons_and_slots():
    messages, events = run(ActionAnswerQuestion(), tracker("我們是做小家電的，想賣到日本需要什麼認證？"))
    assert len(messages) == 1
    assert "PSE" in messages[0]["text"] and "最後查核日期" in messages[0]["text"]
    assert any(b["payload"] == "/request_human" for b in messages[0]["buttons"])
    assert SlotSet("last_entry", "jp-certification-pse") in events
    assert SlotSet("market", "jp") in events


def test_answer_action_asks_for_the_market_and_keeps_the_question():
    messages, events = run(ActionAnswerQuestion(), tracker("出口需要什麼認證？"))
    assert "哪個市場" in messages[0]["text"]
    assert SlotSet("pending_question", "出口需要什麼認證?") in events


def test_answer_action_uses_button_entities():
    track = tracker('/ask_market_question{"entry_id":"jp-labelling-food"}',
                    entities=[{"entity": "entry_id", "value": "jp-labelling-food"}])
    messages, _ = run(ActionAnswerQuestion(), track)
    assert messages[0]["text"].startswith("【日本｜標示】")


def test_answer_action_in_english():
    messages, _ = run(ActionAnswerQuestion(), tracker("What certification do appliances need for Japan?"))
    assert "Source:" in messages[0]["text"] and "Last checked" in messages[0]["text"]


def test_not_covered_is_recorded_when_redis_is_there(monkeypatch):
    recorded = []

    class Recorder:
        def zincrby(self, name, amount, value):
            recorded.append((name, value))

    monkeypatch.setattr(runtime, "redis_client", lambda: Recorder())
    messages, _ = run(ActionAnswerQuestion(), tracker("日本的太空旅遊執照怎麼申請？"))
    assert "還沒有涵蓋" in messages[0]["text"]
    assert recorded == [("unanswered:jp", "日本的太空旅遊執照怎麼申請?")]


def test_redis_failure_does_not_cost_the_answer(monkeypatch):
    class Broken:
        def zincrby(self, *args):
            raise ConnectionError("down")

    monkeypatch.setattr(runtime, "redis_client", lambda: Broken())
    messages, _ = run(ActionAnswerQuestion(), tracker("日本的太空旅遊執照怎麼申請？"))
    assert "還沒有涵蓋" in messages[0]["text"]


def test_fallback_first_asks_to_rephrase_then_offers_an_officer():
    messages, events = run(ActionFallback(), tracker("嗯嗯那個就是", intent="nlu_fallback"))
    assert "換個說法" in messages[0]["text"]
    assert SlotSet("fallback_count", 1.0) in events
    messages, events = run(ActionFallback(), tracker("哈哈", {"fallback_count": 1.0}, intent="nlu_fallback"))
    assert "經貿專員" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/request_human"
    assert SlotSet("fallback_count", 0.0) in events


def test_fallback_answers_a_clear_market_question_anyway():
    messages, _ = run(ActionFallback(), tracker("日本 PSE 小家電", intent="nlu_fallback"))
    assert "PSE" in messages[0]["text"] and "資料來源" in messages[0]["text"]


def test_fallback_suggests_related_entries():
    messages, _ = run(ActionFallback(), tracker("標籤 零食 包裝", {"market": "jp"}, intent="nlu_fallback"))
    assert messages[0]["text"]
    assert messages[0]["buttons"]


def test_handoff_names_the_desk_of_the_market():
    messages, events = run(ActionHandoff(), tracker("我想找專人", {"market": "jp"}, intent="request_human"))
    assert "臺日窗口" in messages[0]["text"] and events == []  # no consent notice: no collection
    messages, _ = run(ActionHandoff(), tracker("talk to someone", intent="request_human"))
    assert "desks" in messages[0]["text"]


def test_switch_language():
    messages, events = run(ActionSwitchLanguage(), tracker("請用英文", intent="switch_language"))
    assert events == [SlotSet("preferred_language", "en")]
    assert "English" in messages[0]["text"]
    messages, events = run(ActionSwitchLanguage(), tracker("說中文", {"preferred_language": "en"},
                                                           intent="switch_language"))
    assert events == [SlotSet("preferred_language", "zh-TW")]


def test_switch_language_from_the_widget_button():
    track = tracker('/switch_language{"language":"en"}', entities=[{"entity": "language", "value": "en"}],
                    intent="switch_language")
    messages, events = run(ActionSwitchLanguage(), track)
    assert events == [SlotSet("preferred_language", "en")] and "English" in messages[0]["text"]
