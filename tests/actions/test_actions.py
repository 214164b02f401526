"""The market-question, fallback, language and session actions, run as the action server runs
them, on a small knowledge folder. Assertions use phrase keys and facts, never wording."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet, UserUtteranceReverted

from actions import runtime
from actions.fallback import ActionFallback
from actions.handoff import ActionHandoff
from actions.language import ActionSwitchLanguage
from actions.market_answer import ActionAnswerQuestion
from actions.session import ActionSessionStart
from market_entry.phrases import say
from tests.actions.conftest import run, slots_of, tracker


@pytest.fixture(autouse=True)
def knowledge(use_knowledge, small_knowledge):
    use_knowledge(small_knowledge)


def ask(text: str, slots: dict | None = None, **kwargs):
    return tracker(text, slots, intent=kwargs.pop("intent", "ask_market_question"), **kwargs)


def test_answer_action_sends_answer_buttons_and_slots():
    messages, events = run(ActionAnswerQuestion(), ask("我們是做小家電的，想賣到日本需要什麼認證？"))
    assert len(messages) == 1
    assert "PSE" in messages[0]["text"]
    assert say("answer.checked_line", "zh-TW", checked="2026-11-01") in messages[0]["text"]
    assert messages[0]["custom"]["entry_id"] == "jp-certification-pse"
    assert any(b["payload"] == "/request_human" for b in messages[0]["buttons"])
    assert SlotSet("last_entry", "jp-certification-pse") in events
    assert SlotSet("market", "jp") in events


def test_answer_action_asks_for_the_market_and_keeps_the_question():
    messages, events = run(ActionAnswerQuestion(), ask("出口需要什麼認證？"))
    assert messages[0]["text"] == say("answer.ask_market", "zh-TW")
    assert SlotSet("pending_question", "出口需要什麼認證?") in events


def test_answer_action_uses_button_entities():
    track = ask('/ask_market_question{"entry_id":"jp-labelling-food"}',
                entities=[{"entity": "entry_id", "value": "jp-labelling-food"}])
    messages, _ = run(ActionAnswerQuestion(), track)
    assert messages[0]["custom"]["entry_id"] == "jp-labelling-food"


def test_answer_action_in_english():
    messages, _ = run(ActionAnswerQuestion(), ask("What certification do appliances need for Japan?"))
    assert say("answer.checked_line", "en", checked="2026-11-01") in messages[0]["text"]


@pytest.mark.parametrize("value", [{"a": 1}, ["jp"], 42, "x" * 500, "not-a-market"])
def test_odd_entity_values_never_reach_the_answer(value):
    track = ask('/ask_market_question{"market": ...}', entities=[{"entity": "market", "value": value}],
                slots={"market": value})
    messages, _ = run(ActionAnswerQuestion(), track)
    assert messages and messages[0]["text"]


def test_not_covered_is_recorded_when_redis_is_there(monkeypatch):
    recorded = []

    class Recorder:
        def zincrby(self, name, amount, value):
            recorded.append((name, value))

    monkeypatch.setattr(runtime, "redis_client", lambda: Recorder())
    messages, _ = run(ActionAnswerQuestion(), ask("日本的太空旅遊執照怎麼申請？"))
    assert messages[0]["text"].startswith(say("answer.not_covered", "zh-TW", market="日本",
                                              desk="臺日窗口")[:8])
    assert recorded == [("unanswered:jp", "日本的太空旅遊執照怎麼申請?")]


def test_redis_failure_does_not_cost_the_answer(monkeypatch):
    class Broken:
        def zincrby(self, *args):
            raise ConnectionError("down")

    monkeypatch.setattr(runtime, "redis_client", lambda: Broken())
    messages, _ = run(ActionAnswerQuestion(), ask("日本的太空旅遊執照怎麼申請？"))
    assert "custom" not in messages[0] or not messages[0]["custom"]
    assert any(b["payload"] == "/request_human" for b in messages[0]["buttons"])


def test_fallback_first_asks_to_rephrase_then_offers_an_officer():
    messages, events = run(ActionFallback(), tracker("嗯嗯那個就是", intent="nlu_fallback"))
    assert messages[0]["text"] in (say("fallback.rephrase", "zh-TW"),
                                   say("fallback.rephrase_no_suggestion", "zh-TW"))
    assert SlotSet("fallback_count", 1.0) in events
    messages, events = run(ActionFallback(), tracker("哈哈", {"fallback_count": 1.0},
                                                     intent="nlu_fallback"))
    assert messages[0]["text"] == say("fallback.officer", "zh-TW")
    assert messages[0]["buttons"][0]["payload"] == "/request_human"
    assert SlotSet("fallback_count", 0.0) in events


def test_fallback_answers_a_clear_market_question_anyway():
    messages, _ = run(ActionFallback(), tracker("日本 PSE 小家電", intent="nlu_fallback"))
    assert messages[0]["custom"]["entry_id"] == "jp-certification-pse"


def test_fallback_answers_a_question_naming_a_taiwan_programme(use_knowledge):
    """No market needed: the NLU was unsure of "…算中小企業媽？" (a typo), the packs are not."""
    use_knowledge()   # the real folder has the Taiwan-side pack
    messages, _ = run(ActionFallback(), tracker("我們是服務業，去年營業額1.5億，員工120人，算中小企業媽？",
                                                intent="nlu_fallback"))
    assert messages[0]["custom"]["entry_id"] == "tw-support-sme-definition"


def test_fallback_on_an_uncovered_question_naming_a_market_says_so_and_offers_an_officer():
    messages, _ = run(ActionFallback(), tracker("日本的太空旅遊業執照怎麼申請", intent="nlu_fallback"))
    assert messages[0]["text"].startswith("抱歉，日本的知識庫目前還沒有涵蓋這個問題")
    assert "/request_human" in [b["payload"] for b in messages[0]["buttons"]]


def test_fallback_on_an_owner_saying_what_they_make_asks_which_market():
    messages, events = run(ActionFallback(), tracker("我們做小家電", intent="nlu_fallback"))
    assert messages[0]["text"] == say("answer.ask_market", "zh-TW")
    assert slots_of(events)["pending_question"] == "我們做小家電"


def test_fallback_suggests_related_entries():
    messages, _ = run(ActionFallback(), tracker("標籤 零食 包裝", {"market": "jp"},
                                                intent="nlu_fallback"))
    assert messages[0]["text"] and messages[0]["buttons"]


def test_handoff_names_the_desk_of_the_market(use_knowledge):
    use_knowledge()   # the real folder has the consent notice
    messages, _ = run(ActionHandoff(), tracker("我想找專人", {"market": "jp"}, intent="request_human"))
    assert messages[0]["text"].startswith(say("handoff.intro_desk", "zh-TW", desk="臺日窗口"))
    messages, _ = run(ActionHandoff(), tracker("talk to someone", intent="request_human"))
    assert messages[0]["text"].startswith(say("handoff.intro_desks", "en"))


def test_handoff_without_a_consent_notice_collects_nothing():
    messages, events = run(ActionHandoff(), tracker("我想找專人", intent="request_human"))
    assert messages[0]["text"] == say("handoff.notice_unavailable", "zh-TW") and events == []


def test_switch_language():
    messages, events = run(ActionSwitchLanguage(), tracker("請用英文", intent="switch_language"))
    assert events == [SlotSet("preferred_language", "en")]
    assert messages[0]["text"] == say("system.language_switched", "en")
    _, events = run(ActionSwitchLanguage(), tracker("說中文", {"preferred_language": "en"},
                                                    intent="switch_language"))
    assert events == [SlotSet("preferred_language", "zh-TW")]


def test_a_language_mentioned_in_a_question_is_not_a_switch():
    messages, events = run(ActionSwitchLanguage(), tracker(
        "賣到日本的小家電，說明書要日文嗎", intent="switch_language"))
    assert messages[0]["custom"]["entry_id"].startswith("jp-")
    assert SlotSet("preferred_language", "en") not in events
    messages, events = run(ActionSwitchLanguage(), tracker("標示要用中文嗎",
                                                           intent="switch_language"))
    assert messages[0]["text"] != say("system.language_switched", "zh-TW")


def test_a_question_that_also_asks_for_a_person_gets_the_answer_and_the_notice():
    messages, _ = run(ActionAnswerQuestion(), ask(
        "我們是做小家電的，想賣到日本需要什麼認證？可以找專人聊嗎"))
    assert messages[0]["custom"]["entry_id"] == "jp-certification-pse"
    # the small knowledge folder has no consent notice: the hand-off says so, collecting nothing
    assert messages[-1]["text"] == say("handoff.notice_unavailable", "zh-TW")


def test_a_request_for_a_person_without_a_question_gets_the_notice_only():
    messages, _ = run(ActionAnswerQuestion(), ask("可以找專人聊嗎"))
    assert [m["text"] for m in messages] == [say("handoff.notice_unavailable", "zh-TW")]


def test_switch_language_from_the_widget_button():
    track = tracker('/switch_language{"language":"en"}', intent="switch_language",
                    entities=[{"entity": "language", "value": "en"}])
    messages, events = run(ActionSwitchLanguage(), track)
    assert events == [SlotSet("preferred_language", "en")]


def test_a_typed_session_start_is_greeted_and_keeps_the_context():
    messages, events = run(ActionSessionStart(), tracker("/session_start", {"market": "jp"},
                                                         intent="session_start"))
    assert messages == [{"response": "utter_greet"}] or messages[0].get("response") == "utter_greet"
    assert {"event": "slot", "timestamp": None, "name": "market", "value": "jp"} in events
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
    messages, _ = run(ActionSessionStart(), tracker("日本標示", intent="ask_market_question"))
    assert messages == []


def test_a_message_a_form_rejected_is_forgotten_not_looped():
    # Rasa's core fallback inside a form: forgetting the message is what stops it predicting
    # action_fallback again until its circuit breaker silences the conversation.
    track = tracker("嗯嗯嗯 ???", intent="nlu_fallback", loop="screening_form")
    track.active_loop["rejected"] = True
    messages, events = run(ActionFallback(), track)
    assert messages[0]["text"] == say("fallback.rephrase_no_suggestion", "zh-TW")
    assert events == [UserUtteranceReverted()]


def test_the_conversations_market_is_the_one_before_the_latest_message():
    """Rasa fills the market slot from the message's own words (西班牙文 -> Spain -> EU)
    before the action runs; the conversation was about the market before it."""
    from actions.tracker import context

    track = tracker("成分標籤一定要用西班牙文嗎？", {"market": "us"}, history=[])
    track.events[:0] = [{"event": "user", "text": "越南的經銷商想代理"},
                        {"event": "slot", "name": "market", "value": "vn"}]
    track.events.append({"event": "slot", "name": "market", "value": "us"})
    assert context(track).market == "vn"
    assert context(tracker("日本標示", {"market": "jp"})).market == "jp"   # no history: as it is
