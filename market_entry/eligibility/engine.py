"""The rules engine: rule types, evaluation and the explained outcome (zh-TW / en).

Facts are plain values keyed by name; a missing fact is None, an answer of "don't know" is
UNKNOWN. SME thresholds follow 中小企業認定標準 (MOEA, 2020-06-24): art. 2 paid-in capital
≤ NT$100,000,000 or fewer than 200 regular employees; art. 3 small-scale: fewer than 5.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from market_entry.answer_parsing import UNKNOWN as UNKNOWN_ANSWER
from market_entry.ubn import is_valid_ubn

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ELIGIBLE, NOT_ELIGIBLE, NEEDS_REVIEW = "eligible", "not_eligible", "needs_review"

SME_CAPITAL_MAX = 100_000_000
SME_EMPLOYEES_BELOW = 200
SMALL_SCALE_EMPLOYEES_BELOW = 5

# Every fact the rules can ask for, in the order the form asks them.
FACTS = (
    "sector", "ubn", "paid_in_capital", "employees", "registered_trader", "export_experience",
    "english_materials", "certifications_held", "fee_arrears", "subsidised_same_show",
)


@dataclass(frozen=True)
class RuleSpec:
    """One rule of one event, as written in the catalogue."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: str
    explanation: dict[str, str]
    remedy: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    event_id: str
    status: str
    results: tuple[RuleResult, ...]

    def as_slot(self) -> dict[str, Any]:
        """What the conversation keeps for the hand-off (no free text, no personal data)."""
        return {"event": self.event_id, "outcome": self.status,
                "rules": {r.rule: r.status for r in self.results}}


class Names:
    """Display names for ids (products, certifications, markets); ids by default."""

    def __init__(self, lookup: Callable[[str, str, str], str] | None = None) -> None:
        self._lookup = lookup

    def __call__(self, kind: str, ident: str, lang: str) -> str:
        if self._lookup is None:
            return ident
        return self._lookup(kind, ident, lang) or ident


def _known(value: Any) -> bool:
    return value is not None and value != UNKNOWN_ANSWER


def _money(amount: float) -> str:
    return f"NT${int(amount):,}"


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh-TW": zh, "en": en}


# -- rule types ------------------------------------------------------------------------------

class RuleType:
    name = ""
    facts: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    label = _t("", "")

    def needed(self, spec: RuleSpec, facts: dict, sectors: tuple[str, ...]) -> list[str]:
        return [f for f in self.facts if facts.get(f) is None]

    def evaluate(self, spec: RuleSpec, facts: dict, sectors: tuple[str, ...],
                 names: Names) -> RuleResult:
        raise NotImplementedError

    def _result(self, status, explanation, remedy=None) -> RuleResult:
        return RuleResult(self.name, status, explanation, remedy or {})


