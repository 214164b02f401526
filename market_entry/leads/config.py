"""The staff-edited hand-off files, checked with file:line messages.

knowledge/handoff/scoring.yml   factors and points, threshold, default desk, service times
knowledge/handoff/consent_notice.yml   the PDPA Art. 8 notice (zh-TW, en) and its version
knowledge/handoff/programme_targets.yml   the programme period and targets (officers' console KPIs)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from market_entry.knowledge.model import LANGUAGES, pick
from market_entry.knowledge.schema import Checker, Issue, parse_terms
from market_entry.yaml_source import Located, YamlSyntaxError, load_located

HANDOFF_FOLDER = "handoff"
SCORING_FILE = "scoring.yml"
CONSENT_FILE = "consent_notice.yml"

# The values each factor can take; the code decides which applies, staff set the points.
FACTOR_VALUES: dict[str, tuple[str, ...]] = {
    "screening": ("eligible", "needs_review", "not_eligible", "none"),
    "export_experience": ("has_exported", "not_yet", "unknown"),
    "english_materials": ("ready", "not_ready", "unknown"),
    "timeline": ("within_3_months", "3_to_12_months", "later", "unknown"),
    "product_market_fit": ("covered", "not_covered"),
    "asked_for_person": ("asked", "not_asked"),
}
MAX_POINTS = 100
MAX_WORKING_DAYS = 30
# PDPA Art. 8 para. 1 items 1-6, in the order they are shown.
NOTICE_SECTIONS = ("collector", "purpose", "data_categories", "use", "rights", "declining")
RETENTION_TOKEN = "{retention_days}"


class HandoffConfigError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass(frozen=True)
class Factor:
    id: str
    label: dict[str, str]
    points: dict[str, int]


@dataclass(frozen=True)
class ScoringConfig:
    version: int
    threshold: int
    factors: dict[str, Factor]
    default_desk: str
    service_days: dict[str, int]

    def working_days(self, desk: str) -> int:
        return self.service_days.get(desk, self.service_days.get(self.default_desk, 0))


@dataclass(frozen=True)
class ConsentNotice:
    version: str
    retention_days: int
    sections: dict[str, dict[str, str]]
    question: dict[str, str]

    def text(self, lang: str) -> str:
        """The full notice as shown to the owner, one paragraph per Art. 8 item, then the question."""
        parts = [pick(self.sections[key], lang) for key in NOTICE_SECTIONS]
        parts.append(pick(self.question, lang))
        return "\n".join(p.replace(RETENTION_TOKEN, str(self.retention_days)) for p in parts)


def _read(path: Path, display: str) -> tuple[Located | None, Checker | None, list[Issue]]:
    if not path.is_file():
        return None, None, [Issue(display, 1, "", "file is missing")]
    try:
        doc = load_located(path, display)
    except YamlSyntaxError as error:
        return None, None, [Issue(error.file, error.line, "", error.message)]
    return doc, Checker(doc), []


def _whole_number(checker: Checker, parent: dict, key: str, path, low: int, high: int,
                  required: bool = True) -> int | None:
    value = parent.get(key)
    if value is None:
        if required:
            checker.error(path + (key,), f"missing (a whole number from {low} to {high})")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        checker.error(path + (key,), f"expected a whole number from {low} to {high}, got {value!r}")
        return None
    return value


def _unknown_fields(checker: Checker, item: dict, allowed: tuple[str, ...], path=()) -> None:
    for key in item:
        if key not in allowed:
            checker.error(path + (key,), f"unknown field {key!r} (expected {', '.join(allowed)})")


def parse_scoring(doc: Located, checker: Checker, desks: set[str]) -> ScoringConfig | None:
    top = checker.mapping(doc.data, ())
    if top is None:
        return None
    before = len(checker.issues)
    _unknown_fields(checker, top, ("version", "threshold", "factors", "default_desk",
                                   "service_hours"))
    version = _whole_number(checker, top, "version", (), 1, 10_000)
    threshold = _whole_number(checker, top, "threshold", (), -1000, 1000)
    factors: dict[str, Factor] = {}
    raw_factors = top.get("factors")
    if raw_factors is None:
        checker.error(("factors",), "missing")
    elif checker.mapping(raw_factors, ("factors",)) is not None:
        for name in raw_factors:
            if name not in FACTOR_VALUES:
                checker.error(("factors", name), f"unknown factor {name!r} (expected "
                              f"{', '.join(FACTOR_VALUES)})")
        for name, values in FACTOR_VALUES.items():
            path = ("factors", name)
            if name not in raw_factors:
                checker.error(path, f"factor {name!r} is missing")
                continue
            item = checker.mapping(raw_factors[name], path)
            if item is None:
                continue
            _unknown_fields(checker, item, ("label", "points"), path)
            label = checker.lang_texts(item, "label", path, required_langs=LANGUAGES)
            points = _parse_points(checker, item, path, values)
            if points is not None and len(label) == len(LANGUAGES):
                factors[name] = Factor(name, label, points)
    default_desk = checker.text(top, "default_desk", ())
    if default_desk and default_desk not in desks:
        checker.error(("default_desk",), f"unknown desk {default_desk!r} (see knowledge/desks.yml)")
    service_days = _parse_service(checker, top, desks)
    if len(checker.issues) > before:
        return None
    return ScoringConfig(version, threshold, factors, default_desk, service_days)


def _parse_points(checker: Checker, item: dict, path, values: tuple[str, ...]):
    raw = item.get("points")
    if raw is None:
        checker.error(path + ("points",), "missing")
        return None
    if checker.mapping(raw, path + ("points",)) is None:
        return None
    points: dict[str, int] = {}
    for key in raw:
        if key not in values:
            yes_no = isinstance(key, bool) or key in ("True", "False")
            hint = " (write the value name, not yes/no)" if yes_no else ""
            checker.error(path + ("points", key), f"unknown value {key!r}{hint}; expected "
                          f"{', '.join(values)}")
    for value in values:
        if value not in raw:
            checker.error(path + ("points",), f"points for {value!r} are missing")
            continue
        number = _whole_number(checker, raw, value, path + ("points",), -MAX_POINTS, MAX_POINTS)
        if number is not None:
            points[value] = number
    return points if len(points) == len(values) else None


def _parse_service(checker: Checker, top: dict, desks: set[str]) -> dict[str, int]:
    raw = top.get("service_hours")
    if raw is None:
        checker.error(("service_hours",), "missing (working days per desk)")
        return {}
    if checker.mapping(raw, ("service_hours",)) is None:
        return {}
    out = {}
    for desk, value in raw.items():
        path = ("service_hours", desk)
        if desk not in desks:
            checker.error(path, f"unknown desk {desk!r} (see knowledge/desks.yml)")
            continue
        item = checker.mapping(value, path)
        if item is None:
            continue
        _unknown_fields(checker, item, ("working_days",), path)
        days = _whole_number(checker, item, "working_days", path, 1, MAX_WORKING_DAYS)
        if days is not None:
            out[desk] = days
    for desk in sorted(desks - set(raw)):
        checker.error(("service_hours",), f"desk {desk!r} has no service time")
    return out


def parse_consent(doc: Located, checker: Checker) -> ConsentNotice | None:
    top = checker.mapping(doc.data, ())
    if top is None:
        return None
    before = len(checker.issues)
    _unknown_fields(checker, top, ("version", "retention_days", "sections", "question"))
    version = top.get("version")
    if version is None:
        checker.error(("version",), "missing")
    elif not isinstance(version, (str, int)) or isinstance(version, bool) or not str(version).strip():
        checker.error(("version",), f"expected a version text, got {version!r}")
    retention = _whole_number(checker, top, "retention_days", (), 1, 3650)
    sections: dict[str, dict[str, str]] = {}
    raw = top.get("sections")
    if raw is None:
        checker.error(("sections",), "missing (the six items of PDPA Art. 8)")
    elif checker.mapping(raw, ("sections",)) is not None:
        _unknown_fields(checker, raw, NOTICE_SECTIONS, ("sections",))
        for key in NOTICE_SECTIONS:
            if key not in raw:
                checker.error(("sections",), f"section {key!r} is missing (PDPA Art. 8)")
                continue
            sections[key] = checker.lang_texts(raw, key, ("sections",), required_langs=LANGUAGES)
            _check_braces(checker, sections[key], ("sections", key), key == "use")
    question = checker.lang_texts(top, "question", (), required_langs=LANGUAGES)
    if len(checker.issues) > before:
        return None
    return ConsentNotice(str(version).strip(), retention, sections, question)


def _check_braces(checker: Checker, texts: dict[str, str], path, needs_retention: bool) -> None:
    for lang, text in texts.items():
        rest = text.replace(RETENTION_TOKEN, "")
        if "{" in rest or "}" in rest:
            checker.error(path + (lang,), f"only {RETENTION_TOKEN} may be written in braces")
        if needs_retention and RETENTION_TOKEN not in text:
            checker.error(path + (lang,), f"must state the period with {RETENTION_TOKEN}")


def _load(path: Path, display: str, parse) -> Any:
    doc, checker, issues = _read(path, display)
    if doc is None:
        raise HandoffConfigError(issues)
    result = parse(doc, checker)
    if checker.issues or result is None:
        raise HandoffConfigError(checker.issues)
    return result


def knowledge_desks(knowledge_root: Path) -> set[str]:
    """Desk ids from knowledge/desks.yml."""
    display = str(Path(knowledge_root.name) / "desks.yml")
    doc, checker, issues = _read(knowledge_root / "desks.yml", display)
    if doc is None:
        raise HandoffConfigError(issues)
    terms = parse_terms(doc, "desks", checker)
    if checker.issues:
        raise HandoffConfigError(checker.issues)
    return {t.id for t in terms}


def load_scoring(knowledge_root: Path, desks: set[str] | None = None) -> ScoringConfig:
    knowledge_root = Path(knowledge_root)
    desks = knowledge_desks(knowledge_root) if desks is None else desks
    path = knowledge_root / HANDOFF_FOLDER / SCORING_FILE
    display = str(Path(knowledge_root.name) / HANDOFF_FOLDER / SCORING_FILE)
    return _load(path, display, lambda doc, checker: parse_scoring(doc, checker, desks))


def load_consent_notice(knowledge_root: Path) -> ConsentNotice:
    knowledge_root = Path(knowledge_root)
    path = knowledge_root / HANDOFF_FOLDER / CONSENT_FILE
    display = str(Path(knowledge_root.name) / HANDOFF_FOLDER / CONSENT_FILE)
    return _load(path, display, parse_consent)


# -- the programme's targets (knowledge/handoff/programme_targets.yml), for the officers' console --
TARGETS_FILE = "programme_targets.yml"
YEARS = (2000, 2100)
ROC_OFFSET = 1911          # 民國 year = Western year − 1911


@dataclass(frozen=True)
class ProgrammeTargets:
    """What the whole programme (all desks together) must reach over its period."""

    version: int
    start_year: int
    end_year: int
    matchmaking_cases: int
    matched_value_ntd: int

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start_year, self.end_year + 1))

    def per_year(self, total: int) -> float:
        """The even yearly pace of a period target (total / number of years)."""
        return total / len(self.years)


def parse_programme_targets(doc: Located, checker: Checker) -> ProgrammeTargets | None:
    top = checker.mapping(doc.data, ())
    if top is None:
        return None
    before = len(checker.issues)
    _unknown_fields(checker, top, ("version", "period", "targets"))
    version = _whole_number(checker, top, "version", (), 1, 10_000)
    start = end = cases = value = None
    period = top.get("period")
    if period is None:
        checker.error(("period",), "missing (start_year and end_year)")
    elif checker.mapping(period, ("period",)) is not None:
        _unknown_fields(checker, period, ("start_year", "end_year"), ("period",))
        start = _whole_number(checker, period, "start_year", ("period",), *YEARS)
        end = _whole_number(checker, period, "end_year", ("period",), *YEARS)
        if start is not None and end is not None and end < start:
            checker.error(("period", "end_year"), f"the period ends ({end}) before it starts "
                          f"({start})")
    targets = top.get("targets")
    if targets is None:
        checker.error(("targets",), "missing (matchmaking_cases and matched_value_ntd)")
    elif checker.mapping(targets, ("targets",)) is not None:
        _unknown_fields(checker, targets, ("matchmaking_cases", "matched_value_ntd"), ("targets",))
        cases = _whole_number(checker, targets, "matchmaking_cases", ("targets",), 1, 1_000_000)
        value = _whole_number(checker, targets, "matched_value_ntd", ("targets",), 1, 10**15)
    if len(checker.issues) > before:
        return None
    return ProgrammeTargets(version, start, end, cases, value)


def load_programme_targets(knowledge_root: Path) -> ProgrammeTargets:
    knowledge_root = Path(knowledge_root)
    path = knowledge_root / HANDOFF_FOLDER / TARGETS_FILE
    display = str(Path(knowledge_root.name) / HANDOFF_FOLDER / TARGETS_FILE)
    return _load(path, display, parse_programme_targets)
