"""What every channel does to a message before Rasa sees it."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from market_entry.inbound import EMPTY, OK, TOO_LONG, button_payload, clean_text, inbound

KNOWN = {("market", "jp"), ("topic", "labelling"), ("selected_event", "foodex-japan-2027"),
         ("language", "en"), ("entry_id", "jp-labelling-food")}


def known(name: str, value: str) -> bool:
    return (name, value) in KNOWN


def test_lone_surrogates_and_controls_are_dropped_emoji_and_cjk_kept():
    raw = json.loads('"日本\\ud800標示\\u0000\\u0007？👍🏽 ok"')
    assert clean_text(raw).text == "日本標示？👍🏽 ok"


def test_unreadable_and_too_long_messages_are_named():
    assert clean_text("\u0000\u0001 ").problem == EMPTY
    assert clean_text(None).problem == EMPTY
    assert clean_text("字" * 1001).problem == TOO_LONG
    assert clean_text("字" * 1000).problem == OK


def test_button_payloads_pass_only_in_the_shapes_our_buttons_send():
    assert button_payload('/ask_market_question{"market":"jp","topic":"labelling"}', known) == \
        '/ask_market_question{"market":"jp","topic":"labelling"}'
    assert button_payload("/request_human", known) == "/request_human"
    assert button_payload("/restart", known) == "/restart"
    for bad in ('/inform{"product": {"a": 1}}', '/ask_market_question{"market": ["jp"]}',
                '/ask_market_question{"market": 42}', '/ask_market_question{"market":"mars"}',
                '/ask_market_question{"selected_event":"foodex-japan-2027"}',
                '/nlu_fallback', '/ask_market_question{broken', '/give_consent{"market":"jp"}'):
        assert button_payload(bad, known) is None, bad


def test_a_rejected_payload_is_read_as_text():
    assert inbound('/inform{"product": {"a": 1}}', known).text == "inform product a 1"
    assert inbound("/{}", known).problem == EMPTY
    assert inbound("我想找專人", known).text == "我想找專人"


@given(st.text(max_size=300))
def test_any_text_comes_out_encodable_or_named(raw):
    result = inbound(raw, known)
    if result.problem == OK:
        result.text.encode("utf-8")
        assert result.text
    else:
        assert result.text == ""