class SmeRule(RuleType):
    name = "sme"
    facts = ("paid_in_capital", "employees")
    params = ("small_scale",)
    label = _t("中小企業資格", "SME status")

    def needed(self, spec, facts, sectors):
        capital, employees = facts.get("paid_in_capital"), facts.get("employees")
        if spec.params.get("small_scale"):
            return ["employees"] if employees is None else []
        if capital is None:
            return ["paid_in_capital"]
        if (not _known(capital) or capital > SME_CAPITAL_MAX) and employees is None:
            return ["employees"]
        return []

    def evaluate(self, spec, facts, sectors, names):
        capital, employees = facts.get("paid_in_capital"), facts.get("employees")
        small = bool(spec.params.get("small_scale"))
        law = _t("（中小企業認定標準第 2 條：實收資本額 1 億元以下，或經常僱用員工未滿 200 人）",
                 " (SME Recognition Standards art. 2: paid-in capital ≤ NT$100M or fewer than "
                 "200 regular employees)")
        remedy_sme = _t(
            "若公司曾因政府輔導而擴大規模，依第 6 條擴大後 2 年內（合併後 3 年內）仍可視為中小企業，"
            "請經貿專員協助確認。",
            "If the company outgrew the thresholds after government assistance, art. 6 still "
            "treats it as an SME for 2 years (3 after a merger); a trade officer can confirm.")
        if small:
            if not _known(employees):
                return self._result(UNKNOWN, _t(
                    "小規模企業（員工未滿 5 人）：員工人數未確認，需專員確認。",
                    "Small-scale enterprise (fewer than 5 employees): head count not confirmed; "
                    "an officer will check."), _t("請準備近 12 個月勞保投保人數資料。",
                                                  "Have your last 12 months' labour-insurance "
                                                  "head count ready."))
            if employees < SMALL_SCALE_EMPLOYEES_BELOW:
                return self._result(MET, _t(
                    f"小規模企業：員工 {employees} 人，未滿 5 人（中小企業認定標準第 3 條）。",
                    f"Small-scale enterprise: {employees} employees, fewer than 5 "
                    "(SME Recognition Standards art. 3)."))
            return self._result(NOT_MET, _t(
                f"本活動限小規模企業（員工未滿 5 人），您填寫 {employees} 人。",
                f"This event is for small-scale enterprises (fewer than 5 employees); you have "
                f"{employees}."), _t("可改參加不限規模的活動，下方列出其他適合的活動。",
                                     "Consider events open to all SMEs, listed below."))
        if _known(capital) and capital <= SME_CAPITAL_MAX:
            return self._result(MET, _t(
                f"中小企業：實收資本額 {_money(capital)}，未超過 1 億元" + law["zh-TW"] + "。",
                f"SME: paid-in capital {_money(capital)}, not above NT$100M" + law["en"] + "."))
        if _known(employees) and employees < SME_EMPLOYEES_BELOW:
            return self._result(MET, _t(
                f"中小企業：經常僱用員工 {employees} 人，未滿 200 人" + law["zh-TW"] + "。",
                f"SME: {employees} regular employees, fewer than 200" + law["en"] + "."))
        if _known(capital) and _known(employees):
            return self._result(NOT_MET, _t(
                f"實收資本額 {_money(capital)} 超過 1 億元，且員工 {employees} 人已達 200 人"
                + law["zh-TW"] + "。",
                f"Paid-in capital {_money(capital)} is above NT$100M and {employees} employees "
                "is 200 or more" + law["en"] + "."), remedy_sme)
        return self._result(UNKNOWN, _t(
            "資本額或員工人數尚未確認，無法判斷是否為中小企業" + law["zh-TW"] + "。",
            "Capital or head count not confirmed, so SME status is open" + law["en"] + "."),
            _t("請準備公司登記資料（實收資本額）或近 12 個月勞保投保人數，專員會協助確認。",
               "Have your registration (paid-in capital) or 12 months' labour-insurance head "
               "count ready; an officer will confirm."))


class _YesNoRule(RuleType):
    """A rule on one yes/no fact; `good` is the answer that meets it."""

    good = True
    met_text = _t("", "")
    not_met_text = _t("", "")
    unknown_text = _t("", "")
    remedy = _t("", "")

    def evaluate(self, spec, facts, sectors, names):
        value = facts.get(self.facts[0])
        if not _known(value):
            return self._result(UNKNOWN, self.unknown_text, self.remedy)
        if bool(value) == self.good:
            return self._result(MET, self.met_text)
        return self._result(NOT_MET, self.not_met_text, self.remedy)


class RegisteredTraderRule(_YesNoRule):
    name = "registered_trader"
    facts = ("registered_trader",)
    label = _t("出進口廠商登記", "Registered importer/exporter")
    met_text = _t("已向國際貿易署登記為出進口廠商。",
                  "Registered as an importer/exporter with the International Trade "
                  "Administration.")
    not_met_text = _t("尚未登記為出進口廠商（本活動要求）。",
                      "Not registered as an importer/exporter (required by this event).")
    unknown_text = _t("出進口廠商登記狀態未確認。", "Importer/exporter registration not confirmed.")
    remedy = _t("可向經濟部國際貿易署線上申請出進口廠商登記（https://fbfh.trade.gov.tw/），"
                "完成後即可報名。",
                "Register as an importer/exporter with the International Trade Administration "
                "online (https://fbfh.trade.gov.tw/), then register for the event.")


class ExportExperienceRule(_YesNoRule):
    name = "export_experience"
    facts = ("export_experience",)
    label = _t("出口實績", "Export experience")
    met_text = _t("有出口實績。", "Has export experience.")
    not_met_text = _t("尚無出口實績（本活動要求）。",
                      "No export experience yet (required by this event).")
    unknown_text = _t("出口實績未確認。", "Export experience not confirmed.")
    remedy = _t("可先參加線上商機媒合會或臺灣館等適合初次出口的活動，累積實績後再報名。",
                "Start with an online matchmaking session or a Taiwan pavilion suited to first-"
                "time exporters, then apply once you have exported.")


class EnglishMaterialsRule(_YesNoRule):
    name = "english_materials"
    facts = ("english_materials",)
    label = _t("英文型錄或網站", "English catalogue or website")
    met_text = _t("已有英文型錄或英文網站。", "Has an English catalogue or website.")
    not_met_text = _t("尚無英文型錄或英文網站（本活動要求）。",
                      "No English catalogue or website yet (required by this event).")
    unknown_text = _t("英文型錄或網站未確認。", "English catalogue or website not confirmed.")
    remedy = _t("請在報名截止前準備英文型錄或英文網頁；外貿協會等單位提供外文行銷資源與輔導。",
                "Prepare an English catalogue or web page before the registration deadline; "
                "TAITRA and others offer help with foreign-language marketing.")


