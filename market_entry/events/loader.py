"""Reads and validates knowledge/events/events.yml, with file:line messages for staff.

Market codes must be packs in knowledge/markets/, sectors products and certifications ids of
knowledge/vocabulary.yml, and every eligibility rule a known rule type with valid parameters.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from market_entry.eligibility import RULE_TYPES, RuleSpec
from market_entry.events.model import KINDS, Catalogue, Event
from market_entry.knowledge.schema import Checker, Issue, is_web_url
from market_entry.yaml_source import YamlSyntaxError, load_located

EVENTS_FILE = Path("events") / "events.yml"
SHORT_NAME_MAX = 13  # "Check: " + short name must fit LINE's 20-character button label
FIELDS = {
    "id", "name", "short_name", "market", "city", "starts", "ends", "registration_opens",
    "registration_deadline", "organiser", "sectors", "kind", "fee_twd", "fee_note", "subsidy",
    "subsidy_note", "url", "confirmed", "real_show", "eligibility", "aliases", "notes",
}


class EventsError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def known_ids(root: Path) -> tuple[set[str], set[str], set[str]]:
    """Market pack codes, product ids and certification ids the catalogue may refer to."""
    markets = {p.parent.name for p in (root / "markets").glob("*/market.yml")}
    vocab = yaml.safe_load((root / "vocabulary.yml").read_text("utf-8")) or {}
    products = {p["id"] for p in vocab.get("products", []) if isinstance(p, dict) and "id" in p}
    certs = {c["id"] for c in vocab.get("certifications", []) if isinstance(c, dict) and "id" in c}
    return markets, products, certs


def load_events(root: Path) -> Catalogue:
    """The catalogue in `root` (the knowledge folder), or EventsError listing every problem."""
    root = Path(root)
    path = root / EVENTS_FILE
    display = str(Path(root.name) / EVENTS_FILE)
    if not path.is_file():
        raise EventsError([Issue(display, 1, "", "file is missing")])
    try:
        doc = load_located(path, display)
    except YamlSyntaxError as error:
        raise EventsError([Issue(error.file, error.line, "", error.message)]) from error
    markets, products, certs = known_ids(root)
    checker = Checker(doc)
    events = parse_events(checker, markets, products, certs)
    if checker.issues:
        raise EventsError(checker.issues)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return Catalogue(tuple(events), digest)


def parse_events(checker: Checker, markets: set[str], products: set[str], certs: set[str]
                 ) -> list[Event]:
    top = checker.mapping(checker.doc.data, ())
    if top is None:
        return []
    events, seen = [], set()
    for i, raw in enumerate(checker.items(top, "events", ())):
        event = _parse_event(checker, raw, ("events", i), markets, products, certs)
        if event is None:
            continue
        if event.id in seen:
            checker.error(("events", i, "id"), f"duplicate id {event.id!r}")
            continue
        seen.add(event.id)
        events.append(event)
    if not events and not checker.issues:
        checker.error(("events",), "needs at least one event")
    return events


def _bool(checker: Checker, item: dict, key: str, path, default: bool | None = None):
    value = item.get(key, default)
    if not isinstance(value, bool):
        checker.error(path + (key,), "expected true or false" + ("" if key in item else
                                                                  " (missing)"))
        return False
    return value


def _parse_event(checker: Checker, raw: Any, path, markets, products, certs) -> Event | None:
    item = checker.mapping(raw, path)
    if item is None:
        return None
    before = len(checker.issues)
    event_id = checker.ident(item, "id", path)
    name = checker.lang_texts(item, "name", path, required_langs=("zh-TW", "en"))
    short = checker.lang_texts(item, "short_name", path, required_langs=("zh-TW", "en"))
    for lang, text in short.items():
        if len(text) > SHORT_NAME_MAX:
            checker.error(path + ("short_name", lang),
                          f"at most {SHORT_NAME_MAX} characters (button label), got {len(text)}")
    market = checker.text(item, "market", path)
    if market and market not in markets:
        checker.error(path + ("market",), f"unknown market {market!r} (see knowledge/markets/)")
    city = checker.lang_texts(item, "city", path, required_langs=("zh-TW", "en"))
    organiser = checker.lang_texts(item, "organiser", path, required_langs=("zh-TW", "en"))
    starts = checker.day(item, "starts", path)
    ends = checker.day(item, "ends", path)
    deadline = checker.day(item, "registration_deadline", path)
    opens = checker.day(item, "registration_opens", path) if "registration_opens" in item else None
    if starts and ends and ends < starts:
        checker.error(path + ("ends",), "must not be before `starts`")
    if starts and deadline and deadline > starts:
        checker.error(path + ("registration_deadline",), "must not be after `starts`")
    if opens and deadline and opens > deadline:
        checker.error(path + ("registration_opens",), "must not be after `registration_deadline`")
    sectors = checker.known_ids(item, "sectors", path, products, "product")
    if "sectors" not in item or not sectors and not checker.issues[before:]:
        checker.error(path + ("sectors",), "needs at least one product id")
    kind = checker.text(item, "kind", path)
    if kind and kind not in KINDS:
        checker.error(path + ("kind",), f"expected one of {', '.join(KINDS)}, got {kind!r}")
    url = checker.text(item, "url", path)
    if url and not is_web_url(url):
        checker.error(path + ("url",), f"{url!r} is not an absolute http(s) URL")
    confirmed = _bool(checker, item, "confirmed", path)
    real_show = _bool(checker, item, "real_show", path)
    subsidy = _bool(checker, item, "subsidy", path, default=False)
    fee = item.get("fee_twd")
    if fee is not None and (not isinstance(fee, int) or isinstance(fee, bool) or fee < 0):
        checker.error(path + ("fee_twd",), f"expected a whole amount in NT$ (0 = free), got {fee!r}")
        fee = None
    fee_note = checker.lang_texts(item, "fee_note", path, ()) if "fee_note" in item else {}
    subsidy_note = (checker.lang_texts(item, "subsidy_note", path, ())
                    if "subsidy_note" in item else {})
    aliases = tuple(str(a) for a in checker.items(item, "aliases", path, required=False))
    rules = _parse_rules(checker, item, path, certs, products)
    for key in item:
        if key not in FIELDS:
            checker.error(path + (key,), f"unknown field {key!r}")
    if len(checker.issues) > before:
        return None
    return Event(
        id=event_id, name=name, short_name=short, market=market, city=city, starts=starts,
        ends=ends, registration_deadline=deadline, registration_opens=opens,
        organiser=organiser, sectors=sectors, kind=kind, url=url, confirmed=confirmed,
        real_show=real_show, rules=rules, fee_twd=fee, fee_note=fee_note, subsidy=subsidy,
        subsidy_note=subsidy_note, aliases=aliases, file=checker.doc.file,
        line=checker.doc.line(path),
    )


def _parse_rules(checker: Checker, item: dict, path, certs: set[str], products: set[str]
                 ) -> tuple[RuleSpec, ...]:
    specs, seen = [], set()
    raw_rules = checker.items(item, "eligibility", path)
    if "eligibility" in item and not raw_rules:
        checker.error(path + ("eligibility",), "needs at least one rule")
    for i, raw in enumerate(raw_rules):
        rpath = path + ("eligibility", i)
        rule = checker.mapping(raw, rpath)
        if rule is None:
            continue
        kind = checker.text(rule, "rule", rpath)
        if kind is None:
            continue
        if kind not in RULE_TYPES:
            checker.error(rpath + ("rule",),
                          f"unknown rule {kind!r} (one of {', '.join(sorted(RULE_TYPES))})")
            continue
        if kind in seen:
            checker.error(rpath + ("rule",), f"rule {kind!r} is listed twice")
        seen.add(kind)
        params = {k: v for k, v in rule.items() if k != "rule"}
        for key in params:
            if key not in RULE_TYPES[kind].params:
                checker.error(rpath + (key,), f"rule {kind!r} has no parameter {key!r}")
        if kind == "certifications":
            ids = checker.known_ids(rule, "certifications", rpath, certs, "certification")
            if not ids and "certifications" not in rule:
                checker.error(rpath + ("certifications",), "missing (certification ids)")
            params["certifications"] = ids
        if kind == "sector_in" and "sectors" in rule:
            params["sectors"] = checker.known_ids(rule, "sectors", rpath, products, "product")
        if kind == "sme" and "small_scale" in rule and not isinstance(rule["small_scale"], bool):
            checker.error(rpath + ("small_scale",), "expected true or false")
        specs.append(RuleSpec(kind, params))
    return tuple(specs)


def validate_cli(root: Path, today: date | None = None) -> tuple[int, str]:
    try:
        catalogue = load_events(root)
    except EventsError as error:
        lines = [str(i) for i in error.issues]
        lines.append(f"{len(error.issues)} problem(s) found in the events catalogue.")
        return 1, "\n".join(lines)
    today = today or date.today()
    estimates = sum(1 for e in catalogue.events if not e.confirmed)
    upcoming = sum(1 for e in catalogue.events if not e.is_past(today))
    return 0, (f"OK: {len(catalogue.events)} events ({upcoming} upcoming, {estimates} with "
               "estimated dates).")
