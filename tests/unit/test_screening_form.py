"""The screening form as plain dialogue logic (market_entry.eligibility.form)."""

from __future__ import annotations

from datetime import date

from market_entry.eligibility import form
from market_entry.events import load_events
from market_entry.form_interruptions import is_interruption
from tests.conftest import REAL_KNOWLEDGE

CATALOGUE = load_events(REAL_KNOWLEDGE)
TODAY = date(2026, 11, 27)


def test_required_slots_start_with_the_event_and_keep_the_asked_fact():
    assert form.required_slots({}, CATALOGUE) == ["selected_event"]
    slots = {"selected_event": "hannover-messe-2027", "sector": "machinery"}
    needed = form.required_slots(slots, CATALOGUE)
    assert needed[0] == "selected_event" and "paid_in_capital" in needed
    typed = {**slots, "paid_in_capital": "五千萬"}          # typed, not read yet
    assert "paid_in_capital" in form.required_slots(typed, CATALOGUE, "paid_in_capital")


def test_choose_event_by_button_name_or_single_fit():
    assert form.choose_event(CATALOGUE, TODAY, button="foodex-japan-2027", requested=None,
                             message="", listed=None, market=None, product=None,
                             current=None).id == "foodex-japan-2027"
    chosen = form.choose_event(CATALOGUE, TODAY, button=None, requested=None,
                               message="我們可以參加美國的商機洽談會嗎？", listed=None, market="us",
                               product=None, current=None)
    assert chosen is not None and chosen.id == "us-online-matchmaking-2027"


def test_a_new_event_resets_the_show_specific_answer():
    event = CATALOGUE.get("thaifex-anuga-asia-2027")
    updates = form.event_updates(event, {"subsidy_event": "foodex-japan-2027",
                                         "subsidised_same_show": True, "product": "food"})
    assert updates == {"selected_event": event.id, "subsidy_event": event.id,
                       "subsidised_same_show": None, "sector": "food"}


def test_volunteered_facts_are_kept_only_when_unknown():
    found = form.volunteered(["我們資本額500萬，員工30人"], {"employees": 12}, form.Vocabulary())
    assert found == {"paid_in_capital": 5_000_000}


def test_read_fact_returns_a_reask_key():
    assert form.read_fact("ubn", "00501502", None, {}, form.Vocabulary()) == \
        (None, "screening.reask.checksum")
    assert form.read_fact("employees", 35, None, {}, form.Vocabulary()) == (35, None)


def test_interruptions():
    assert is_interruption("ask_market_question", 0.9, "對了，日本的食品標示要寫什麼？")
    assert is_interruption("stop", 0.95, "不要了")
    assert not is_interruption("inform", 0.9, "五千萬")
    assert not is_interruption("ask_market_question", 0.9, "有")   # too short to be a question
    assert not is_interruption("affirm", 0.9, "有出口到日本")
