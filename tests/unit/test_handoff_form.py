"""The hand-off form as plain dialogue logic (market_entry.leads.form)."""

from __future__ import annotations

import pytest

from market_entry.leads import form
from market_entry.phrases import say

FILLED = {
    "company": "大同精密有限公司", "ubn": "04595257", "contact_name": "王小明",
    "job_title": "業務經理", "phone": "0912-345-678", "email": "ming@example.com",
    "lead_products": ["appliances"], "lead_markets": ["jp"], "export_experience": True,
    "size_band": "small", "help_wanted": "想了解日本通路", "timeline": "within_3_months",
}
MARKETS = form.AnswerContext(market_aliases={"日本": "jp", "越南": "vn", "Japan": "jp"})


@pytest.mark.parametrize("name,text,value", [
    ("phone", "0912 345 678", "0912-345-678"),
    ("phone", "(02)2345-6789 分機 12", "02-2345-6789 #12"),
    ("ubn", "統編 04595257", "04595257"),
    ("ubn", "還沒有", False),
    ("email", "無", ""),
    ("timeline", "3個月內", "within_3_months"),
    ("timeline", say("handoff.timeline.later", "en"), "later"),
    ("size_band", "30人", "small"),
    ("size_band", "4人", "micro"),
    ("size_band", "資本額8000萬", "medium"),
    ("size_band", say("handoff.size.micro", "zh-TW"), "micro"),
    ("export_experience", "有", True),
    ("lead_markets", "日本和越南", ["jp", "vn"]),
])
def test_read_field(name, text, value):
    assert form.read_field(name, text, MARKETS) == (value, None)


@pytest.mark.parametrize("name,text,problem", [
    ("phone", "12345", "phone"), ("ubn", "12345678", "ubn"), ("email", "not-an-email", "email"),
    ("company", "x", "company"), ("timeline", "看情況", "timeline"), ("export_experience", "嗯", "yes_no"),
])
def test_unusable_answers_name_the_problem(name, text, problem):
    assert form.read_field(name, text) == (None, problem)


def test_size_bands_follow_the_legal_lines():
    assert [form.band_from_headcount(n) for n in (0, 4, 5, 49, 50, 199, 200)] == \
        ["micro", "micro", "small", "small", "medium", "medium", "large"]


def test_confirmation_and_corrections():
    assert form.answer(form.CONFIRMED, say("handoff.button_confirm", "en")).updates == \
        {form.CONFIRMED: True}
    assert form.read_correction("電話改成 0987-654-321") == ("phone", "0987-654-321")
    assert form.answer(form.CONFIRMED, "email should be a@b.tw").updates == {"email": "a@b.tw"}
    assert form.answer(form.CONFIRMED, "電話改成 123").reask == "handoff.reask.phone"
    assert form.answer(form.CONFIRMED, "嗯").reask == "handoff.reask.confirm"


def test_next_slot_and_prefill():
    assert form.next_slot({}) == "company"
    assert form.next_slot(FILLED) == form.CONFIRMED
    assert form.next_slot({**FILLED, form.CONFIRMED: True}) is None
    assert form.prefilled({"market": "jp", "product": "food", "employees": 3}) == {
        "lead_markets": ["jp"], "lead_products": ["food"], "size_band": "micro"}


def test_summary_shows_words_not_codes():
    names = {("product", "appliances", "zh-TW"): "家電", ("market", "jp", "zh-TW"): "日本"}
    lines = form.summary_lines(FILLED, "zh-TW", lambda k, i, lang: names.get((k, i, lang), i))
    text = "\n".join(lines)
    assert "家電" in text and "日本" in text and say("handoff.timeline.within_3_months", "zh-TW") in text
    assert "within_3_months" not in text and "appliances" not in text and len(lines) == 12