class NoFeeArrearsRule(_YesNoRule):
    name = "no_fee_arrears"
    facts = ("fee_arrears",)
    good = False
    label = _t("無積欠推廣貿易服務費", "No trade-promotion fee arrears")
    met_text = _t("沒有積欠推廣貿易服務費。", "No arrears of the trade-promotion service fee.")
    not_met_text = _t("有積欠推廣貿易服務費（申請補助需無欠費）。",
                      "Trade-promotion service fee in arrears (subsidies require none).")
    unknown_text = _t("是否積欠推廣貿易服務費未確認。",
                      "Whether the trade-promotion service fee is paid up is not confirmed.")
    remedy = _t("請先繳清推廣貿易服務費，可洽國際貿易署或報關行確認。",
                "Settle the trade-promotion service fee first; the International Trade "
                "Administration or your customs broker can confirm the amount.")


class NotSubsidisedSameShowRule(_YesNoRule):
    name = "not_subsidised_same_show"
    facts = ("subsidised_same_show",)
    good = False
    label = _t("本年度未重複補助同一展覽", "Not subsidised for this show this year")
    met_text = _t("今年未就同一展覽獲得政府補助。",
                  "No government subsidy for this show this year.")
    not_met_text = _t("今年已就同一展覽獲得或申請政府補助，不可重複補助。",
                      "Already subsidised (or applied) for this show this year; subsidies "
                      "cannot be combined.")
    unknown_text = _t("是否已獲同一展覽補助未確認。",
                      "Whether this show was already subsidised is not confirmed.")
    remedy = _t("仍可自費參展；或改選其他展覽申請補助。",
                "You can still exhibit at your own cost, or apply for a subsidy for another "
                "show.")


class RegisteredCompanyRule(RuleType):
    name = "registered_company"
    facts = ("ubn",)
    label = _t("公司或商業登記", "Company or business registration")

    def evaluate(self, spec, facts, sectors, names):
        ubn = facts.get("ubn")
        if isinstance(ubn, str) and is_valid_ubn(ubn):
            return self._result(MET, _t(
                f"統一編號 {ubn} 格式與檢查碼正確（實際登記狀態由專員於報名時確認）。",
                f"Business number {ubn} is well-formed (registration itself is confirmed by "
                "the officer at sign-up)."))
        if ubn is False:
            return self._result(NOT_MET, _t(
                "尚無統一編號：本活動限已辦理公司或商業登記的企業。",
                "No business number: this event is for registered companies or businesses."),
                _t("請先向經濟部商業發展署或縣市政府辦理公司或商業登記。",
                   "Register the company or business first (MOEA or your city government)."))
        return self._result(UNKNOWN, _t("統一編號未確認。", "Business number not confirmed."),
                            _t("請準備公司統一編號，專員會協助確認。",
                               "Have your business number ready; an officer will check it."))


class SectorRule(RuleType):
    name = "sector_in"
    facts = ("sector",)
    params = ("sectors",)
    label = _t("產業別", "Sector")

    def evaluate(self, spec, facts, sectors, names):
        wanted = tuple(spec.params.get("sectors") or sectors)
        listed = "、".join(names("product", s, "zh-TW") for s in wanted)
        listed_en = ", ".join(names("product", s, "en") for s in wanted)
        sector = facts.get("sector")
        if not _known(sector):
            return self._result(UNKNOWN, _t(f"產業別未確認（本活動招募：{listed}）。",
                                            f"Sector not confirmed (this event is for: "
                                            f"{listed_en})."),
                                _t("請經貿專員確認您的產品是否符合展出範圍。",
                                   "A trade officer can confirm whether your products fit."))
        if sector in wanted:
            return self._result(MET, _t(
                f"產業別「{names('product', sector, 'zh-TW')}」在本活動招募範圍內。",
                f"Sector \"{names('product', sector, 'en')}\" is within this event's scope."))
        return self._result(NOT_MET, _t(
            f"本活動招募：{listed}；您的產品不在範圍內。",
            f"This event is for: {listed_en}; your products are outside its scope."),
            _t("下方列出適合您產業的其他活動。", "Events that fit your sector are listed below."))


