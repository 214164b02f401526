"""The consistency check: key facts agree across entries and with the answers that state them.

An owner acts on what an answer says, so two entries must not state the same fact differently
(one entry saying an exemption ended, another that it applies), and an answer must not drift from
the facts its entry declares. Facts are data (`facts:` in an entry); this module compares them by
name across the packs and looks for each fact's numbers and dates in the entry's answer texts.
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
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})", re.IGNORECASE), ("M", "d", "y")),
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})", re.IGNORECASE), ("M", "y")),
)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(萬|億|million|billion|m\b|bn\b)?",
                     re.IGNORECASE)
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


def numbers_in(text: str) -> set[float]:
    """Numbers outside dates, with 萬/億/million expanded as well as kept as written
    (新臺幣12萬元 states both 12 and 120,000)."""
    found: set[float] = set()
    for match in _NUMBER.finditer(_without_dates(text)):
        value = float(match.group(1).replace(",", ""))
        found.add(value)
        if match.group(2):
            found.add(value * _MULTIPLIERS[match.group(2).lower()])
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
    for name, stated in sorted(by_name.items()):
        values = {_normal(f.value) for _, f in stated}
        if len(values) < 2:
            continue
        for entry, fact in stated:
            others = "; ".join(f"{e.id} says {f.value!r} ({e.file}:{f.line})"
                               for e, f in stated if e is not entry)
            issues.append(Issue(entry.file, fact.line, "facts.value",
                                f"{name} = {fact.value!r} in {entry.id}, but {others}"))
    return sorted(issues, key=lambda i: (i.file, i.line))


def _answer_disagrees(entry: Entry, fact: Fact) -> list[Issue]:
    """The fact's dates and numbers must be stated in every language's answer."""
    issues = []
    wanted_dates = dates_in(fact.value)
    wanted_numbers = numbers_in(fact.value)
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
