"""Trade events and eligibility screening, through the REST channel of the real servers
(EVENTS_TODAY is pinned to 2026-11-27 by the harness).

The form's question is read from the tracker (`requested_slot`) and the outcome from the
`screening_outcome` slot; replies are compared with the phrase catalogue (`say(key, ...)`) and
the event catalogue, never with wording typed into the test.
"""

from __future__ import annotations

import json
import urllib.request
from functools import lru_cache
from pathlib import Path

import pytest

from market_entry.events import load_events
from market_entry.knowledge import load_knowledge
from market_entry.phrases import clip_label, say
from tests.conftest import REAL_KNOWLEDGE
from tests.e2e.harness import buttons, card, texts

pytestmark = pytest.mark.servers

ZH, EN = "zh-TW", "en"
MAX_TURNS = 10

# The answer to each question, by the fact it asks for; the sector is the event's first button.
ANSWERS = {
    ZH: {"ubn": "04595257", "paid_in_capital": "500萬", "employees": "3人",
         "registered_trader": "是", "export_experience": "去年有出口到日本",
         "english_materials": "有", "certifications_held": "是", "fee_arrears": "沒有",
         "subsidised_same_show": "否"},
    EN: {"ubn": "04595257", "paid_in_capital": "NT$5 million", "employees": "3",
         "registered_trader": "yes", "export_experience": "yes, to Japan",
         "english_materials": "yes", "certifications_held": "yes", "fee_arrears": "no",
         "subsidised_same_show": "no"},
}


@lru_cache(maxsize=2)
def _catalogue(root: Path):
    return load_events(root)


@lru_cache(maxsize=2)
def _kb(root: Path):
    return load_knowledge(root)


def event(services, event_id: str):
    return _catalogue(services.knowledge).get(event_id)


def question(services, event_id: str, slot_name: str, lang: str = ZH) -> str:
    """What the form says when it asks for `slot_name` about the event."""
    ev = event(services, event_id)
    values = {}
    if slot_name == "certifications_held":
        kb = _kb(services.knowledge)
        certs = next(r.params["certifications"] for r in ev.rules if r.type == "certifications")
        values["certs"] = ("、" if lang != EN else ", ").join(
            kb.certifications[c].name(lang) if c in kb.certifications else c for c in certs)
    return say("screening.event_prefix", lang, event=ev.short(lang)) + say(
        f"screening.ask.{slot_name}", lang, **values)


def headline(services, event_id: str, status: str, lang: str = ZH) -> str:
    return say(f"eligibility.headline.{status}", lang, event=event(services, event_id).title(lang))


def rule_line(status: str, label: str, lang: str = ZH) -> str:
    """The start of a rule's line in the explained result (the explanation follows)."""
    return say("eligibility.rule_line", lang, status=say(f"eligibility.status.{status}", lang),
               label=say(f"eligibility.label.{label}", lang), explanation="")


def check_button(services, replies, event_id: str, lang: str = ZH) -> dict:
    payload = f'/screen_eligibility{{"selected_event":"{event_id}"}}'
    button = next((b for b in buttons(replies) if b["payload"] == payload), None)
    assert button is not None, (payload, buttons(replies))
    short = event(services, event_id).short(lang)
    assert button["title"] == clip_label(say("button.check_event", lang, short=short))
    return button


