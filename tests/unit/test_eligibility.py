"""The rules engine: what each rule needs, how it evaluates, and the explained outcome."""

from __future__ import annotations

import pytest

from market_entry.answer_parsing import UNKNOWN as DONT_KNOW
from market_entry.eligibility import (
    ELIGIBLE,
    MET,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    NOT_MET,
    RULE_TYPES,
    UNKNOWN,
    RuleSpec,
    evaluate,
    explain,
    missing_facts,
)
from market_entry.eligibility.answers import harvest_facts, read_answer

SME = (RuleSpec("sme"),)


def status(rule: RuleSpec, facts: dict, sectors=("food",)) -> str:
    return evaluate("e", (rule,), facts, sectors).results[0].status


@pytest.mark.parametrize("capital, employees, expected", [
    (5_000_000, None, MET),
    (100_000_000, None, MET),             # "≤ NT$100M": the boundary is an SME
    (100_000_001, 199, MET),              # either threshold suffices
    (100_000_001, 200, NOT_MET),          # "fewer than 200": 200 is not
    (500_000_000, 1000, NOT_MET),
    (500_000_000, None, UNKNOWN),
    (DONT_KNOW, None, UNKNOWN),
    (DONT_KNOW, 35, MET),
    (None, None, UNKNOWN),
])
def test_sme_definition(capital, employees, expected):
    assert status(RuleSpec("sme"), {"paid_in_capital": capital, "employees": employees}) == expected


def test_sme_asks_for_head_count_only_when_capital_does_not_decide():
    assert missing_facts(SME, {}) == ["paid_in_capital"]
    assert missing_facts(SME, {"paid_in_capital": 5_000_000}) == []
    assert missing_facts(SME, {"paid_in_capital": 300_000_000}) == ["employees"]
    assert missing_facts(SME, {"paid_in_capital": DONT_KNOW}) == ["employees"]
    assert missing_facts(SME, {"paid_in_capital": 300_000_000, "employees": 50}) == []


@pytest.mark.parametrize("employees, expected", [(4, MET), (5, NOT_MET), (DONT_KNOW, UNKNOWN)])
def test_small_scale(employees, expected):
    rule = RuleSpec("sme", {"small_scale": True})
    assert missing_facts((rule,), {"paid_in_capital": 1}) == ["employees"]
    assert status(rule, {"employees": employees}) == expected


@pytest.mark.parametrize("rule, fact, good, bad", [
    ("registered_trader", "registered_trader", True, False),
    ("export_experience", "export_experience", True, False),
    ("english_materials", "english_materials", True, False),
    ("no_fee_arrears", "fee_arrears", False, True),
    ("not_subsidised_same_show", "subsidised_same_show", False, True),
])
def test_yes_no_rules(rule, fact, good, bad):
    spec = RuleSpec(rule)
    assert missing_facts((spec,), {}) == [fact]
    assert status(spec, {fact: good}) == MET
    assert status(spec, {fact: bad}) == NOT_MET
    assert status(spec, {fact: DONT_KNOW}) == UNKNOWN
    result = evaluate("e", (spec,), {fact: bad}).results[0]
    assert result.remedy["zh-TW"] and result.remedy["en"]


def test_registered_company_uses_the_checksum():
    spec = RuleSpec("registered_company")
    assert status(spec, {"ubn": "04595257"}) == MET
    assert status(spec, {"ubn": "62140097"}) == MET
    assert status(spec, {"ubn": False}) == NOT_MET
    assert status(spec, {"ubn": DONT_KNOW}) == UNKNOWN
    assert status(spec, {"ubn": "00501502"}) == UNKNOWN


def test_sector_defaults_to_the_event_sectors():
    spec = RuleSpec("sector_in")
    assert status(spec, {"sector": "food"}, ("food", "supplements")) == MET
    assert status(spec, {"sector": "machinery"}, ("food",)) == NOT_MET
    assert status(spec, {"sector": "other"}, ("food",)) == NOT_MET
    assert status(RuleSpec("sector_in", {"sectors": ("machinery",)}), {"sector": "machinery"},
                  ("food",)) == MET


def test_certifications():
    spec = RuleSpec("certifications", {"certifications": ("pse", "giteki")})
    assert missing_facts((spec,), {}) == ["certifications_held"]
    assert missing_facts((spec,), {"certifications_held": {"pse": True}}) == ["certifications_held"]
    assert missing_facts((spec,), {"certifications_held": {"pse": True, "giteki": False}}) == []
    assert status(spec, {"certifications_held": {"pse": True, "giteki": True}}) == MET
    assert status(spec, {"certifications_held": {"pse": True, "giteki": False}}) == NOT_MET
    assert status(spec, {"certifications_held": {"pse": True, "giteki": DONT_KNOW}}) == UNKNOWN


def test_missing_facts_follow_the_asking_order_and_skip_known_ones():
    rules = (RuleSpec("not_subsidised_same_show"), RuleSpec("sme"), RuleSpec("sector_in"),
             RuleSpec("registered_trader"))
    assert missing_facts(rules, {}) == ["sector", "paid_in_capital", "registered_trader",
                                        "subsidised_same_show"]
    assert missing_facts(rules, {"sector": "food", "paid_in_capital": 1_000_000}) == [
        "registered_trader", "subsidised_same_show"]


