"""Parsers for owners' free answers in the eligibility screening: money, head counts, yes/no,
export experience and the 統一編號.

Owners answer the way they talk — "500萬", "五千萬", "1.2億", "NT$30,000,000", "三十幾個人",
"去年有出口到日本", "沒有" — in Traditional or Simplified Chinese or English, with full-width
digits from phone keyboards. Every parser returns None when it did not understand, so the form
can re-ask instead of guessing; "don't know" is a real answer (UNKNOWN) that the rules engine
turns into "an officer will check".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from market_entry.normalise import normalise

UNKNOWN = "unknown"

_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "貳": 2, "兩": 2, "三": 3, "參": 3,
           "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陸": 6, "七": 7, "柒": 7, "八": 8,
           "捌": 8, "九": 9, "玖": 9}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"萬": 10_000, "億": 100_000_000}
_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# A number: Arabic (with thousands separators / decimals) or Chinese numerals, possibly mixed
# ("3千5百萬"), followed by an optional magnitude word.
_NUMBER = re.compile(
    r"(?P<num>(?:\d[\d,]*(?:\.\d+)?|[" + _NUMERAL_CHARS + r"])(?:[\d,.]|[" + _NUMERAL_CHARS
    + r"])*)\s*(?P<mag>million|mil|billion|bn|m|k|thousand)?(?![a-z])",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    return normalise(text or "").strip()


def chinese_to_int(text: str) -> float | None:
    """'三千五百萬' → 35000000, '1.2億' → 120000000, '3千5百萬' → 35000000, '十二' → 12."""
    text = text.replace(",", "")
    if not text:
        return None
    total = 0.0      # completed 萬/億 sections
    section = 0.0    # the part below the current big unit
    number: float | None = None  # the digit(s) waiting for a unit
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit() or ch == ".":
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
            try:
                number = float(text[i:j])
            except ValueError:
                return None
            i = j
            continue
        if ch in _DIGITS:
            number = float(_DIGITS[ch]) if number is None else number * 10 + _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if number is None else number) * _SMALL_UNITS[ch]
            number = None
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            part = section + (number or 0)
            if part == 0:
                part = 1
            if total and total < unit:
                total = (total + part) * unit
            else:
                total += part * unit
            section, number = 0.0, None
        else:
            return None
        i += 1
    return total + section + (number or 0)


_MAGNITUDES = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "mil": 1_000_000,
               "million": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000}
_MONEY_MAX = 10**13


def parse_money(text: str) -> int | None:
    """An amount in NT$: '500萬', '五千萬', '1.2億', 'NT$30,000,000', '30 million', '3千萬元'.

    Plain numbers under 10,000 without a unit ('500') are ambiguous for a company's capital and
    return None, so the form asks again with an example.
    """
    clean = _clean(text).lower().replace("nt$", " ").replace("ntd", " ").replace("twd", " ")
    clean = re.sub(r"(?<=\d)\s+(?=[萬億千百])", "", clean)
    for match in _NUMBER.finditer(clean):
        raw = match.group("num").rstrip(",.")
        value = chinese_to_int(raw)
        if value is None:
            continue
        mag = (match.group("mag") or "").lower()
        if mag:
            value *= _MAGNITUDES[mag]
        has_unit = bool(mag) or any(c in raw for c in "萬億千百十")
        if not has_unit and value < 10_000:
            return None
        if value <= 0 or value > _MONEY_MAX:
            return None
        return int(round(value))
    return None


_APPROX_MORE = re.compile(r"(多|幾|餘|来|來|\+|以上|more than|over|above|plus)")
_FEWER = re.compile(r"(不到|少於|未滿|低於|不滿|fewer than|less than|under|below)\s*$")


def parse_headcount(text: str) -> int | None:
    """Regular employees: '35人', '三十幾個人', '兩百多人', 'about 40', '不到10人', '30-40人'.

    Approximate answers resolve to the value that keeps the SME test honest: '三十幾' → 39,
    '兩百多' → 201, 'fewer than 10' → 9, a range → its upper end.
    """
    clean = _clean(text).lower()
    clean = clean.replace("兩", "二").replace("两", "二")
    range_match = re.search(r"(\d+)\s*(?:-|~|到|至|to)\s*(\d+)", clean)
    if range_match:
        value = max(int(range_match.group(1)), int(range_match.group(2)))
        return value if 0 <= value <= 1_000_000 else None
    for match in _NUMBER.finditer(clean):
        raw = match.group("num").rstrip(",.")
        if "." in raw:
            continue
        base = chinese_to_int(raw)
        if base is None:
            continue
        mag = (match.group("mag") or "").lower()
        if mag in ("k", "thousand"):
            base *= 1000
        value = int(base)
        after = clean[match.end("num"): match.end("num") + 3]
        before = clean[max(0, match.start("num") - 12): match.start("num")]
        if after.startswith("幾") or after.startswith("来") or after.startswith("來"):
            step = 10 if value % 100 else 100 if value >= 100 else 10
            value = value + step - 1 if value % 10 == 0 else value
        elif _APPROX_MORE.match(after) or re.search(r"(more than|over|above)\s*$", before):
            value += 1
        elif _FEWER.search(before):
            value = max(0, value - 1)
        if value < 0 or value > 1_000_000:
            return None
        return value
    if re.search(r"(只有我|就我一個|一人公司|自己一個|just me|only me|myself)", clean):
        return 1
    return None


_UNKNOWN_WORDS = ("不知道", "不確定", "不清楚", "不曉得", "不太確定", "忘了", "要查", "再確認",
                  "not sure", "don't know", "dont know", "do not know", "dunno", "unsure",
                  "no idea", "not certain", "unknown")
_SURE_WORDS = ("沒錯", "沒問題", "不錯", "無誤")
_NO_WORDS = ("沒有", "沒", "無", "不是", "否", "還沒", "尚未", "不用", "未", "不",
             "no", "nope", "not yet", "never", "none", "n")
_YES_WORDS = ("是", "有", "對", "沒錯", "好", "已經", "已", "當然", "ok", "yes", "y", "yeah",
              "yep", "yup", "sure", "correct", "of course", "true", "we do", "we have", "i do")


def _words_in(clean: str, words: tuple[str, ...]) -> bool:
    for word in words:
        if word.isascii():
            if re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", clean):
                return True
        elif word in clean:
            return True
    return False


def parse_yes_no(text: str) -> bool | str | None:
    """True / False / UNKNOWN ('不確定', 'not sure'), or None when it is not a yes/no answer."""
    clean = _clean(text).lower()
    if clean.startswith("/affirm"):
        return True
    if clean.startswith("/deny"):
        return False
    if not clean:
        return None
    if _words_in(clean, _UNKNOWN_WORDS):
        return UNKNOWN
    if _words_in(clean, _SURE_WORDS):
        return True
    if _words_in(clean, _NO_WORDS):
        return False
    if _words_in(clean, _YES_WORDS):
        return True
    return None


@dataclass(frozen=True)
class ExportExperience:
    has: bool | str | None
    markets: tuple[str, ...] = ()


_EXPORTED = re.compile(r"(出口|外銷|賣到|賣過|銷往|export|sold to|sell to|ship to|shipped)")


def parse_export_experience(text: str, market_aliases: dict[str, str] | None = None
                            ) -> ExportExperience:
    """'去年有出口到日本' → yes (jp); '還沒出口過' → no; '不確定' → unknown."""
    clean = _clean(text).lower()
    markets: list[str] = []
    for alias, code in sorted((market_aliases or {}).items(), key=lambda kv: -len(kv[0])):
        if alias and alias.lower() in clean and code not in markets:
            markets.append(code)
    answer = parse_yes_no(text)
    if answer is None and (_EXPORTED.search(clean) or markets):
        answer = True
    return ExportExperience(answer, tuple(markets))


def parse_ubn(text: str) -> str | None:
    """The eight digits of a 統一編號 typed with spaces, dashes or full-width digits."""
    clean = _clean(text)
    runs = re.findall(r"\d[\d \-]*\d|\d", clean)
    for run in runs:
        digits = re.sub(r"\D", "", run)
        if len(digits) == 8:
            return digits
    return None
