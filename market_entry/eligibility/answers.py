"""Turns an owner's free answer to one screening question into a fact value.

`read_answer` returns (value, None) when understood — UNKNOWN counts as an answer — or
(None, reason) so the form can re-ask with the reason ("checksum", "not_understood", "range").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from market_entry.answer_parsing import (
    UNKNOWN,
    parse_export_experience,
    parse_headcount,
    parse_money,
    parse_ubn,
    parse_yes_no,
)
from market_entry.form_interruptions import reads_as_question
from market_entry.normalise import normalise
from market_entry.ubn import is_valid_ubn

YES_NO_FACTS = ("registered_trader", "english_materials", "fee_arrears", "subsidised_same_show")
OTHER_SECTOR = "other"
MAX_EMPLOYEES = 1_000_000


def _mentions(clean: str, aliases: Mapping[str, Iterable[str]]) -> list[str]:
    found = []
    for ident, words in aliases.items():
        for word in words:
            low = normalise(word).lower()
            if not low:
                continue
            hit = (re.search(r"(?<![a-z])" + re.escape(low) + r"(?![a-z])", clean)
                   if low.isascii() else low in clean)
            if hit:
                found.append(ident)
                break
    return found


def read_answer(fact: str, text: str, *, products: Mapping[str, Iterable[str]] = {},
                certifications: Mapping[str, Iterable[str]] = {},
                required_certifications: tuple[str, ...] = (),
                held: dict | None = None, market_aliases: dict[str, str] | None = None):
    clean = normalise(text or "").lower().strip()
    if not clean:
        return None, "not_understood"
    yes_no = parse_yes_no(text)
    if fact == "ubn":
        digits = parse_ubn(text)
        if digits:
            return (digits, None) if is_valid_ubn(digits) else (None, "checksum")
        if yes_no is False or yes_no == UNKNOWN:
            return yes_no, None
        return None, "ubn_format"
    if fact == "paid_in_capital":
        if yes_no == UNKNOWN:
            return UNKNOWN, None
        amount = parse_money(text)
        return (amount, None) if amount is not None else (None, "money")
    if fact == "employees":
        if yes_no == UNKNOWN:
            return UNKNOWN, None
        count = parse_headcount(text)
        if count is None:
            return None, "headcount"
        return (count, None) if 0 <= count <= MAX_EMPLOYEES else (None, "range")
    if fact == "sector":
        found = _mentions(clean, products)
        if found:
            return found[0], None
        if yes_no == UNKNOWN:
            return UNKNOWN, None
        if any(w in clean for w in ("其他", "其它", "都不是", "other", "none of")):
            return OTHER_SECTOR, None
        return None, "sector"
    if fact == "export_experience":
        answer = parse_export_experience(text, market_aliases).has
        return (answer, None) if answer is not None else (None, "yes_no")
    if fact == "certifications_held":
        current = dict(held or {})
        named = [c for c in _mentions(clean, certifications) if c in required_certifications]
        if named and yes_no is not False and yes_no != UNKNOWN:
            # "只有 PSE" / "we have CE": the named ones are held, the others are not.
            for cert in required_certifications:
                current[cert] = cert in named
            return current, None
        if yes_no is None:
            return None, "yes_no"
        for cert in required_certifications:
            if named and cert not in named:
                continue
            current[cert] = yes_no
        return current, None
    if fact in YES_NO_FACTS:
        return (yes_no, None) if yes_no is not None else (None, "yes_no")
    raise KeyError(fact)


_SEGMENTS = re.compile(r"[,，、;；。\n]|\band\b|跟|和|還有")


def harvest_facts(text: str, market_aliases: dict[str, str] | None = None) -> dict:
    """Facts an owner volunteers in passing ("資本額500萬，員工30人，去年有出口到日本").

    Only clearly labelled statements count, so an unrelated number is never taken for one.
    """
    facts: dict = {}
    clean = normalise(text or "")
    if not clean or clean.startswith("/"):
        return facts
    for segment in _SEGMENTS.split(clean):
        low = segment.lower()
        if re.search(r"資本|capital", low):
            amount = parse_money(re.split(r"資本額?|capital", low, maxsplit=1)[-1])
            if amount is not None:
                facts.setdefault("paid_in_capital", amount)
        elif re.search(r"員工|員工數|人手|同仁|employees|staff|\d\s*(?:個)?人|[十百幾]\s*(?:個)?人", low):
            count = parse_headcount(segment)
            if count is not None:
                facts.setdefault("employees", count)
        if re.search(r"統編|統一編號|ubn|business number", low):
            digits = parse_ubn(segment)
            if digits and is_valid_ubn(digits):
                facts.setdefault("ubn", digits)
        if re.search(r"(有|曾|已)[^沒不]{0,6}(出口|外銷)|exported|we export", low) and not re.search(
                r"(沒|不|未|never|not)", low):
            facts.setdefault("export_experience", True)
        elif re.search(r"(沒有|沒|從未|還沒|未曾)[^,]{0,4}(出口|外銷)|never exported|not exported",
                       low):
            facts.setdefault("export_experience", False)
    return facts


def is_bare_answer(message: str) -> bool:
    """A short statement of facts ("500萬", "我們有35個員工"), not a question."""
    if not message or message.startswith("/") or len(message) > 30 or reads_as_question(message):
        return False
    return bool(harvest_facts(message) or parse_money(message) or parse_headcount(message)
                or parse_ubn(message))
