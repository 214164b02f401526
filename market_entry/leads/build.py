"""A lead from what the conversation established: scoring, routing, contact, consent, summary
and transcript, all from a plain mapping of slot values and the conversation's events.

Kept out of the action so the lead's content is unit-tested without rasa_sdk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from market_entry.answer_parsing import UNKNOWN
from market_entry.knowledge.model import KnowledgeBase
from market_entry.leads.config import ScoringConfig
from market_entry.leads.contact import build_contact
from market_entry.leads.form import Namer
from market_entry.leads.model import ConsentRecord, Lead, new_lead_id, utc_now
from market_entry.leads.offer import lead_markets, lead_products, score_of
from market_entry.leads.routing import desk_for

TRANSCRIPT_LIMIT = 60


def transcript(events: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if kind in ("user", "bot") and isinstance(text, str) and text:
            out.append({"from": "owner" if kind == "user" else "bot", "text": text})
    return out[-TRANSCRIPT_LIMIT:]


def summary_text(slots: Mapping[str, Any], name_of: Namer) -> str:
    """A one-line summary for the desk, in Traditional Chinese (the desks' language)."""
    lang = "zh-TW"
    parts = []
    products, markets = lead_products(slots), lead_markets(slots)
    if products:
        parts.append("產品：" + "、".join(name_of("product", p, lang) for p in products))
    if markets:
        parts.append("市場：" + "、".join(name_of("market", m, lang) for m in markets))
    if slots.get("last_question"):
        parts.append("最近的問題：" + str(slots["last_question"])[:120])
    outcome = slots.get("screening_outcome") or {}
    if isinstance(outcome, dict) and (outcome.get("event") or outcome.get("outcome")):
        parts.append(f"活動初審：{outcome.get('event', '')} {outcome.get('outcome', '')}".strip())
    if slots.get("help_wanted"):
        parts.append("需求：" + str(slots["help_wanted"]))
    return "；".join(parts)


def build_lead(slots: Mapping[str, Any], events: Iterable[Mapping[str, Any]],
               kb: KnowledgeBase | None, config: ScoringConfig, name_of: Namer) -> Lead:
    markets, products = lead_markets(slots), lead_products(slots)
    score = score_of(slots, kb, config)
    ubn = slots.get("ubn")
    contact, _ = build_contact({
        "company": slots.get("company") or "",
        "ubn": ubn if isinstance(ubn, str) and ubn != UNKNOWN else "",
        "name": slots.get("contact_name") or "",
        "title": slots.get("job_title") or "",
        "phone": slots.get("phone") or "",
        "email": slots.get("email") or "",
    })
    record = slots.get("consent_record") or {}
    export, english = slots.get("export_experience"), slots.get("english_materials")
    return Lead(
        id=new_lead_id(), created=utc_now().isoformat(),
        desk=desk_for(markets, kb.markets if kb else {}, config.default_desk),
        score=score.total, explanation=score.items, contact=contact,
        consent=ConsentRecord(record.get("notice_version", ""), record.get("time", ""),
                              record.get("answer", "")),
        products=tuple(products), markets=tuple(markets),
        export_experience=export if export in (True, False, UNKNOWN) else None,
        english_materials=english if english in (True, False, UNKNOWN) else None,
        size_band=slots.get("size_band") or "unknown",
        help_wanted=slots.get("help_wanted") or "",
        timeline=slots.get("timeline") or "unknown",
        screening=dict(slots.get("screening_outcome") or {}),
        summary=summary_text(slots, name_of),
        transcript=tuple(transcript(events)),
    )
