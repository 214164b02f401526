"""The schema of the knowledge files, checked field by field with file:line messages.

Written by hand rather than with a JSON-schema library so each message can say, in words a
knowledge editor understands, which field is wrong and what is expected, and so the check runs the
same in both Python environments without another dependency.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlparse

from market_entry.knowledge.model import (
    LANGUAGES,
    Country,
    Entry,
    Fact,
    Market,
    MarketGroup,
    Product,
    Source,
    Term,
)
from market_entry.yaml_source import Located, PathKey

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FACT_NAME = re.compile(r"^[a-z]{2}\.[a-z0-9_]+(\.[a-z0-9_]+)*$")
STATUSES = ("published", "draft")
MAX_VOLATILE_REVIEW_DAYS = 92


@dataclass(frozen=True)
class Issue:
    """One problem in one file, at one line, in one field."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f" {self.field}:" if self.field else ""
        return f"{self.file}:{self.line}:{where} {self.message}"


def field_name(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class Checker:
    """Collects issues for one located document."""

    def __init__(self, doc: Located) -> None:
        self.doc = doc
        self.issues: list[Issue] = []

    def error(self, path: PathKey, message: str) -> None:
        self.issues.append(Issue(self.doc.file, self.doc.line(path), field_name(path), message))

    def mapping(self, value: Any, path: PathKey) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping (key: value), got {_kind(value)}")
            return None
        return value

    def items(self, parent: dict, key: str, path: PathKey, required: bool = True) -> list:
        value = parent.get(key)
        if value is None:
            if required:
                self.error(path + (key,), "missing (a list is required)")
            return []
        if not isinstance(value, list):
            self.error(path + (key,), f"expected a list, got {_kind(value)}")
            return []
        return value

    def text(self, parent: dict, key: str, path: PathKey, required: bool = True) -> str | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.error(path + (key,), "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path + (key,), f"expected non-empty text, got {_kind(value)}")
            return None
        return value.strip()

    def ident(self, parent: dict, key: str, path: PathKey) -> str | None:
        value = self.text(parent, key, path)
        if value is not None and not ID_PATTERN.match(value):
            self.error(path + (key,), f"{value!r} is not an id (lowercase a-z, 0-9, - and _)")
            return None
        return value

    def lang_texts(self, parent: dict, key: str, path: PathKey, required_langs=("zh-TW",)):
        """A {zh-TW: text, en: text} mapping."""
        raw = parent.get(key)
        if raw is None:
            self.error(path + (key,), f"missing (needs {', '.join(required_langs)})")
            return {}
        value = self.mapping(raw, path + (key,))
        if value is None:
            return {}
        self._unknown_langs(value, path + (key,))
        out = {}
        for lang in LANGUAGES:
            text = self.text(value, lang, path + (key,), required=lang in required_langs)
            if text:
                out[lang] = text
        return out

    def lang_lists(self, parent: dict, key: str, path: PathKey, required_langs=("zh-TW",)):
        """A {zh-TW: [text, ...], en: [text, ...]} mapping."""
        raw = parent.get(key)
        if raw is None:
            self.error(path + (key,), f"missing (needs {', '.join(required_langs)})")
            return {}
        value = self.mapping(raw, path + (key,))
        if value is None:
            return {}
        self._unknown_langs(value, path + (key,))
        out = {}
        for lang in LANGUAGES:
            items = self.items(value, lang, path + (key,), required=lang in required_langs)
            words = []
            for i, item in enumerate(items):
                if isinstance(item, (str, int, float)) and str(item).strip():
                    words.append(str(item).strip())
                else:
                    self.error(path + (key, lang, i), f"expected text, got {_kind(item)}")
            if lang in required_langs and items and not words:
                self.error(path + (key, lang), "needs at least one text")
            out[lang] = tuple(words)
        return out

    def day(self, parent: dict, key: str, path: PathKey) -> date | None:
        value = parent.get(key)
        if value is None:
            self.error(path + (key,), "missing (a date, YYYY-MM-DD)")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(path + (key,), f"expected a date YYYY-MM-DD, got {value!r}")
        return None

    def known_ids(self, parent: dict, key: str, path: PathKey, known: set[str], what: str):
        items = self.items(parent, key, path, required=False)
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or item not in known:
                self.error(path + (key, i), f"unknown {what} {item!r} (see {_WHERE[what]})")
            else:
                out.append(item)
        return tuple(out)

    def _unknown_langs(self, value: dict, path: PathKey) -> None:
        for lang in value:
            if lang not in LANGUAGES:
                self.error(path + (lang,), f"unknown language {lang!r} (use zh-TW or en)")


_WHERE = {
    "topic": "knowledge/topics.yml",
    "desk": "knowledge/desks.yml",
    "product": "knowledge/vocabulary.yml",
    "certification": "knowledge/vocabulary.yml",
    "market": "knowledge/markets/",
}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "yes/no"}.get(
        type(value), type(value).__name__
    )


def parse_terms(doc: Located, key: str, checker: Checker, factory: Callable = Term) -> list:
    """Topics, desks, products, certifications: lists of {id, names, aliases}."""
    top = checker.mapping(doc.data, ())
    if top is None:
        return []
    terms = []
    for i, raw in enumerate(checker.items(top, key, ())):
        path = (key, i)
        item = checker.mapping(raw, path)
        if item is None:
            continue
        term_id = checker.ident(item, "id", path)
        names = checker.lang_texts(item, "names", path, required_langs=LANGUAGES)
        aliases = checker.lang_lists(item, "aliases", path, required_langs=()) if "aliases" in item else {}
        extra = {}
        if factory is Product and "family" in item:
            extra["family"] = checker.ident(item, "family", path) or ""
        if factory is Product and "outranks" in item:
            extra["outranks"] = _raw_ids(checker, item, "outranks", path)
        if term_id:
            terms.append(factory(id=term_id, names=names, aliases=aliases, **extra))
    if factory is Product:
        known = {t.id for t in terms}
        for i, term in enumerate(terms):
            for j, other in enumerate(term.outranks):
                if other not in known or other == term.id:
                    checker.error((key, i, "outranks", j),
                                  f"unknown product {other!r} (another id in this file)")
    return terms


def _raw_ids(checker: Checker, item: dict, key: str, path: PathKey) -> tuple[str, ...]:
    """A list of ids checked for form only: what they refer to is checked once all are read."""
    out = []
    for i, value in enumerate(checker.items(item, key, path, required=False)):
        if isinstance(value, str) and ID_PATTERN.match(value):
            out.append(value)
        else:
            checker.error(path + (key, i), f"{value!r} is not an id (lowercase a-z, 0-9, - and _)")
    return tuple(out)


def parse_market(doc: Located, checker: Checker, desks: set[str], folder: str) -> Market | None:
    item = checker.mapping(doc.data, ())
    if item is None:
        return None
    code = checker.ident(item, "code", ())
    if code and code != folder:
        checker.error(("code",), f"code {code!r} must match its folder name {folder!r}")
    names = checker.lang_texts(item, "names", (), required_langs=LANGUAGES)
    aliases = checker.lang_lists(item, "aliases", (), required_langs=()) if "aliases" in item else {}
    serves_all = item.get("serves_all_markets", False)
    if not isinstance(serves_all, bool):
        checker.error(("serves_all_markets",), "expected true or false")
        serves_all = False
    desk = checker.text(item, "desk", (), required=not serves_all)
    if desk and desk not in desks:
        checker.error(("desk",), f"unknown desk {desk!r} (see {_WHERE['desk']})")
    if serves_all and any(aliases.values()):
        checker.error(("aliases",), "a pack serving all markets is not a destination: no aliases")
    for key in item:
        if key not in ("code", "names", "aliases", "desk", "serves_all_markets"):
            checker.error((key,), f"unknown field {key!r}")
    if not code or (not desk and not serves_all):
        return None
    return Market(id=code, names=names, aliases=aliases, desk=desk or "",
                  serves_all_markets=serves_all)


def parse_countries(doc: Located, checker: Checker, markets: set[str]):
    top = checker.mapping(doc.data, ())
    if top is None:
        return [], []
    countries = []
    for i, raw in enumerate(checker.items(top, "countries", ())):
        path = ("countries", i)
        item = checker.mapping(raw, path)
        if item is None:
            continue
        code = checker.ident(item, "code", path)
        names = checker.lang_texts(item, "names", path, required_langs=LANGUAGES)
        aliases = checker.lang_lists(item, "aliases", path, required_langs=())
        if code in markets:
            checker.error(path + ("code",), f"{code!r} has a pack now: remove it from this list")
        elif code:
            countries.append(Country(id=code, names=names, aliases=aliases))
    groups = []
    for i, raw in enumerate(checker.items(top, "groups", (), required=False)):
        path = ("groups", i)
        item = checker.mapping(raw, path)
        if item is None:
            continue
        group_id = checker.ident(item, "id", path)
        names = checker.lang_texts(item, "names", path, required_langs=LANGUAGES)
        aliases = checker.lang_lists(item, "aliases", path, required_langs=())
        members = checker.known_ids(item, "markets", path, markets, "market")
        if group_id:
            groups.append(MarketGroup(id=group_id, names=names, aliases=aliases, markets=members))
    return countries, groups


@dataclass(frozen=True)
class Vocab:
    """The ids an entry may refer to."""

    topics: set[str]
    products: set[str]
    certifications: set[str]


def parse_entries(doc: Located, checker: Checker, market: str, vocab: Vocab, today: date):
    top = checker.mapping(doc.data, ())
    if top is None:
        return []
    entries = []
    for i, raw in enumerate(checker.items(top, "entries", ())):
        entry = _parse_entry(raw, ("entries", i), checker, market, vocab, today)
        if entry is not None:
            entries.append(entry)
    return entries


def _parse_entry(raw, path, checker: Checker, market: str, vocab: Vocab, today: date):
    item = checker.mapping(raw, path)
    if item is None:
        return None
    before = len(checker.issues)
    entry_id = checker.ident(item, "id", path)
    if entry_id and not entry_id.startswith(market + "-"):
        checker.error(path + ("id",), f"id {entry_id!r} must start with the market code '{market}-'")
    topic = checker.text(item, "topic", path)
    if topic and topic not in vocab.topics:
        checker.error(path + ("topic",), f"unknown topic {topic!r} (see {_WHERE['topic']})")
    title = checker.lang_texts(item, "title", path)
    questions = checker.lang_lists(item, "questions", path)
    answer = checker.lang_texts(item, "answer", path)
    sources = _parse_sources(item, path, checker)
    checked = checker.day(item, "checked", path)
    review_by = checker.day(item, "review_by", path)
    if checked and checked > today:
        checker.error(path + ("checked",), f"{checked} is in the future")
    if checked and review_by and review_by <= checked:
        checker.error(path + ("review_by",), "must be after `checked`")
    volatile = item.get("volatile", False)
    if not isinstance(volatile, bool):
        checker.error(path + ("volatile",), "expected true or false")
        volatile = False
    if volatile and checked and review_by and (review_by - checked).days > MAX_VOLATILE_REVIEW_DAYS:
        checker.error(
            path + ("review_by",),
            f"volatile entries must be reviewed within {MAX_VOLATILE_REVIEW_DAYS} days of `checked`",
        )
    status = item.get("status", "published")
    if status not in STATUSES:
        checker.error(path + ("status",), f"expected one of {', '.join(STATUSES)}, got {status!r}")
    products = checker.known_ids(item, "products", path, vocab.products, "product")
    certifications = checker.known_ids(
        item, "certifications", path, vocab.certifications, "certification"
    )
    facts = _parse_facts(item, path, checker, today)
    checked_by = checker.text(item, "checked_by", path, required=False) or ""
    review_note = checker.text(item, "review_note", path, required=False) or ""
    places = []
    for i, place in enumerate(checker.items(item, "places", path, required=False)):
        if isinstance(place, str) and place.strip():
            places.append(place.strip())
        else:
            checker.error(path + ("places", i), f"expected a place name, got {_kind(place)}")
    also_for = []
    for i, code in enumerate(checker.items(item, "also_for", path, required=False)):
        if isinstance(code, str) and code.strip() and code.strip() != market:
            also_for.append(code.strip())
        else:
            checker.error(path + ("also_for", i),
                          f"expected another market's code, got {code!r}")
    for key in item:
        if key not in _ENTRY_FIELDS:
            checker.error(path + (key,), f"unknown field {key!r}")
    if len(checker.issues) > before:
        return None
    return Entry(
        id=entry_id,
        market=market,
        topic=topic,
        title=title,
        questions=questions,
        answer=answer,
        sources=sources,
        checked=checked,
        review_by=review_by,
        products=products,
        certifications=certifications,
        volatile=volatile,
        status=status,
        facts=facts,
        checked_by=checked_by,
        review_note=review_note,
        places=tuple(places),
        also_for=tuple(also_for),
        file=checker.doc.file,
        line=checker.doc.line(path),
    )


_ENTRY_FIELDS = {
    "id", "topic", "title", "questions", "answer", "sources", "checked", "review_by",
    "products", "certifications", "volatile", "status", "notes", "facts", "checked_by",
    "review_note", "places", "also_for",
}


def _parse_facts(item: dict, path: PathKey, checker: Checker, today: date) -> tuple[Fact, ...]:
    """`facts: [{name, value, as_of, changes_on?}]`: key facts the answer states, as data."""
    facts = []
    for i, raw in enumerate(checker.items(item, "facts", path, required=False)):
        fpath = path + ("facts", i)
        fact = checker.mapping(raw, fpath)
        if fact is None:
            continue
        before = len(checker.issues)
        name = checker.text(fact, "name", fpath)
        if name and not FACT_NAME.match(name):
            checker.error(fpath + ("name",), f"{name!r} is not a fact name (market code, a dot, "
                          "then lowercase words: th.low_value_duty_exemption)")
        value = fact.get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            checker.error(fpath + ("value",), "expected the value as text, e.g. \"10%\" or "
                          "\"ended 2026-01-01\"")
        as_of = checker.day(fact, "as_of", fpath)
        if as_of and as_of > today:
            checker.error(fpath + ("as_of",), f"{as_of} is in the future")
        changes_on = checker.day(fact, "changes_on", fpath) if "changes_on" in fact else None
        for key in fact:
            if key not in ("name", "value", "as_of", "changes_on", "note"):
                checker.error(fpath + (key,), f"unknown field {key!r}")
        if len(checker.issues) == before:
            facts.append(Fact(name=name, value=value.strip(), as_of=as_of, changes_on=changes_on,
                              line=checker.doc.line(fpath)))
    return tuple(facts)


def _parse_sources(item: dict, path: PathKey, checker: Checker) -> tuple[Source, ...]:
    sources = []
    raw_sources = checker.items(item, "sources", path)
    if "sources" in item and not raw_sources:
        checker.error(path + ("sources",), "needs at least one official source")
    for i, raw in enumerate(raw_sources):
        spath = path + ("sources", i)
        source = checker.mapping(raw, spath)
        if source is None:
            continue
        title = checker.text(source, "title", spath)
        url = checker.text(source, "url", spath)
        if url and not is_web_url(url):
            checker.error(spath + ("url",), f"{url!r} is not an absolute http(s) URL")
            continue
        if title and url:
            sources.append(Source(title=title, url=url))
    return tuple(sources)


def is_web_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in url
