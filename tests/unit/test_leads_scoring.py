"""Scores are the sum of the configured points, each explained in zh-TW and en; desks route."""

from datetime import date

from market_entry.knowledge import load_knowledge
from market_entry.knowledge.model import Market
from market_entry.leads.config import load_scoring
from market_entry.leads.routing import desk_for
from market_entry.leads.scoring import (
    LeadFacts,
    facts_from_answers,
    product_market_fit,
    score_lead,
)
from tests.conftest import REAL_KNOWLEDGE

CONFIG = load_scoring(REAL_KNOWLEDGE)


def points(factor, value):
    return CONFIG.factors[factor].points[value]


def test_score_is_the_sum_of_explained_items():
    facts = LeadFacts(screening_outcome="eligible", export_experience=True,
                      english_materials=False, timeline="within_3_months",
                      product_market_fit=True, asked_for_person=False)
    score = score_lead(facts, CONFIG)
    assert [(i.factor, i.value) for i in score.items] == [
        ("screening", "eligible"), ("export_experience", "has_exported"),
        ("english_materials", "not_ready"), ("timeline", "within_3_months"),
        ("product_market_fit", "covered"), ("asked_for_person", "not_asked"),
    ]
    expected = (points("screening", "eligible") + points("export_experience", "has_exported")
                + points("english_materials", "not_ready")
                + points("timeline", "within_3_months")
                + points("product_market_fit", "covered")
                + points("asked_for_person", "not_asked"))
    assert score.total == expected == sum(i.points for i in score.items)
    assert score.offer == (expected >= CONFIG.threshold)
    zh = score.explain("zh-TW")
    assert zh.splitlines()[0] == f"評分 {expected} 分："
    assert f"- 出口經驗：已有出口經驗 +{points('export_experience', 'has_exported')}" in zh
    assert f"- 預計進入市場時程：3 個月內 +{points('timeline', 'within_3_months')}" in zh
    en = score.explain("en")
    assert en.splitlines()[0] == f"Score {expected}:"
    assert f"- Event eligibility screening: eligible +{points('screening', 'eligible')}" in en


def test_nothing_known_scores_low_and_no_offer():
    score = score_lead(LeadFacts(), CONFIG)
    assert [i.value for i in score.items] == [
        "none", "unknown", "unknown", "unknown", "not_covered", "not_asked"]
    assert score.total < CONFIG.threshold and not score.offer


def test_asking_for_a_person_always_offers():
    score = score_lead(LeadFacts(asked_for_person=True, screening_outcome="not_eligible"), CONFIG)
    assert score.offer
    assert "主動要求專人協助：是" in score.explain("zh-TW")


def test_unknown_and_odd_values_fall_back():
    facts = facts_from_answers({"event": "x", "outcome": "needs_review"}, "unknown", None,
                               "someday", None, ["appliances"], ["jp"], False)
    assert facts.screening_outcome == "needs_review"
    values = {i.factor: i.value for i in score_lead(facts, CONFIG).items}
    assert values["export_experience"] == "unknown"
    assert values["timeline"] == "unknown"
    assert values["product_market_fit"] == "not_covered"


def test_negative_points_show_a_minus(tmp_path):
    factor = CONFIG.factors["screening"]
    changed = type(factor)(factor.id, factor.label, {**factor.points, "not_eligible": -10})
    config = type(CONFIG)(CONFIG.version, CONFIG.threshold, {**CONFIG.factors, "screening": changed},
                          CONFIG.default_desk, CONFIG.service_days)
    score = score_lead(LeadFacts(screening_outcome="not_eligible"), config)
    assert "活動資格初審：目前不符資格 -10" in score.explain("zh-TW")


def test_product_market_fit_uses_published_entries(small_knowledge):
    kb = load_knowledge(small_knowledge, today=date(2026, 11, 27))
    assert product_market_fit(kb, ["appliances"], ["jp"])
    assert not product_market_fit(kb, ["appliances"], ["vn"]) or any(
        e.market == "vn" and "appliances" in e.products for e in kb.entries)
    assert not product_market_fit(kb, [], ["jp"])
    assert not product_market_fit(kb, ["appliances"], [])


PACKS = {
    "jp": Market(id="jp", names={}, aliases={}, desk="jp"),
    "us": Market(id="us", names={}, aliases={}, desk="us"),
    "vn": Market(id="vn", names={}, aliases={}, desk="emerging"),
    "tw": Market(id="tw", names={}, aliases={}, serves_all_markets=True),
}


def test_routing_first_market_with_a_pack():
    assert desk_for(["jp"], PACKS, "emerging") == "jp"
    assert desk_for(["us", "jp"], PACKS, "emerging") == "us"
    assert desk_for(["br", "jp"], PACKS, "emerging") == "jp"
    assert desk_for(["tw", "vn"], PACKS, "emerging") == "emerging"
    assert desk_for([], PACKS, "eu") == "eu"
    assert desk_for(["br"], PACKS, "eu") == "eu"


def test_routing_with_the_real_packs():
    kb = load_knowledge(REAL_KNOWLEDGE)
    assert desk_for(["eu", "jp"], kb.markets, CONFIG.default_desk) == "eu"
    assert desk_for(["th"], kb.markets, CONFIG.default_desk) == "emerging"
    for market in kb.destinations().values():
        assert market.desk in CONFIG.service_days
