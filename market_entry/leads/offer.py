"""When to offer a trade officer, and the score that decides it.

The score reads only what the conversation established (screening outcome, export experience,
timeline, products and markets), so it is computed from a plain mapping of slot values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from market_entry.knowledge.model import KnowledgeBase
from market_entry.leads.config import ScoringConfig
from market_entry.leads.form import as_list
from market_entry.leads.scoring import Score, facts_from_answers, score_lead


def lead_products(slots: Mapping[str, Any]) -> list[str]:
    return as_list(slots.get("lead_products")) or as_list(slots.get("product"))


def lead_markets(slots: Mapping[str, Any]) -> list[str]:
    return as_list(slots.get("lead_markets")) or as_list(slots.get("market"))


def score_of(slots: Mapping[str, Any], kb: KnowledgeBase | None, config: ScoringConfig) -> Score:
    facts = facts_from_answers(
        slots.get("screening_outcome"), slots.get("export_experience"),
        slots.get("english_materials"), slots.get("timeline"), kb,
        lead_products(slots), lead_markets(slots), bool(slots.get("handoff_asked")))
    return score_lead(facts, config)


def should_offer(slots: Mapping[str, Any], kb: KnowledgeBase | None,
                 config: ScoringConfig) -> bool:
    """Offer a trade officer once per conversation, when the conversation scores at least the
    threshold and no hand-off is under way or done."""
    if slots.get("handoff_offered") or slots.get("lead_id") or slots.get("handoff_consent") in (
            "asked", "agreed"):
        return False
    return score_of(slots, kb, config).total >= config.threshold
