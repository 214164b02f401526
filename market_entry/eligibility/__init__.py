"""Eligibility screening for trade events: a registry of rule types over plain facts.

Each event in the catalogue lists its rules as data (`rule: sme`, `rule: certifications`,
...). A rule type declares which facts it needs — and, given what is already known, which of
them are still missing (the SME test needs the head count only when capital alone does not
decide) — and evaluates to met / not met / unknown with a plain-language explanation and, when
not met or unknown, what the owner can do about it.
"""

from market_entry.eligibility.engine import (
    ELIGIBLE,
    FACTS,
    MET,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    NOT_MET,
    RULE_TYPES,
    UNKNOWN,
    Names,
    Outcome,
    RuleResult,
    RuleSpec,
    evaluate,
    explain,
    missing_facts,
)

__all__ = [
    "ELIGIBLE", "FACTS", "MET", "NEEDS_REVIEW", "NOT_ELIGIBLE", "NOT_MET", "RULE_TYPES",
    "UNKNOWN", "Names", "Outcome", "RuleResult", "RuleSpec", "evaluate", "explain",
    "missing_facts",
]
