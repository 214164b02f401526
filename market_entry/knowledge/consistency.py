"""The consistency check: key facts agree across entries and with the answers that state them.

An owner acts on what an answer says, so two entries must not state the same fact differently
(one entry saying an exemption ended, another that it applies), and an answer must not drift from
the facts its entry declares. Facts are data (`facts:` in an entry); this module

- compares them by name across the packs (same name, different value → an issue at each entry);
- looks for each fact's numbers and dates in every language of the entry's answer (dates written
  as 2026-01-01, 2026年1月1日, 115年1月1日, 1 January 2026, January 1, 2026 or to the month;
  numbers as 1,500, 12萬, 2 million, 15%);
- flags an answer that states a different percentage or amount right next to the fact's key
  words ("VAT is 10%" when th.vat_rate says 7%): deliberately narrow, so every finding is a real
  disagreement (see `_answer_contradicts`).

Every volatile entry declares its facts, because those are the ones that go stale.

Pure functions over a KnowledgeBase, run by `knowledge_tool validate` and in the test command.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from market_entry.knowledge.model import Entry, Fact, KnowledgeBase
from market_entry.knowledge.schema import Issue

MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# Each pattern yields (year, month, day); day may be missing ("July 2026", "2026年7月").
_DATE_PATTERNS = (
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?!\d)"), ("y", "m", "d")),
    (re.compile(r"(?<!\d)(\d{2,4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?"), ("y", "m", "d")),
    (re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_MONTH})\.?,?\s+(\d{{4}})", re.IGNORECASE), ("d", "M", "y")),
    (re.compile(rf"(?<![A-Za-z])({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})", re.IGNORECASE),
     ("M", "d", "y")),
    (re.compile(rf"(?<![A-Za-z])({_MONTH})\.?\s+(\d{{4}})", re.IGNORECASE), ("M", "y")),
)
# Python's \w includes CJK characters, so the look-behind names ASCII word characters: a number
# right after Chinese text (低於750瓦) is still a number, and so is one written against an
# upper-case currency code (RM500, USD800).
_CODES_BEFORE_DIGITS = ("RM", "Rp", "Rs", "USD", "EUR", "MYR", "THB", "PHP", "IDR", "INR", "VND",
                        "AED", "MXN", "JPY", "TWD", "NTD")
_NUMBER = re.compile(r"(?:(?<![A-Za-z0-9_.])|" + "|".join(f"(?<={c})" for c in _CODES_BEFORE_DIGITS)
                     + r")(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*"
                     r"(萬|億|million|billion|m\b|bn\b)?", re.IGNORECASE)
_MULTIPLIERS = {"萬": 10_000, "億": 100_000_000, "million": 1_000_000, "m": 1_000_000,
                "billion": 1_000_000_000, "bn": 1_000_000_000}
ROC_OFFSET = 1911


def dates_in(text: str) -> set[tuple[int, int, int | None]]:
    """Dates written in the ways our answers write them: ISO, 2026年7月24日, ROC 115年7月24日,
    24 July 2026, July 24, 2026, and month precision (July 2026, 2026年7月)."""
    found: set[tuple[int, int, int | None]] = set()
    for pattern, order in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            year = int(parts["y"])
            if year < 200:
                year += ROC_OFFSET
            if not 1900 <= year <= 2100:
                continue
            month = MONTHS[parts["M"].lower()] if "M" in parts else int(parts["m"])
            day = int(parts["d"]) if parts.get("d") else None
            if 1 <= month <= 12 and (day is None or 1 <= day <= 31):
                found.add((year, month, day))
    return found


def _without_dates(text: str) -> str:
    for pattern, _ in _DATE_PATTERNS:
        text = pattern.sub(" ", text)
    return text


def numbers_in(text: str, as_written: bool = True) -> set[float]:
    """Numbers outside dates, with 萬/億/million expanded and, unless `as_written` is false, also
    kept as written (新臺幣12萬元 states both 12 and 120,000; a fact of "2 million" wants
    2,000,000, which an answer may write 200萬)."""
    found: set[float] = set()
    for match in _NUMBER.finditer(_without_dates(text)):
        value = float(match.group(1).replace(",", ""))
        if match.group(2):
            found.add(value * _MULTIPLIERS[match.group(2).lower()])
        if as_written or not match.group(2):
            found.add(value)
    return found


def _same_date(wanted: tuple[int, int, int | None], stated: set[tuple[int, int, int | None]]) -> bool:
    year, month, day = wanted
    return any(y == year and m == month and (day is None or d == day) for y, m, d in stated)


def _normal(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().casefold())


def check_consistency(kb: KnowledgeBase) -> list[Issue]:
    """Every problem as an Issue at the fact's (or the entry's) file:line."""
    issues: list[Issue] = []
    by_name: dict[str, list[tuple[Entry, Fact]]] = defaultdict(list)
    for entry in kb.entries:
        if not entry.published:
            continue
        if entry.volatile and not entry.facts:
            issues.append(Issue(entry.file, entry.line, "facts",
                                f"{entry.id} is volatile: declare its key facts (name, value, as_of)"))
        seen_here: set[str] = set()
        for fact in entry.facts:
            if fact.name in seen_here:
                issues.append(Issue(entry.file, fact.line, "facts.name",
                                    f"{fact.name} is declared twice in {entry.id}"))
            seen_here.add(fact.name)
            by_name[fact.name].append((entry, fact))
            issues.extend(_answer_disagrees(entry, fact))
            issues.extend(_answer_contradicts(entry, fact))
    for name, stated in sorted(by_name.items()):
        values = {_normal(f.value) for _, f in stated}
        if len(values) < 2:
            continue
        for entry, fact in stated:
            others = "; ".join(f"{e.id} says {f.value!r} ({e.file}:{f.line})"
                               for e, f in stated if f is not fact)
            issues.append(Issue(entry.file, fact.line, "facts.value",
                                f"{name} = {fact.value!r} in {entry.id}, but {others}"))
    return sorted(issues, key=lambda i: (i.file, i.line))


def _answer_disagrees(entry: Entry, fact: Fact) -> list[Issue]:
    """The fact's dates and numbers must be stated in every language's answer."""
    issues = []
    wanted_dates = dates_in(fact.value)
    wanted_numbers = numbers_in(fact.value, as_written=False)
    for lang, text in entry.answer.items():
        stated_dates = dates_in(text)
        stated_numbers = numbers_in(text)
        missing = [_show_date(d) for d in sorted(wanted_dates, key=_sort_key)
                   if not _same_date(d, stated_dates)]
        missing += [_show_number(n) for n in sorted(wanted_numbers) if n not in stated_numbers]
        if missing:
            issues.append(Issue(entry.file, fact.line, "facts.value",
                                f"{fact.name} = {fact.value!r}, but the {lang} answer of {entry.id} "
                                f"does not state {', '.join(missing)}"))
    return issues


# Quantities with a unit, for "the answer states a different value next to the fact's key word":
# percentages, and money in the currencies of our markets (written form → ISO code).
_CURRENCY_CODES = {
    "US$": "USD", "USD": "USD", "美元": "USD", "美金": "USD", "$": "USD",
    "NT$": "TWD", "NTD": "TWD", "TWD": "TWD", "新臺幣": "TWD", "新台幣": "TWD", "臺幣": "TWD",
    "台幣": "TWD",
    "RM": "MYR", "MYR": "MYR", "令吉": "MYR", "馬幣": "MYR",
    "THB": "THB", "泰銖": "THB", "baht": "THB", "฿": "THB",
    "PHP": "PHP", "₱": "PHP",
    "MXN": "MXN",
    "EUR": "EUR", "€": "EUR", "歐元": "EUR", "euro": "EUR", "euros": "EUR",
    "JPY": "JPY", "¥": "JPY", "円": "JPY", "日圓": "JPY", "日幣": "JPY", "日元": "JPY", "yen": "JPY",
    "VND": "VND", "越南盾": "VND",
    "IDR": "IDR", "Rp": "IDR", "印尼盾": "IDR", "rupiah": "IDR",
    "INR": "INR", "₹": "INR", "Rs": "INR", "盧比": "INR", "rupees": "INR",
    "AED": "AED", "迪拉姆": "AED", "dirham": "AED", "dirhams": "AED",
}
_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(萬|億|million|billion|bn\b)?"
_CURRENCY = "|".join(re.escape(c) for c in sorted(_CURRENCY_CODES, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?:(?<![A-Za-z0-9])({_CURRENCY})\s?{_AMOUNT}(?:\s*元)?"        # NT$120,000 / RM 500 / 新臺幣12萬元
    rf"|(?<![A-Za-z0-9_.,]){_AMOUNT}\s*(?:(%|％|percent\b|per cent\b)"  # 16% / 16 percent
    rf"|({_CURRENCY})(?![A-Za-z])))",                                  # 500令吉 / 10,000 yen
    re.IGNORECASE,
)
# Words too general to tie a number to one fact (they occur next to many numbers).
_GENERIC_WORDS = frozenset("""
    rate rates standard general threshold thresholds limit limits amount amounts value values min
    max minimum maximum date dates start end term terms scope cap caps fee fees tax taxes duty
    duties status period rule rules new current total law act import imports export exports goods
    product products taiwan taiwanese section sales use class small low high size level mandatory
    registration application notification deadline force extra global trade target regulation
    protocol transition cover credit political safety food annual year years month months days
    time first second other non fta mfn base basic additional
    the and for from with per more less than over above under below any may not each about since
    then one two most least only also all into after before until within plus including
    excluding such its their this that these those are was were has have had been can must will
    shall our your who which when where what
    usd twd ntd myr thb php mxn eur jpy vnd idr inr aed yen baht euro euros rupees rupiah dirham
    dirhams
