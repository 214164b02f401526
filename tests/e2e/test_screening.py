"""Trade events and eligibility screening, through the REST channel of the real servers
(EVENTS_TODAY is pinned to 2026-11-27 by the harness)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from market_entry.events import load_events
from tests.conftest import REAL_KNOWLEDGE
from tests.e2e.harness import buttons, texts

pytestmark = pytest.mark.servers

MAX_TURNS = 10


def press(services, sender, replies, title_part: str):
    button = next(b for b in buttons(replies) if title_part in b["title"])
    return services.chat(sender, button["payload"])


def tracker_slots(services, sender) -> dict:
    request = urllib.request.Request(
        f"{services.rasa_url}/conversations/{sender}/tracker?token={services.token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["slots"]


ANSWERS_ZH = [("統一編號", "04595257"), ("實收資本額", "500萬"), ("員工", "3人"),
              ("出進口廠商", "是"), ("出口實績", "去年有出口到日本"), ("英文", "有"),
              ("取得", "是"), ("積欠", "沒有"), ("補助", "否")]
ANSWERS_EN = [("business number", "04595257"), ("capital", "NT$5 million"),
              ("employees", "3"), ("importer/exporter", "yes"), ("exported", "yes, to Japan"),
              ("English", "yes"), ("hold", "yes"), ("owe", "no"), ("subsidy", "no")]


def answer_for(replies, answers) -> str:
    text = texts(replies)
    if "產業" in text or "sector" in text:
        return buttons(replies)[0]["payload"]  # the event's first sector
    for cue, answer in answers:
        if cue in text:
            return answer
    raise AssertionError(f"unexpected question: {text}")


def screen_to_the_end(services, sender, replies, answers, result_word: str):
    turns = 0
    while result_word not in texts(replies):
        turns += 1
        assert turns < MAX_TURNS, texts(replies)
        replies = services.chat(sender, answer_for(replies, answers))
    return replies, turns


EVENTS = [e.id for e in load_events(REAL_KNOWLEDGE).events]


@pytest.mark.parametrize("event_id", EVENTS)
def test_every_seeded_event_can_be_screened_in_under_ten_turns(services, sender, event_id):
    replies = services.chat(sender, "有什麼展可以參加")
    assert "以下是近期的活動" in texts(replies)
    replies = services.chat(sender, f'/screen_eligibility{{"selected_event":"{event_id}"}}')
    replies, turns = screen_to_the_end(services, sender, replies, ANSWERS_ZH, "結果：")
    assert turns + 2 <= MAX_TURNS
    assert "結果：您符合" in texts(replies), texts(replies)
    outcome = tracker_slots(services, sender)["screening_outcome"]
    assert outcome["event"] == event_id and outcome["outcome"] == "eligible"


def test_japan_question_to_explained_result_in_chinese(services, sender):
    replies = services.chat(sender, "最近有日本的展覽可以參加嗎？")
    text = texts(replies)
    assert "FOODEX" in text and "日期為預估，請以主辦單位公告為準" in text
    assert all(len(b["title"]) <= 20 for b in buttons(replies))
    replies = press(services, sender, replies, "FOODEX")
    assert "〔FOODEX食品展〕" in texts(replies) and "產業" in texts(replies)
    for message in ("食品", "五千萬", "是", "去年有出口到日本", "有", "沒有"):
        replies = services.chat(sender, message)
    assert "補助" in texts(replies)
    replies = services.chat(sender, "是")  # already subsidised for this show this year
    text = texts(replies)
    assert "結果：您目前不符合" in text
    assert "❌ 不符合｜本年度未重複補助同一展覽" in text and "→ 建議" in text
    assert "✅ 符合｜中小企業資格" in text and "NT$50,000,000" in text
    assert tracker_slots(services, sender)["screening_outcome"]["outcome"] == "not_eligible"


def test_english_screening_with_a_review_outcome(services, sender):
    replies = services.chat(sender, "Any trade shows in Europe?")
    assert "Upcoming events" in texts(replies)
    replies = press(services, sender, replies, "Hannover")
    assert "sector" in texts(replies)
    replies = services.chat(sender, "machinery")
    assert "paid-in capital" in texts(replies)
    replies = services.chat(sender, "about NT$300 million")
    assert "employees" in texts(replies)  # capital alone does not decide: head count asked
    for message in ("35 people", "yes", "not sure", "yes", "yes"):
        replies = services.chat(sender, message)
    text = texts(replies)
    assert "Result: an officer needs to review" in text
    assert "❔ To be confirmed" in text and "✅ Met" in text


def test_odd_answers_are_asked_again_politely(services, sender):
    replies = services.chat(sender, '/screen_eligibility{"selected_event":"tokyo-gift-show-spring-2027"}')
    replies = services.chat(sender, "家具")
    assert "統一編號" in texts(replies)
    replies = services.chat(sender, "00501502")
    assert "檢查碼不正確" in texts(replies) and "統一編號" in texts(replies)
    replies = services.chat(sender, "62140097")  # valid only under the 2023 rule
    assert "實收資本額" in texts(replies)
    replies = services.chat(sender, "很多錢")
    assert "請加上單位" in texts(replies)
    replies = services.chat(sender, "NT$30,000,000")
    assert "積欠" in texts(replies)


def test_stop_and_screen_another_event_without_repeating_answers(services, sender):
    replies = services.chat(sender, '/screen_eligibility{"selected_event":"foodex-japan-2027"}')
    services.chat(sender, "食品")
    replies = services.chat(sender, "500萬")
    assert "出進口廠商" in texts(replies)
    replies = services.chat(sender, "停止檢核")
    assert "已停止" in texts(replies)
    replies = services.chat(sender, '/screen_eligibility{"selected_event":"thaifex-anuga-asia-2027"}')
    text = texts(replies)
    assert "〔泰國亞洲食品展〕" in text and "出進口廠商" in text  # sector and capital kept
    assert "實收資本額" not in text and "產業" not in text


def test_question_about_us_matchmaking_goes_straight_to_screening(services, sender):
    replies = services.chat(sender, "我們可以參加美國的商機洽談會嗎？")
    assert "〔臺美線上洽談〕" in texts(replies)


def test_facts_told_earlier_are_not_asked(services, sender):
    services.chat(sender, "我們是做鳳梨酥的，想賣到日本需要什麼認證？")
    services.chat(sender, "我們資本額800萬，員工12人")
    replies = services.chat(sender, '/screen_eligibility{"selected_event":"foodex-japan-2027"}')
    text = texts(replies)
    assert "出進口廠商" in text and "實收資本額" not in text and "產業" not in text
