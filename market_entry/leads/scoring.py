"""The hand-off score: points per factor from knowledge/handoff/scoring.yml, each explained.

The desk sees the total and one line per factor ("出口經驗：已有出口經驗 +15"), so nobody has to
trust a number they cannot read. The assistant offers a hand-off at or above the threshold, and
always when the owner asked for a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from market_entry.answer_parsing import UNKNOWN
from market_entry.knowledge.model import KnowledgeBase, pick
from market_entry.leads.config import ScoringConfig
from market_entry.leads.model import TIMELINES, ScoreItem

VALUE_NAMES: dict[str, dict[str, dict[str, str]]] = {
    "screening": {
        "eligible": {"zh-TW": "符合資格", "en": "eligible"},
        "needs_review": {"zh-TW": "需窗口確認", "en": "needs an officer's review"},
        "not_eligible": {"zh-TW": "目前不符資格", "en": "not eligible at the moment"},
        "none": {"zh-TW": "未做初審", "en": "not screened"},
    },
    "export_experience": {
        "has_exported": {"zh-TW": "已有出口經驗", "en": "has exported before"},
        "not_yet": {"zh-TW": "尚無出口經驗", "en": "has not exported yet"},
        "unknown": {"zh-TW": "未提供", "en": "not given"},
    },
    "english_materials": {
        "ready": {"zh-TW": "已備妥", "en": "ready"},
        "not_ready": {"zh-TW": "尚未備妥", "en": "not ready"},
        "unknown": {"zh-TW": "未提供", "en": "not given"},
    },
    "timeline": {
        "within_3_months": {"zh-TW": "3 個月內", "en": "within 3 months"},
        "3_to_12_months": {"zh-TW": "3 到 12 個月", "en": "in 3 to 12 months"},
        "later": {"zh-TW": "12 個月以後", "en": "later than 12 months"},
        "unknown": {"zh-TW": "未定", "en": "not decided"},
    },
    "product_market_fit": {
        "covered": {"zh-TW": "知識庫已有此產品在目標市場的資料",
                    "en": "the packs have entries for the product in the target market"},
        "not_covered": {"zh-TW": "知識庫尚無此產品在目標市場的資料",
                        "en": "the packs have no entries for the product in the target market"},
    },
    "asked_for_person": {
        "asked": {"zh-TW": "是", "en": "yes"},
        "not_asked": {"zh-TW": "否", "en": "no"},
    },
}


@dataclass(frozen=True)
class LeadFacts:
    """What the conversation established, in the code's own terms."""

    screening_outcome: str | None = None        # eligible / needs_review / not_eligible / None
    export_experience: bool | str | None = None  # True / False / "unknown" / None
    english_materials: bool | str | None = None
    timeline: str = "unknown"
    product_market_fit: bool = False
    asked_for_person: bool = False


@dataclass(frozen=True)
class Score:
    total: int
    items: tuple[ScoreItem, ...]
    offer: bool

    def explain(self, lang: str) -> str:
        return explain(self.items, self.total, lang)


def _yes_no(value: bool | str | None, yes: str, no: str) -> str:
    if value is True:
        return yes
    if value is False:
        return no
    return "unknown"


def factor_values(facts: LeadFacts) -> dict[str, str]:
    screening = facts.screening_outcome or "none"
    if screening not in VALUE_NAMES["screening"]:
        screening = "none"
    timeline = facts.timeline if facts.timeline in TIMELINES else "unknown"
    return {
        "screening": screening,
        "export_experience": _yes_no(facts.export_experience, "has_exported", "not_yet"),
        "english_materials": _yes_no(facts.english_materials, "ready", "not_ready"),
        "timeline": timeline,
        "product_market_fit": "covered" if facts.product_market_fit else "not_covered",
        "asked_for_person": "asked" if facts.asked_for_person else "not_asked",
    }


def _signed(points: int) -> str:
    return f"+{points}" if points >= 0 else str(points)


def score_lead(facts: LeadFacts, config: ScoringConfig) -> Score:
    items = []
    for factor_id, value in factor_values(facts).items():
        factor = config.factors[factor_id]
        points = factor.points[value]
        text = {
            lang: f"{pick(factor.label, lang)}{'：' if lang == 'zh-TW' else ': '}"
                  f"{VALUE_NAMES[factor_id][value][lang]} {_signed(points)}"
            for lang in ("zh-TW", "en")
        }
        items.append(ScoreItem(factor_id, value, points, text))
    total = sum(item.points for item in items)
    return Score(total, tuple(items), total >= config.threshold or facts.asked_for_person)


def explain(items: Iterable[ScoreItem], total: int, lang: str) -> str:
    head = f"評分 {total} 分：" if lang == "zh-TW" else f"Score {total}:"
    return "\n".join([head, *(f"- {pick(item.text, lang)}" for item in items)])


def product_market_fit(kb: KnowledgeBase, products: Iterable[str], markets: Iterable[str]) -> bool:
    """Whether a target market's own pack has a published entry for one of the products."""
    wanted = set(products)
    targets = set(markets)
    if not wanted or not targets:
        return False
    return any(e.published and e.market in targets and wanted.intersection(e.products)
               for e in kb.entries)


def facts_from_answers(screening: dict | None, export_experience, english_materials,
                       timeline: str | None, kb: KnowledgeBase | None, products, markets,
                       asked_for_person: bool) -> LeadFacts:
    """LeadFacts from the slot values the dialogue keeps (screening is Outcome.as_slot())."""
    outcome = (screening or {}).get("outcome")
    def tri(value):
        return value if value in (True, False) else (UNKNOWN if value == UNKNOWN else None)
    return LeadFacts(
        screening_outcome=outcome,
        export_experience=tri(export_experience),
        english_materials=tri(english_materials),
        timeline=timeline or "unknown",
        product_market_fit=bool(kb and product_market_fit(kb, products, markets)),
        asked_for_person=asked_for_person,
    )