""".split())
# Where the words about one number end: punctuation, and the conjunctions that start another
# item ("over €450 million net turnover and the CSDDD to …" is not about the CSDDD).
_CLAUSE_BREAK = re.compile(r"[。；;,，、\n:：()（）與和及或而]|\.(?:\s|$)|\b(?:and|or|but|while|whereas)\b",
                           re.IGNORECASE)
_WINDOW = 30


def quantities_in(text: str) -> list[tuple[int, int, str, float]]:
    """(start, end, unit, value) of every percentage and amount of money: unit is "%" or an ISO
    currency code; 萬/億/million are expanded (新臺幣12萬元 is TWD 120000)."""
    found = []
    for match in _QUANTITY.finditer(text):
        if match.group(1):
            unit, number, multiplier = _CURRENCY_CODES[_currency_key(match.group(1))], *match.group(2, 3)
        else:
            number, multiplier = match.group(4, 5)
            unit = "%" if match.group(6) else _CURRENCY_CODES[_currency_key(match.group(7))]
        value = float(number.replace(",", ""))
        if multiplier:
            value *= _MULTIPLIERS[multiplier.lower()]
        found.append((match.start(), match.end(), unit, value))
    return found


def _currency_key(written: str) -> str:
    return next(c for c in _CURRENCY_CODES if c.lower() == written.lower())


def key_words(fact: Fact) -> tuple[list[str], list[str]]:
    """The words that tie a number in an answer to `fact`: the specific words of its name
    (th.vat_rate → vat), and the content words written next to its numbers in its value
    ("NT$120,000 per booth" → booth)."""
    named = _specific(re.split(r"[._]", fact.name.split(".", 1)[-1]))
    beside: list[str] = []
    for start, end, _, _ in quantities_in(fact.value):
        left, right = _windows(fact.value, start, end, _number_spans(fact.value))
        beside += re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", left + " " + right)
    return named, [w for w in _specific(beside) if w not in named]


def _specific(words: list[str]) -> list[str]:
    return [w for w in dict.fromkeys(w.lower() for w in words)
            if len(w) >= 3 and w.isalpha() and w not in _GENERIC_WORDS]


def _number_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _NUMBER.finditer(text)]


def _windows(text: str, start: int, end: int, numbers: list[tuple[int, int]]) -> tuple[str, str]:
    """The whole words of the same clause just before and just after text[start:end], up to
    another number and at most _WINDOW characters away."""
    left_edge = max([e for s, e in numbers if e <= start] + [start - _WINDOW, 0])
    right_edge = min([s for s, e in numbers if s >= end] + [end + _WINDOW, len(text)])
    left = _CLAUSE_BREAK.split(text[left_edge:start])[-1]
    right = _CLAUSE_BREAK.split(text[end:right_edge])[0]
    if left_edge == start - _WINDOW and left_edge > 0 and text[left_edge - 1].isalpha():
        left = re.sub(r"^\w+", "", left)            # a word cut by the window is not a word
    if right_edge == end + _WINDOW and right_edge < len(text) and text[right_edge].isalpha():
        right = re.sub(r"\w+$", "", right)
    return left, right


def stated_about(text: str, named: list[str], beside: list[str]) -> list[tuple[str, str, float]]:
    """(snippet, unit, value) of each percentage or amount in `text` that has, in the same clause
    right next to it with no other number between, one of the `named` words and a second word
    of `named` or `beside` (one word is enough when the fact has only one)."""
    need = min(2, len(named) + len(beside))
    if not named:
        return []
    numbers = _number_spans(text)
    found = []
    for start, end, unit, value in quantities_in(text):
        inner = [(s, e) for s, e in numbers if not start <= s < end]
        left, right = _windows(text, start, end, inner)
        near = f"{left} {right}".lower()
        hits = [w for w in named + beside
                if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", near)]
        if len(hits) >= need and any(w in named for w in hits):
            found.append(((left + text[start:end] + right).strip(), unit, value))
    return found


def _answer_contradicts(entry: Entry, fact: Fact) -> list[Issue]:
    """An answer stating a different percentage or amount right next to the fact's key words
    ("VAT is 10%" when th.vat_rate says 7%). Only units the fact states one value in are
    compared, so a fact listing several rates ("0%, 5% or 10%") is never contradicted."""
    declared: dict[str, set[float]] = defaultdict(set)
    for _, _, unit, value in quantities_in(fact.value):
        declared[unit].add(value)
    single = {unit: next(iter(values)) for unit, values in declared.items() if len(values) == 1}
    if not single:
        return []
    issues = []
    for lang, text in entry.answer.items():
        for snippet, unit, value in stated_about(text, *key_words(fact)):
            if unit in single and value != single[unit]:
                issues.append(Issue(entry.file, fact.line, "facts.value",
                                    f"{fact.name} = {fact.value!r}, but the {lang} answer of "
                                    f"{entry.id} says {snippet!r}"))
    return issues


def _sort_key(d: tuple[int, int, int | None]) -> tuple[int, int, int]:
    return d[0], d[1], d[2] or 0


def _show_date(d: tuple[int, int, int | None]) -> str:
    year, month, day = d
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _show_number(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def facts_due(kb: KnowledgeBase, today: date) -> list[tuple[Entry, Fact]]:
    """Facts confirmed before a known change date that has now passed: the value may be stale."""
    return [(entry, fact) for entry in kb.entries if entry.published for fact in entry.facts
            if fact.changes_on and fact.as_of < fact.changes_on <= today]
