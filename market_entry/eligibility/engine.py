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
from market_entry.phrases import LANGUAGES, Localised, both, localised, say
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


def _label(rule: str) -> dict[str, str]:
    return both(f"eligibility.label.{rule}")


# -- rule types ------------------------------------------------------------------------------

class RuleType:
    name = ""
    facts: tuple[str, ...] = ()
    params: tuple[str, ...] = ()

    @property
    def label(self) -> dict[str, str]:
        return _label(self.name)

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
        law = localised(both("eligibility.sme.law"))
        if spec.params.get("small_scale"):
            if not _known(employees):
                return self._result(UNKNOWN, both("eligibility.sme.small_unknown"),
                                    both("eligibility.sme.remedy_headcount"))
            if employees < SMALL_SCALE_EMPLOYEES_BELOW:
                return self._result(MET, both("eligibility.sme.small_met", employees=employees))
            return self._result(NOT_MET, both("eligibility.sme.small_not_met", employees=employees),
                                both("eligibility.sme.remedy_other_events"))
        if _known(capital) and capital <= SME_CAPITAL_MAX:
            return self._result(MET, both("eligibility.sme.met_capital", capital=_money(capital),
                                          law=law))
        if _known(employees) and employees < SME_EMPLOYEES_BELOW:
            return self._result(MET, both("eligibility.sme.met_employees", employees=employees,
                                          law=law))
        if _known(capital) and _known(employees):
            return self._result(NOT_MET, both("eligibility.sme.not_met", capital=_money(capital),
                                              employees=employees, law=law),
                                both("eligibility.sme.remedy_grace"))
        return self._result(UNKNOWN, both("eligibility.sme.unknown", law=law),
                            both("eligibility.sme.remedy_unknown"))


class _YesNoRule(RuleType):
    """A rule on one yes/no fact; `good` is the answer that meets it. Its texts are the
    catalogue's `eligibility.<rule>.met / not_met / unknown / remedy`."""

    good = True

    def evaluate(self, spec, facts, sectors, names):
        value = facts.get(self.facts[0])
        remedy = both(f"eligibility.{self.name}.remedy")
        if not _known(value):
            return self._result(UNKNOWN, both(f"eligibility.{self.name}.unknown"), remedy)
        if bool(value) == self.good:
            return self._result(MET, both(f"eligibility.{self.name}.met"))
        return self._result(NOT_MET, both(f"eligibility.{self.name}.not_met"), remedy)


class RegisteredTraderRule(_YesNoRule):
    name = "registered_trader"
    facts = ("registered_trader",)


class ExportExperienceRule(_YesNoRule):
    name = "export_experience"
    facts = ("export_experience",)


class EnglishMaterialsRule(_YesNoRule):
    name = "english_materials"
    facts = ("english_materials",)


class NoFeeArrearsRule(_YesNoRule):
    name = "no_fee_arrears"
    facts = ("fee_arrears",)
    good = False


class NotSubsidisedSameShowRule(_YesNoRule):
    name = "not_subsidised_same_show"
    facts = ("subsidised_same_show",)
    good = False


class RegisteredCompanyRule(RuleType):
    name = "registered_company"
    facts = ("ubn",)

    def evaluate(self, spec, facts, sectors, names):
        ubn = facts.get("ubn")
        if isinstance(ubn, str) and is_valid_ubn(ubn):
            return self._result(MET, both("eligibility.registered_company.met", ubn=ubn))
        if ubn is False:
            return self._result(NOT_MET, both("eligibility.registered_company.not_met"),
                                both("eligibility.registered_company.remedy_register"))
        return self._result(UNKNOWN, both("eligibility.registered_company.unknown"),
                            both("eligibility.registered_company.remedy_unknown"))


def _name_list(names: Names, kind: str, ids) -> Localised:
    return localised({lang: ("、" if lang == "zh-TW" else ", ").join(names(kind, i, lang)
                                                                   for i in ids)
                      for lang in LANGUAGES})


class SectorRule(RuleType):
    name = "sector_in"
    facts = ("sector",)
    params = ("sectors",)

    def evaluate(self, spec, facts, sectors, names):
        wanted = tuple(spec.params.get("sectors") or sectors)
        listed = _name_list(names, "product", wanted)
        sector = facts.get("sector")
        if not _known(sector):
            return self._result(UNKNOWN, both("eligibility.sector.unknown", sectors=listed),
                                both("eligibility.sector.remedy_unknown"))
        if sector in wanted:
            return self._result(MET, both("eligibility.sector.met",
                                          sector=_name_list(names, "product", [sector])))
        return self._result(NOT_MET, both("eligibility.sector.not_met", sectors=listed),
                            both("eligibility.sector.remedy_not_met"))


class CertificationsRule(RuleType):
    name = "certifications"
    facts = ("certifications_held",)
    params = ("certifications",)

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
        listed = _name_list(names, "certification", required)
        missing = [c for c in required if held.get(c) is False]
        unknown = [c for c in required if not _known(held.get(c))]
        if missing:
            named = _name_list(names, "certification", missing)
            return self._result(NOT_MET, both("eligibility.certifications.not_met",
                                              required=listed, missing=named),
                                both("eligibility.certifications.remedy_not_met", missing=named))
        if unknown:
            return self._result(UNKNOWN, both("eligibility.certifications.unknown",
                                              required=listed),
                                both("eligibility.certifications.remedy_unknown"))
        return self._result(MET, both("eligibility.certifications.met", required=listed))


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


def explain(outcome: Outcome, event_name: str, lang: str) -> str:
    """The outcome, each rule with its status and, when unmet or open, what to do."""
    lang = "en" if lang == "en" else "zh-TW"
    lines = [say(f"eligibility.headline.{outcome.status}", lang, event=event_name)]
    for result in outcome.results:
        lines.append(say("eligibility.rule_line", lang,
                         status=say(f"eligibility.status.{result.status}", lang),
                         label=RULE_TYPES[result.rule].label[lang],
                         explanation=result.explanation[lang]))
        if result.status != MET and result.remedy.get(lang):
            lines.append(say("eligibility.remedy_line", lang, remedy=result.remedy[lang]))
    return "\n".join(lines)