class CertificationsRule(RuleType):
    name = "certifications"
    facts = ("certifications_held",)
    params = ("certifications",)
    label = _t("產品認證", "Product certifications")

    def needed(self, spec, facts, sectors):
        held = facts.get("certifications_held") or {}
        if not isinstance(held, dict):
            return ["certifications_held"]
        required = spec.params.get("certifications") or ()
        return [] if all(c in held for c in required) else ["certifications_held"]

    def evaluate(self, spec, facts, sectors, names):
        required = tuple(spec.params.get("certifications") or ())
        held = facts.get("certifications_held") or {}
        held = held if isinstance(held, dict) else {}
        zh = "、".join(names("certification", c, "zh-TW") for c in required)
        en = ", ".join(names("certification", c, "en") for c in required)
        missing = [c for c in required if held.get(c) is False]
        unknown = [c for c in required if not _known(held.get(c))]
        if missing:
            miss_zh = "、".join(names("certification", c, "zh-TW") for c in missing)
            miss_en = ", ".join(names("certification", c, "en") for c in missing)
            return self._result(NOT_MET, _t(
                f"展出產品須具備：{zh}；尚未取得：{miss_zh}。",
                f"Exhibited products need: {en}; not yet held: {miss_en}."),
                _t(f"請先取得{miss_zh}（可以問我「{miss_zh}怎麼申請」），或改展出已取得認證的產品。",
                   f"Obtain {miss_en} first (ask me how), or exhibit products that already "
                   "hold it."))
        if unknown:
            return self._result(UNKNOWN, _t(f"產品認證（{zh}）未確認。",
                                            f"Certifications ({en}) not confirmed."),
                                _t("請準備認證證書影本，專員會協助確認。",
                                   "Have copies of the certificates ready; an officer will "
                                   "check."))
        return self._result(MET, _t(f"已具備所需產品認證：{zh}。",
                                    f"Holds the required certifications: {en}."))


RULE_TYPES: dict[str, RuleType] = {r.name: r for r in (
    SmeRule(), RegisteredCompanyRule(), RegisteredTraderRule(), SectorRule(),
    ExportExperienceRule(), EnglishMaterialsRule(), CertificationsRule(), NoFeeArrearsRule(),
    NotSubsidisedSameShowRule(),
)}


# -- the engine --------------------------------------------------------------------------------

def missing_facts(rules: tuple[RuleSpec, ...], facts: dict, sectors: tuple[str, ...] = ()
                  ) -> list[str]:
    """The facts still needed to decide every rule, in the form's asking order."""
    needed: set[str] = set()
    for spec in rules:
        needed.update(RULE_TYPES[spec.type].needed(spec, facts, sectors))
    return [f for f in FACTS if f in needed]


def evaluate(event_id: str, rules: tuple[RuleSpec, ...], facts: dict,
             sectors: tuple[str, ...] = (), names: Names | None = None) -> Outcome:
    names = names or Names()
    results = tuple(RULE_TYPES[s.type].evaluate(s, facts, sectors, names) for s in rules)
    if any(r.status == NOT_MET for r in results):
        status = NOT_ELIGIBLE
    elif any(r.status == UNKNOWN for r in results):
        status = NEEDS_REVIEW
    else:
        status = ELIGIBLE
    return Outcome(event_id, status, results)


_STATUS_WORDS = {
    MET: _t("✅ 符合", "✅ Met"),
    NOT_MET: _t("❌ 不符合", "❌ Not met"),
    UNKNOWN: _t("❔ 待確認", "❔ To be confirmed"),
}
_HEADLINES = {
    ELIGIBLE: _t("結果：您符合「{event}」的報名資格。",
                 "Result: you are eligible for {event}."),
    NOT_ELIGIBLE: _t("結果：您目前不符合「{event}」的報名資格。",
                     "Result: you are not eligible for {event} at the moment."),
    NEEDS_REVIEW: _t("結果：「{event}」的資格需由經貿專員進一步確認。",
                     "Result: an officer needs to review your eligibility for {event}."),
}


def explain(outcome: Outcome, event_name: str, lang: str) -> str:
    """The outcome, each rule with its status and, when unmet or open, what to do."""
    lang = "en" if lang == "en" else "zh-TW"
    lines = [_HEADLINES[outcome.status][lang].format(event=event_name)]
    for result in outcome.results:
        label = RULE_TYPES[result.rule].label[lang]
        sep = "：" if lang == "zh-TW" else ": "
        lines.append(f"{_STATUS_WORDS[result.status][lang]}｜{label}{sep}"
                     f"{result.explanation[lang]}")
        if result.status != MET and result.remedy.get(lang):
            lines.append(("　→ 建議：" if lang == "zh-TW" else "   → What you can do: ")
                         + result.remedy[lang])
    return "\n".join(lines)
