"""The hand-off form as plain dialogue logic: which field to ask next, how to read an answer,
corrections at the confirmation step, and the summary the owner confirms.

Functions over a plain mapping of slot values, so the form is tested without rasa_sdk; the Rasa
form in actions/handoff.py only feeds them the tracker's slots and the owner's message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from market_entry.answer_parsing import UNKNOWN, parse_headcount, parse_money
from market_entry.eligibility.answers import read_answer
from market_entry.eligibility.engine import (
    SMALL_SCALE_EMPLOYEES_BELOW,
    SME_CAPITAL_MAX,
    SME_EMPLOYEES_BELOW,
)
from market_entry.leads.contact import clean_text, parse_company_ubn, parse_email, parse_phone
from market_entry.leads.model import SIZE_BANDS, TIMELINES
from market_entry.phrases import say

# The questions of the form, in order; ubn and export_experience are shared with the screening,
# so what the owner already said there is not asked again.
FIELDS = ("company", "ubn", "contact_name", "job_title", "phone", "email", "lead_products",
          "lead_markets", "export_experience", "size_band", "help_wanted", "timeline")
CONFIRMED = "handoff_confirmed"
SLOTS = (*FIELDS, CONFIRMED)

SKIP_WORDS = ("無", "沒有", "略過", "跳過", "不提供", "skip", "none", "no email", "n/a", "-")
CONFIRM_WORDS = ("確認", "確認送出", "正確", "沒問題", "送出", "對", "是", "ok", "okay", "confirm",
                 "confirm and send", "correct", "yes", "submit", "looks good")
SIZE_ORDER = ("micro", "small", "medium", "large")
SMALL_BELOW = 50                     # our own band, not a legal line: 5–49 employees
MICRO_CAPITAL_MAX = 5_000_000
SMALL_CAPITAL_MAX = 30_000_000

TIMELINE_WORDS = (
    ("within_3_months", ("3個月內", "三個月內", "馬上", "盡快", "儘快", "within3", "asap", "soon",
                         "thisquarter")),
    ("3_to_12_months", ("3到12", "三到十二", "半年", "今年", "明年", "一年內", "3to12", "3-12",
                        "thisyear", "nextyear", "withinayear")),
    ("later", ("12個月以後", "一年以後", "一年後", "以後", "later", "morethan12")),
    ("unknown", ("不確定", "還不確定", "未定", "不知道", "notsure", "don'tknow", "unknown",
                 "undecided")),
)
CORRECTIONS = (
    ("phone", r"電話|手機|phone|mobile"),
    ("email", r"e-?mail|信箱|電子郵件"),
    ("ubn", r"統一編號|統編|ubn|business number"),
    ("company", r"公司名稱|公司|company"),
    ("job_title", r"職稱|job title|title"),
    ("contact_name", r"姓名|名字|聯絡人|name"),
    ("lead_products", r"產品|product"),
    ("lead_markets", r"市場|market"),
    ("help_wanted", r"需求|協助|help"),
    ("timeline", r"時程|timeline"),
    ("size_band", r"規模|size"),
)
_CHANGE = re.compile(r"改成|改為|改为|换成|換成|更正為|更正为|應該是|应该是|是|為|:|：|"
                     r"\bchange(?:d)? to\b|\bshould be\b|\bto\b|\bis\b", re.IGNORECASE)


@dataclass(frozen=True)
class AnswerContext:
    """What reading an answer may use besides its text: entities the NLU found in the message
    and the markets' aliases (for "日本和越南")."""

    product: str | None = None
    market: str | None = None
    market_aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """The outcome of one owner message: slot updates and, when the answer was not usable, the
    phrase key of the polite re-ask."""

    updates: dict[str, Any] = field(default_factory=dict)
    reask: str | None = None


# -- company size and timeline ----------------------------------------------------------------

def band_from_headcount(count: int) -> str:
    """micro follows the legal small-scale line (未滿5人, 中小企業認定標準 art. 3), medium ends
    where SMEs end (未滿200人)."""
    if count < SMALL_SCALE_EMPLOYEES_BELOW:
        return "micro"
    if count < SMALL_BELOW:
        return "small"
    return "medium" if count < SME_EMPLOYEES_BELOW else "large"


