"""When to offer a trade officer, and the score that decides it.

The score reads only what the conversation established (screening outcome, export experience,
timeline, products and markets), so it is computed from a plain mapping of slot values.
"""

from __future__ import annotations

import re
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


_PERSON = (r"(專人|真人|承辦|窗口|專員|官員|同仁|客服|专人|专员|"
           r"\b(officer|person|human|someone|somebody|staff)\b)")
_ASK = (r"(想|請|请|幫|帮|可以|能不能|能否|找|聯絡|联系|聯繫|連絡|轉|转|約|约|談|谈|聊|問|问|"
        r"\b(talk|speak|contact|connect|call|meet|chat|reach|need|want|like|get)\b)")
_WANTS_PERSON = re.compile(
    r"(有沒有|有没有|有|派|找)人(可以|能|來|来)?.{0,6}(打電話|打电话|聯絡|联系|聯繫|回電|回电|談|谈)|"
    f"{_ASK}.{{0,12}}{_PERSON}|{_PERSON}.{{0,12}}"
    r"(\b(contact|call|reach|email|e-mail)\s+(me|us)\b|(聯絡|联系|聯繫|連絡|打給|回電)(我|我們))",
    re.IGNORECASE)


def asks_for_person(message: str) -> bool:
    """Whether a question also asks for a person ("我們想去日本賣茶，可以找專人聊嗎？"): the
    owner gets the answer and the hand-off notice, not just one of them."""
    return bool(_WANTS_PERSON.search(message or ""))
