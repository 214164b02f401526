"""Rasa messages → LINE messages, and LINE events → what the assistant is asked: pure functions."""

from __future__ import annotations

import json

import pytest

from market_entry.phrases import say
from services.line_gateway import line_limits as limits
from services.line_gateway.translate import (
    GREET_PAYLOAD,
    MAX_MESSAGES_TOTAL,
    batches,
    chat_of,
    fallback_if_silent,
    is_english,
    market_answer_flex,
    plan,
    quick_reply_item,
    should_queue,
    to_line_messages,
    without_source_lines,
)

CARD = {"kind": "market_answer", "entry_id": "jp-certification-pse", "market": "jp",
        "topic": "certification", "checked": "2026-11-01", "volatile": False,
        "sources": [{"title": "METI PSE", "url": "https://www.meti.go.jp/policy/consumer_safety/"}]}


def test_utf16_length_counts_astral_characters_twice():
    assert limits.utf16_len("日本") == 2
    assert limits.utf16_len("😊") == 2
    assert limits.truncate("😊" * 10, 5) == "😊😊…"
    assert limits.utf16_len(limits.truncate("😊" * 10, 5)) <= 5


def test_long_text_is_split_at_boundaries_within_the_limit():
    paragraph = "日本的電氣用品安全法要求電氣用品符合技術基準。" * 40
    text = "\n\n".join([paragraph] * 8)
    pieces = limits.split_text(text)
    assert len(pieces) > 1
    assert all(limits.utf16_len(p) <= limits.MAX_TEXT_UNITS for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
    emoji = limits.split_text("😊" * 6000)
    assert all(limits.utf16_len(p) <= 5000 for p in emoji) and "".join(emoji) == "😊" * 6000


def test_loading_seconds_are_a_multiple_of_five_between_5_and_60():
    assert [limits.loading_seconds(s) for s in (0, 1, 5, 7, 20, 59, 61, 600)] == [
        5, 5, 5, 10, 20, 60, 60, 60]


def test_text_and_buttons_become_text_with_quick_replies():
    rasa = [{"text": "請問您想賣到哪個市場？", "buttons": [
        {"title": "日本", "payload": '/inform_market{"market":"jp"}'},
        {"title": "一個非常非常非常非常非常非常長的按鈕標題文字", "payload": "/ask_officer"},
        {"title": "直接說", "payload": "我要問美國"},
    ]}]
    [message] = to_line_messages(rasa)
    assert message["text"] == "請問您想賣到哪個市場？"
    items = message["quickReply"]["items"]
    assert items[0]["action"] == {"type": "postback", "label": "日本",
                                  "data": '/inform_market{"market":"jp"}', "displayText": "日本"}
    assert limits.utf16_len(items[1]["action"]["label"]) == 20
    assert items[1]["action"]["label"].endswith("…")
    assert items[1]["action"]["displayText"].startswith("一個非常")
    assert items[2]["action"]["data"] == "我要問美國"
    limits.check_messages([message])


def test_quick_replies_are_capped_at_13_and_long_payloads_become_message_actions():
    buttons = [{"title": f"選項{i}", "payload": f"/choose{{\"n\":{i}}}"} for i in range(20)]
    [message] = to_line_messages([{"text": "選一個", "buttons": buttons}])
    assert len(message["quickReply"]["items"]) == 13
    long_payload = "/ask" + "x" * 400
    assert quick_reply_item({"title": "問", "payload": long_payload})["action"] == {
        "type": "message", "label": "問", "text": "問"}
    assert quick_reply_item({"title": "", "payload": ""}) is None


TWO_SOURCES = [{"title": "METI PSE", "url": "https://www.meti.go.jp/policy/consumer_safety/"},
               {"title": "METI – 電気用品安全法", "url": "https://www.meti.go.jp/policy/denan/"}]
ANSWER = "\n".join([
    "【日本｜認證】電氣用品須符合 PSE",
    "日本的電氣用品須符合 PSE，詳見 https://www.meti.go.jp/policy/consumer_safety/ 的說明。",
    *(say("answer.source_line", "zh-TW", **s) for s in TWO_SOURCES),
    say("answer.checked_line", "zh-TW", checked="2026-11-01"),
])


def _links(flex: dict) -> list[tuple[str, str]]:
    """(text, uri) of every linked text in a bubble."""
    return [(c["text"], c["action"]["uri"]) for c in flex["contents"]["body"]["contents"]
            if c.get("action", {}).get("type") == "uri"]


def test_market_answer_becomes_text_and_a_flex_bubble_with_the_source_link():
    rasa = [{"text": "日本的電氣用品須符合 PSE。", "buttons": [{"title": "標籤", "payload": "/x"}]},
            {"custom": CARD}]
    text, flex = to_line_messages(rasa)
    assert text == {"type": "text", "text": "日本的電氣用品須符合 PSE。"}
    assert flex["type"] == "flex" and "METI PSE" in flex["altText"]
    assert _links(flex) == [("METI PSE", "https://www.meti.go.jp/policy/consumer_safety/")]
    assert "2026-11-01" in json.dumps(flex, ensure_ascii=False)
    assert flex["quickReply"]["items"][0]["action"]["data"] == "/x"  # buttons on the last message
    limits.check_messages([text, flex])


def test_each_source_is_shown_once_when_the_flex_card_is_sent():
    card = dict(CARD, sources=TWO_SOURCES)
    text, flex = to_line_messages([{"text": ANSWER, "buttons": [{"title": "標籤", "payload": "/x"}]},
                                   {"custom": card}])
    assert "資料來源" not in text["text"], "no source line in the text beside the card"
    for source in TWO_SOURCES:
        assert source["title"] not in text["text"]
        assert (source["title"], source["url"]) in _links(flex)
        everything = json.dumps([text, flex], ensure_ascii=False)
        # Once as the card's link; the body's own mention of a page is the answer's, not a source line.
        assert everything.count(source["url"]) == (2 if source is TWO_SOURCES[0] else 1)
    # The rest of the answer is untouched: header, body (with its inline link), checked date.
    assert text["text"].splitlines() == [ANSWER.splitlines()[i] for i in (0, 1, 4)]
    assert "最後查核" in json.dumps(flex, ensure_ascii=False)
    limits.check_messages([text, flex])


def test_without_a_card_the_text_keeps_its_source_lines():
    [text] = to_line_messages([{"text": ANSWER}])
    assert text["text"] == ANSWER
    assert without_source_lines(ANSWER, []) == ANSWER
    # Only the card's own sources are dropped; a line naming another page stays.
    other = [{"title": "Other", "url": "https://example.org/other"}]
    assert without_source_lines(ANSWER, other) == ANSWER
    half = without_source_lines(ANSWER, TWO_SOURCES[1:])
    assert TWO_SOURCES[0]["url"] in half and TWO_SOURCES[1]["url"] not in half
    # A source whose URL is only a prefix of the line's URL is not that line's source.
    prefix = [{"title": "", "url": "https://www.meti.go.jp/policy/denan"}]
    assert without_source_lines(ANSWER, prefix) == ANSWER


def test_english_source_lines_go_too_and_the_plain_text_fallback_lists_each_source_once():
    english = "\n".join(["[Japan | Certification] PSE", "Appliances need PSE.",
                         *(say("answer.source_line", "en", **s) for s in TWO_SOURCES),
                         say("answer.checked_line", "en", checked="2026-11-01")])
    card = dict(CARD, sources=TWO_SOURCES)
    text, flex = to_line_messages([{"text": english}, {"custom": card}])
    assert "Source:" not in text["text"] and "Official sources" in flex["altText"]
    text, listing = to_line_messages([{"text": english}, {"custom": card}], flex=False)
    assert "Source:" not in text["text"]
    for source in TWO_SOURCES:
        assert listing["text"].count(source["url"]) == 1


def test_flex_respects_alt_text_and_bubble_size_and_falls_back_to_text():
    big = dict(CARD, sources=[{"title": "來源" * 1000, "url": "https://example.org/" + "a" * 900}] * 4)
    flex = market_answer_flex(big)
    assert flex is not None
    assert limits.utf16_len(flex["altText"]) <= limits.MAX_ALT_TEXT
    assert limits.bubble_bytes(flex["contents"]) <= limits.MAX_BUBBLE_BYTES
    limits.check_messages([flex])
    no_links = dict(CARD, sources=[{"title": "x", "url": "javascript:alert(1)"}])
    assert _links(market_answer_flex(no_links)) == []
    # A source the card cannot link keeps its line in the text.
    kept = to_line_messages([{"text": "答案\n資料來源：x javascript:alert(1)"}, {"custom": no_links}])
    assert "javascript:alert(1)" in kept[0]["text"]
    text_only = to_line_messages([{"text": "答案"}, {"custom": CARD}], flex=False)
    assert "https://www.meti.go.jp" in text_only[1]["text"]
    english = market_answer_flex(dict(CARD, volatile=True), english=True)
    assert "Official sources" in english["altText"]


def test_many_messages_are_cut_politely_and_batched_by_five():
    rasa = [{"text": f"第 {i} 段"} for i in range(14)]
    messages = to_line_messages(rasa)
    assert len(messages) == MAX_MESSAGES_TOTAL
    assert "省略" in messages[-1]["text"]
    requests = batches(messages)
    assert [len(r) for r in requests] == [5, 5]
    assert batches(to_line_messages([{"text": "x" * 12000}]))[0][2]["text"]


def test_buttons_without_text_still_get_a_message():
    [message] = to_line_messages([{"buttons": [{"title": "日本", "payload": "/jp"}]}])
    assert message["type"] == "text" and message["quickReply"]


def test_limit_check_rejects_what_line_rejects():
    with pytest.raises(limits.LimitError):
        limits.check_messages([])
    with pytest.raises(limits.LimitError):
        limits.check_messages([{"type": "text", "text": "a"}] * 6)
    with pytest.raises(limits.LimitError):
        limits.check_messages([{"type": "text", "text": "a" * 5001}])
    with pytest.raises(limits.LimitError):
        limits.check_messages([{"type": "text", "text": "a", "quickReply": {"items": [
            {"type": "action", "action": {"type": "postback", "label": "x" * 21, "data": "d"}}]}}])


def _event(kind: str, **extra):
    return {"type": kind, "mode": "active", "webhookEventId": "01H", "timestamp": 1,
            "source": {"type": "user", "userId": "U123"}, "replyToken": "t", **extra}


def _text(text: str) -> dict:
    return _event("message", message={"type": "text", "id": "1", "text": text})


def test_events_map_to_what_the_assistant_is_asked():
    assert plan(_text("你好")).text == "你好"
    assert plan(_event("follow")).text == GREET_PAYLOAD
    assert plan(_event("postback", postback={"data": '/inform_market{"market":"jp"}'})).text == \
        '/inform_market{"market":"jp"}'
    sticker = plan(_event("message", message={"type": "sticker", "packageId": "1", "stickerId": "2"}))
    assert sticker.action == "local" and "貼圖" in sticker.messages[0]["text"]
    image = plan(_event("message", message={"type": "image", "id": "1"}))
    assert image.action == "local" and "圖片" in image.messages[0]["text"]
    assert plan(_event("message", message={"type": "audio"})).action == "local"
    assert plan(_event("unfollow")).action == "ignore"
    assert plan(_event("postback", postback={"data": "\x00 "})).action == "ignore"


def test_text_is_cleaned_before_the_assistant_sees_it():
    assert plan(_text("\ud83d日本\x00小家電\x07認證？\udc00")).text == "日本小家電認證？"
    assert plan(_text("想賣到日本😊🇯🇵")).text == "想賣到日本😊🇯🇵"       # emoji and CJK kept
    emoji = plan(_text("🙏🙏"))
    assert (emoji.action, emoji.text) == ("rasa", "🙏🙏")
    # A payload typed or pressed stays a payload: the Rasa-side guard decides what it is worth.
    assert plan(_text('/inform_market{"market":"jp"}')).text == '/inform_market{"market":"jp"}'


@pytest.mark.parametrize("raw", ["\ud83d\udc00\ud800", "\x00\x01\x1b\x7f", "  \t ", "\x00\n\r\x00"])
def test_nothing_readable_gets_a_polite_answer_without_the_assistant(raw):
    what = plan(_text(raw))
    assert what.action == "local" and what.reason == "unreadable"
    assert what.messages == [{"type": "text", "text": say("system.message_unreadable", "zh-TW")}]


def test_an_over_long_message_gets_a_polite_answer_in_its_language():
    what = plan(_text("認證" * 2500))
    assert what.action == "local" and what.reason == "too_long"
    assert what.messages[0]["text"] == say("system.message_too_long", "zh-TW", limit=1000)
    english = plan(_text("certification " * 400), max_chars=2000)
    assert english.messages[0]["text"] == say("system.message_too_long", "en", limit=2000)
    assert plan(_text("認證" * 400)).action == "rasa"


def test_silence_from_the_assistant_becomes_a_request_to_rephrase():
    asked = plan(_text("Which rules apply?"))
    assert fallback_if_silent([], asked) == [
        {"type": "text", "text": say("fallback.rephrase_no_suggestion", "en")}]
    pressed = plan(_event("postback", postback={"data": "/greet"}))
    assert "換個說法" in fallback_if_silent([], pressed)[0]["text"]
    answer = [{"type": "text", "text": "好的"}]
    assert fallback_if_silent(answer, asked) is answer
    assert fallback_if_silent([], plan(_event("follow"))) == []   # a new friend: no "rephrase"
    assert fallback_if_silent(to_line_messages([]), asked)


def test_only_active_handled_events_with_a_source_are_queued():
    assert should_queue(_event("message", message={"type": "text", "text": "a"}))
    assert not should_queue(_event("message", mode="standby", message={"type": "text", "text": "a"}))
    assert not should_queue(_event("unfollow"))
    assert not should_queue(_event("brandNewEventType"))
    assert not should_queue({"type": "message", "source": {"type": "user"}})
    assert not should_queue("not an event")


def test_one_conversation_per_user_group_or_room():
    assert chat_of({"source": {"type": "user", "userId": "U1"}}).sender_id == "line-user-U1"
    group = chat_of({"source": {"type": "group", "groupId": "C9", "userId": "U1"}})
    assert (group.kind, group.id, group.sender_id) == ("group", "C9", "line-group-C9")
    assert chat_of({"source": {"type": "room", "roomId": "R1"}}).id == "R1"
    assert "U1" not in chat_of({"source": {"type": "user", "userId": "U1"}}).digest


def test_the_answers_language_survives_quoted_titles_and_acronyms():
    assert is_english("Appliances need the PSE mark under Japan's 電気用品安全法 (DENAN Act).")
    assert not is_english("日本的電氣用品須符合 PSE 認證，請見 https://www.meti.go.jp/english/policy/")
    assert is_english("Please choose:") and is_english("😊")