def test_outcome_combines_rules():
    rules = (RuleSpec("sme"), RuleSpec("registered_trader"))
    assert evaluate("e", rules, {"paid_in_capital": 1, "registered_trader": True}).status == ELIGIBLE
    assert evaluate("e", rules, {"paid_in_capital": 1, "registered_trader": False}).status == \
        NOT_ELIGIBLE
    assert evaluate("e", rules, {"paid_in_capital": 1, "registered_trader": DONT_KNOW}).status == \
        NEEDS_REVIEW
    # Not met wins over unknown.
    assert evaluate("e", rules, {"paid_in_capital": DONT_KNOW, "employees": DONT_KNOW,
                                 "registered_trader": False}).status == NOT_ELIGIBLE


def test_explanation_lists_every_rule_with_status_and_remedy():
    rules = (RuleSpec("sme"), RuleSpec("registered_trader"), RuleSpec("english_materials"))
    outcome = evaluate("foodex", rules, {"paid_in_capital": 5_000_000, "registered_trader": False,
                                         "english_materials": DONT_KNOW})
    zh = explain(outcome, "FOODEX JAPAN", "zh-TW")
    assert zh.startswith("結果：您目前不符合「FOODEX JAPAN」的報名資格。")
    assert "✅ 符合｜中小企業資格" in zh and "NT$5,000,000" in zh
    assert "❌ 不符合｜出進口廠商登記" in zh and "國際貿易署" in zh
    assert "❔ 待確認｜英文型錄或網站" in zh
    assert zh.count("→ 建議") == 2
    en = explain(outcome, "FOODEX JAPAN", "en")
    assert en.startswith("Result: you are not eligible for FOODEX JAPAN")
    assert "What you can do" in en
    assert outcome.as_slot() == {"event": "foodex", "outcome": NOT_ELIGIBLE, "rules": {
        "sme": MET, "registered_trader": NOT_MET, "english_materials": UNKNOWN}}


def test_every_rule_type_explains_itself_in_both_languages():
    for name, rule_type in RULE_TYPES.items():
        params = {"certifications": ("ce",)} if name == "certifications" else {}
        for facts in ({}, {f: DONT_KNOW for f in rule_type.facts}):
            result = evaluate("e", (RuleSpec(name, params),), facts, ("food",)).results[0]
            assert result.explanation["zh-TW"] and result.explanation["en"]
            assert result.status == UNKNOWN


# -- reading answers ----------------------------------------------------------------------------

PRODUCTS = {"food": ("食品", "鳳梨酥", "food"), "machinery": ("機械", "工具機", "machinery")}
CERTS = {"pse": ("PSE",), "giteki": ("技適", "Giteki")}


@pytest.mark.parametrize("fact, text, value", [
    ("ubn", "04595257", "04595257"),
    ("ubn", "統編 6214 0097", "62140097"),
    ("ubn", "沒有", False),
    ("ubn", "不確定", DONT_KNOW),
    ("paid_in_capital", "五千萬", 50_000_000),
    ("paid_in_capital", "不知道", DONT_KNOW),
    ("employees", "三十幾個人", 39),
    ("sector", "我們做鳳梨酥", "food"),
    ("sector", "machinery", "food" if False else "machinery"),
    ("sector", "其他", "other"),
    ("export_experience", "去年有出口到日本", True),
    ("export_experience", "還沒", False),
    ("registered_trader", "Yes", True),
    ("fee_arrears", "沒有", False),
])
def test_read_answer(fact, text, value):
    assert read_answer(fact, text, products=PRODUCTS) == (value, None)


@pytest.mark.parametrize("fact, text, problem", [
    ("ubn", "00501502", "checksum"),
    ("ubn", "1234", "ubn_format"),
    ("paid_in_capital", "很多", "money"),
    ("paid_in_capital", "500", "money"),
    ("employees", "很多人", "headcount"),
    ("sector", "火箭", "sector"),
    ("registered_trader", "嗯？", "yes_no"),
])
def test_read_answer_asks_again(fact, text, problem):
    assert read_answer(fact, text, products=PRODUCTS) == (None, problem)


def test_certification_answers():
    required = ("pse", "giteki")
    kw = {"certifications": CERTS, "required_certifications": required}
    assert read_answer("certifications_held", "有", **kw) == ({"pse": True, "giteki": True}, None)
    assert read_answer("certifications_held", "都沒有", **kw) == ({"pse": False, "giteki": False},
                                                                 None)
    assert read_answer("certifications_held", "只有PSE", **kw) == ({"pse": True, "giteki": False},
                                                                  None)
    assert read_answer("certifications_held", "不確定", **kw)[0] == {"pse": DONT_KNOW,
                                                                   "giteki": DONT_KNOW}


def test_harvest_only_takes_labelled_facts():
    assert harvest_facts("我們資本額500萬，員工30人，去年有出口到日本") == {
        "paid_in_capital": 5_000_000, "employees": 30, "export_experience": True}
    assert harvest_facts("最近有日本的展覽可以參加嗎？") == {}
    assert harvest_facts("3月有什麼展") == {}
    assert harvest_facts("我們還沒出口過") == {"export_experience": False}
    assert harvest_facts("統編 04595257") == {"ubn": "04595257"}
    assert harvest_facts("統編 00501502") == {}
    assert harvest_facts("/screen_eligibility{\"selected_event\":\"x\"}") == {}