def band_from_capital(amount: int) -> str:
    if amount <= MICRO_CAPITAL_MAX:
        return "micro"
    if amount <= SMALL_CAPITAL_MAX:
        return "small"
    return "medium" if amount <= SME_CAPITAL_MAX else "large"


def size_band_of(employees: Any, capital: Any) -> str | None:
    if isinstance(employees, int) and not isinstance(employees, bool):
        return band_from_headcount(employees)
    if isinstance(capital, int) and not isinstance(capital, bool):
        return band_from_capital(capital)
    return None


def size_buttons(lang: str) -> list[tuple[str, str]]:
    """(label, band) for the size question's buttons."""
    return [(say(f"handoff.size.{band}", lang), band) for band in SIZE_ORDER]


def timeline_buttons(lang: str) -> list[str]:
    return [say(f"handoff.timeline.{value}", lang) for value in TIMELINES]


def read_size(text: str) -> str | None:
    stripped = text.strip()
    for lang in ("zh-TW", "en"):
        for label, band in size_buttons(lang):
            if stripped == label:
                return band
    low = text.lower()
    for word, band in (("微型", "micro"), ("micro", "micro"), ("小型", "small"),
                       ("small", "small"), ("中型", "medium"), ("medium", "medium"),
                       ("大型", "large"), ("large", "large")):
        if word in low:
            return band
    if re.search(r"資本|capital|萬|億|million", low):
        amount = parse_money(text)
        if amount is not None:
            return band_from_capital(amount)
    count = parse_headcount(text)
    if count is not None:
        return band_from_headcount(count)
    if any(w in low for w in ("不確定", "不知道", "not sure", "不提供", "skip")):
        return "unknown"
    return None


def read_timeline(text: str) -> str | None:
    low = text.lower().replace(" ", "")
    for lang in ("zh-TW", "en"):
        for value in TIMELINES:
            if low == say(f"handoff.timeline.{value}", lang).lower().replace(" ", ""):
                return value
    for value, words in TIMELINE_WORDS:
        if any(w in low for w in words):
            return value
    return None


# -- one answer --------------------------------------------------------------------------------

def _skipped(text: str) -> bool:
    return text.strip().lower() in SKIP_WORDS


def read_field(name: str, text: str, context: AnswerContext = AnswerContext()
               ) -> tuple[Any, str | None]:
    """The value of one answer, or the name of the problem to re-ask about."""
    text = (text or "").strip()
    if not text:
        return None, "empty"
    if name == "company":
        value = clean_text(text)
        return (value, None) if len(value) >= 2 else (None, "company")
    if name == "ubn":
        if _skipped(text) or any(w in text.lower() for w in ("還沒有", "尚無", "don't have")):
            return False, None
        value = parse_company_ubn(text)
        return (value, None) if value else (None, "ubn")
    if name in ("contact_name", "job_title"):
        value = clean_text(text, 60)
        return (value, None) if value else (None, name)
    if name == "phone":
        phone = parse_phone(text)
        return (phone.display, None) if phone else (None, "phone")
    if name == "email":
        if _skipped(text):
            return "", None
        email = parse_email(text)
        return (email, None) if email else (None, "email")
    if name == "lead_products":
        value = [context.product] if context.product else [clean_text(text, 60)]
        return (value, None) if value[0] else (None, "empty")
    if name == "lead_markets":
        low = text.lower()
        found = [code for alias, code in sorted(context.market_aliases.items(),
                                                key=lambda a: -len(a[0]))
                 if alias and alias.lower() in low]
        codes = list(dict.fromkeys(([context.market] if context.market else []) + found))
        return (codes, None) if codes else ([clean_text(text, 60)], None)
    if name == "export_experience":
        value, problem = read_answer("export_experience", text,
                                     market_aliases=dict(context.market_aliases))
        return (value, None) if not problem else (None, "yes_no")
    if name == "size_band":
        value = read_size(text)
        return (value, None) if value else (None, "size_band")
    if name == "help_wanted":
        value = clean_text(text, 300)
        return (value, None) if value else (None, "empty")
    if name == "timeline":
        value = read_timeline(text)
        return (value, None) if value else (None, "timeline")
    raise KeyError(name)