def tracker_slots(services, sender) -> dict:
    request = urllib.request.Request(
        f"{services.rasa_url}/conversations/{sender}/tracker?token={services.token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["slots"]


def screen_to_the_end(services, sender, replies, event_id: str, lang: str = ZH):
    """Answers what the form asks (requested_slot) until the result; returns it and the turns."""
    answers = ANSWERS[lang]
    for turns in range(MAX_TURNS):
        slots = tracker_slots(services, sender)
        if slots["screening_outcome"] is not None and slots["requested_slot"] is None:
            return replies, turns
        requested = slots["requested_slot"]
        assert requested is not None, texts(replies)
        assert question(services, event_id, requested, lang) in texts(replies), \
            (requested, texts(replies))
        if requested == "sector":
            answer = buttons(replies)[0]["payload"]  # the event's first sector
        else:
            answer = answers[requested]
        replies = services.chat(sender, answer)
    raise AssertionError(f"no result after {MAX_TURNS} turns: {texts(replies)}")


EVENTS = [e.id for e in load_events(REAL_KNOWLEDGE).events]


@pytest.mark.parametrize("event_id", EVENTS)
def test_every_seeded_event_can_be_screened_in_under_ten_turns(services, sender, event_id):
    replies = services.chat(sender, "有什麼展可以參加")
    assert say("events.list_intro", ZH) in texts(replies)
    assert say("events.list_outro", ZH) in texts(replies)
    replies = services.chat(sender, f'/screen_eligibility{{"selected_event":"{event_id}"}}')
    replies, turns = screen_to_the_end(services, sender, replies, event_id)
    assert turns + 2 <= MAX_TURNS
    assert headline(services, event_id, "eligible") in texts(replies), texts(replies)
    outcome = tracker_slots(services, sender)["screening_outcome"]
    assert outcome["event"] == event_id and outcome["outcome"] == "eligible"


def test_japan_question_to_explained_result_in_chinese(services, sender):
    replies = services.chat(sender, "最近有日本的展覽可以參加嗎？")
    text = texts(replies)
    assert say("events.list_intro", ZH) in text
    foodex = event(services, "foodex-japan-2027")
    assert foodex.title(ZH) in text and say("events.estimate_note", ZH).strip() in text
    assert all(len(b["title"]) <= 20 for b in buttons(replies))
    replies = services.chat(sender, check_button(services, replies, "foodex-japan-2027")["payload"])
    assert question(services, "foodex-japan-2027", "sector") in texts(replies)
    # sector, capital, registered trader, export experience, certification, fee arrears
    for message in ("食品", "五千萬", "是", "去年有出口到日本", "有", "沒有"):
        replies = services.chat(sender, message)
    assert tracker_slots(services, sender)["requested_slot"] == "subsidised_same_show", \
        texts(replies)
    assert question(services, "foodex-japan-2027", "subsidised_same_show") in texts(replies)
    replies = services.chat(sender, "是")  # already subsidised for this show this year
    text = texts(replies)
    assert headline(services, "foodex-japan-2027", "not_eligible") in text
    assert rule_line("not_met", "not_subsidised_same_show") + say(
        "eligibility.not_subsidised_same_show.not_met", ZH) in text
    assert say("eligibility.remedy_line", ZH,
               remedy=say("eligibility.not_subsidised_same_show.remedy", ZH)) in text
    assert rule_line("met", "sme") in text and "NT$50,000,000" in text
    outcome = tracker_slots(services, sender)["screening_outcome"]
    assert outcome["outcome"] == "not_eligible"
    assert outcome["rules"]["not_subsidised_same_show"] == "not_met"
    assert outcome["rules"]["sme"] == "met"
    assert tracker_slots(services, sender)["paid_in_capital"] == 50_000_000


def test_english_screening_with_a_review_outcome(services, sender):
    replies = services.chat(sender, "Any trade shows in Europe?")
    assert say("events.list_intro", EN) in texts(replies)
    replies = services.chat(sender, check_button(services, replies, "hannover-messe-2027",
                                                 EN)["payload"])
    assert question(services, "hannover-messe-2027", "sector", EN) in texts(replies)
    replies = services.chat(sender, "machinery")
    assert tracker_slots(services, sender)["sector"] == "machinery", texts(replies)
    assert question(services, "hannover-messe-2027", "paid_in_capital", EN) in texts(replies)
    replies = services.chat(sender, "about NT$300 million")
    # capital alone does not decide: head count asked
    assert question(services, "hannover-messe-2027", "employees", EN) in texts(replies)
    for message in ("35 people", "yes", "not sure", "yes", "yes"):
        replies = services.chat(sender, message)
    text = texts(replies)
    assert headline(services, "hannover-messe-2027", "needs_review", EN) in text
    assert say("eligibility.status.unknown", EN) in text and say("eligibility.status.met", EN) in text
    assert say("screening.review_note", EN) in text
    assert tracker_slots(services, sender)["screening_outcome"]["outcome"] == "needs_review"


def test_odd_answers_are_asked_again_politely(services, sender):
    event_id = "tokyo-gift-show-spring-2027"
    services.chat(sender, f'/screen_eligibility{{"selected_event":"{event_id}"}}')
    replies = services.chat(sender, "家具")
    assert tracker_slots(services, sender)["requested_slot"] == "ubn"
    assert question(services, event_id, "ubn") in texts(replies)
    replies = services.chat(sender, "00501502")
    assert say("screening.reask.checksum", ZH) in texts(replies)
    assert question(services, event_id, "ubn") in texts(replies)
    replies = services.chat(sender, "62140097")  # valid only under the 2023 rule
    assert tracker_slots(services, sender)["ubn"] == "62140097"
    assert question(services, event_id, "paid_in_capital") in texts(replies)
    replies = services.chat(sender, "很多錢")
    assert say("screening.reask.money", ZH) in texts(replies)
    assert question(services, event_id, "paid_in_capital") in texts(replies)
    replies = services.chat(sender, "NT$30,000,000")
    assert tracker_slots(services, sender)["paid_in_capital"] == 30_000_000
    assert question(services, event_id, "fee_arrears") in texts(replies)


def test_stop_and_screen_another_event_without_repeating_answers(services, sender):
    services.chat(sender, '/screen_eligibility{"selected_event":"foodex-japan-2027"}')
    services.chat(sender, "食品")
    replies = services.chat(sender, "500萬")
    assert question(services, "foodex-japan-2027", "registered_trader") in texts(replies)
    replies = services.chat(sender, "停止檢核")
    assert say("screening.stopped", ZH) in texts(replies)
    assert tracker_slots(services, sender)["requested_slot"] is None
    replies = services.chat(sender, '/screen_eligibility{"selected_event":"thaifex-anuga-asia-2027"}')
    # sector and capital kept: the next question is the registered trader's
    assert question(services, "thaifex-anuga-asia-2027", "registered_trader") in texts(replies)
    slots = tracker_slots(services, sender)
    assert slots["sector"] == "food" and slots["paid_in_capital"] == 5_000_000
    assert slots["requested_slot"] == "registered_trader"


def test_question_about_us_matchmaking_goes_straight_to_screening(services, sender):
    replies = services.chat(sender, "我們可以參加美國的商機洽談會嗎？")
    assert tracker_slots(services, sender)["selected_event"] == "us-online-matchmaking-2027"
    assert say("screening.event_prefix", ZH,
               event=event(services, "us-online-matchmaking-2027").short(ZH)) in texts(replies)


def test_facts_told_earlier_are_not_asked(services, sender):
    services.chat(sender, "我們是做鳳梨酥的，想賣到日本需要什麼認證？")
    services.chat(sender, "我們資本額800萬，員工12人")
    replies = services.chat(sender, '/screen_eligibility{"selected_event":"foodex-japan-2027"}')
    assert question(services, "foodex-japan-2027", "registered_trader") in texts(replies)
    slots = tracker_slots(services, sender)
    assert slots["requested_slot"] == "registered_trader"
    assert slots["sector"] == "food" and slots["paid_in_capital"] == 8_000_000


def test_question_typed_into_the_screening_is_answered_and_the_form_resumes(services, sender):
    event_id = "foodex-japan-2027"
    services.chat(sender, f'/screen_eligibility{{"selected_event":"{event_id}"}}')
    replies = services.chat(sender, "日本的食品標示要寫什麼？")
    assert card(replies) is not None and card(replies)["entry_id"] == "jp-labelling-food", \
        texts(replies)
    assert question(services, event_id, "sector") in texts(replies)
    slots = tracker_slots(services, sender)
    assert slots["requested_slot"] == "sector" and slots["sector"] is None


def test_no_matching_event_names_what_was_asked(services, sender):
    replies = services.chat(sender, "墨西哥有醫療器材的展覽嗎？")
    kb = _kb(services.knowledge)
    wanted = "、".join([kb.place_name("mx", ZH), kb.products["medical_devices"].name(ZH)])
    assert say("events.list_none", ZH, wanted=wanted) in texts(replies)
    assert say("events.list_outro", ZH) in texts(replies)