def read_correction(text: str) -> tuple[str, str] | None:
    """"電話改成 0912-345-678" → ("phone", "0912-345-678")."""
    for name, pattern in CORRECTIONS:
        match = re.search(pattern, text, re.IGNORECASE)
        if not match:
            continue
        rest = text[match.end():]
        change = _CHANGE.search(rest)
        if change is None:
            continue
        value = rest[change.end():].strip(" ：:，,。")
        if value:
            return name, value
    return None


def is_confirmation(text: str) -> bool:
    low = text.strip().lower().rstrip("!！。.")
    return low in CONFIRM_WORDS or any(low == say("handoff.button_confirm", lang).lower()
                                       for lang in ("zh-TW", "en"))


def answer(requested: str | None, text: str, context: AnswerContext = AnswerContext()) -> Step:
    """Reads the owner's message as the answer to `requested` (a field or the confirmation)."""
    text = (text or "").strip()
    if requested == CONFIRMED:
        correction = read_correction(text)
        if correction is not None:
            name, value_text = correction
            value, problem = read_field(name, value_text, context)
            return Step(reask=f"handoff.reask.{problem}") if problem else Step({name: value})
        if is_confirmation(text):
            return Step({CONFIRMED: True})
        return Step(reask="handoff.reask.confirm")
    if requested not in FIELDS:
        return Step()
    value, problem = read_field(requested, text, context)
    return Step(reask=f"handoff.reask.{problem}") if problem else Step({requested: value})


# -- the form as a whole -----------------------------------------------------------------------

def prefilled(slots: Mapping[str, Any]) -> dict[str, Any]:
    """What the conversation already established (product, market, size from the screening)."""
    found: dict[str, Any] = {}
    if slots.get("lead_products") is None and slots.get("product"):
        found["lead_products"] = [slots["product"]]
    if slots.get("lead_markets") is None and slots.get("market"):
        found["lead_markets"] = [slots["market"]]
    if slots.get("size_band") is None:
        band = size_band_of(slots.get("employees"), slots.get("paid_in_capital"))
        if band:
            found["size_band"] = band
    return found


def next_slot(slots: Mapping[str, Any]) -> str | None:
    """The first field without a value, then the confirmation; None when the form is done."""
    missing = next((f for f in FIELDS if slots.get(f) is None), None)
    if missing is not None:
        return missing
    return None if slots.get(CONFIRMED) else CONFIRMED


def as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [value] if isinstance(value, str) and value else []


Namer = Callable[[str, str, str], str]   # (kind, id, lang) -> display name


def summary_lines(slots: Mapping[str, Any], lang: str, name_of: Namer) -> list[str]:
    """The details the owner confirms, one line per field, codes shown as words."""
    sep = "、" if lang != "en" else ", "
    ubn = slots.get("ubn")
    export = slots.get("export_experience")
    values = {
        "company": slots.get("company") or "",
        "ubn": ubn if isinstance(ubn, str) and ubn != UNKNOWN else say("handoff.value.none", lang),
        "contact_name": slots.get("contact_name") or "",
        "job_title": slots.get("job_title") or "",
        "phone": slots.get("phone") or "",
        "email": slots.get("email") or say("handoff.value.not_given", lang),
        "lead_products": sep.join(name_of("product", p, lang)
                                  for p in as_list(slots.get("lead_products"))),
        "lead_markets": sep.join(name_of("market", m, lang)
                                 for m in as_list(slots.get("lead_markets"))),
        "export_experience": say("handoff.value.yes" if export is True else "handoff.value.no"
                                 if export is False else "handoff.value.not_given", lang),
        "size_band": say(f"handoff.size.{slots.get('size_band') or 'unknown'}", lang)
        if (slots.get("size_band") or "unknown") in SIZE_BANDS else str(slots.get("size_band")),
        "help_wanted": slots.get("help_wanted") or "",
        "timeline": say(f"handoff.timeline.{slots.get('timeline') or 'unknown'}", lang)
        if (slots.get("timeline") or "unknown") in TIMELINES else str(slots.get("timeline")),
    }
    return [say("handoff.summary_line", lang, label=say(f"handoff.label.{name}", lang),
                value=values[name]) for name in FIELDS]
