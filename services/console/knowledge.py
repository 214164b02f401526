"""What the console reads from the knowledge folder (KNOWLEDGE_DIR), with market_entry's validating
readers, so a mistake is reported as file:line like everywhere else:

- the desks (`desks.yml`), read once per process: accounts, queues and roles are keyed by them,
  so a new desk needs a restart;
- the reference data behind the codes a lead carries — market names (`markets/*/market.yml`,
  `countries.yml`), product names (`vocabulary.yml`), trade events (`events/events.yml`), score
  factors (`handoff/scoring.yml`) — and the programme targets (`handoff/programme_targets.yml`).
  These are reloaded when a file changes, keeping the last good version
  (market_entry.hot_reload), so staff edits show within seconds.

Only the few files named above are read, not the packs' entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from market_entry.events.loader import EVENTS_FILE, EventsError, load_events
from market_entry.hot_reload import HotReloading
from market_entry.knowledge.model import Product, pick
from market_entry.knowledge.schema import (
    Checker,
    Issue,
    parse_countries,
    parse_market,
    parse_terms,
)
from market_entry.leads.config import (
    HANDOFF_FOLDER,
    SCORING_FILE,
    TARGETS_FILE,
    HandoffConfigError,
    ProgrammeTargets,
    load_programme_targets,
    load_scoring,
)
from market_entry.yaml_source import YamlSyntaxError, load_located
from services.console.settings import knowledge_dir

LANG = "zh-TW"


class KnowledgeFilesError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def _document(root: Path, relative: str):
    path = root / relative
    display = str(Path(root.name) / relative)
    if not path.is_file():
        raise KnowledgeFilesError([Issue(display, 1, "", "file is missing")])
    try:
        doc = load_located(path, display)
    except YamlSyntaxError as error:
        raise KnowledgeFilesError([Issue(error.file, error.line, "", error.message)]) from None
    return doc, Checker(doc)


def _checked(checker: Checker, value):
    if checker.issues:
        raise KnowledgeFilesError(checker.issues)
    return value


# desks -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Desk:
    id: str
    name: str           # zh-TW


@lru_cache(maxsize=4)
def load_desks(root: Path) -> tuple[Desk, ...]:
    doc, checker = _document(Path(root), "desks.yml")
    terms = _checked(checker, parse_terms(doc, "desks", checker))
    if not terms:
        raise KnowledgeFilesError([Issue(doc.file, 1, "desks", "no desk is defined")])
    return tuple(Desk(t.id, t.name(LANG)) for t in terms)


def desks() -> tuple[Desk, ...]:
    """The desks of knowledge/desks.yml (KNOWLEDGE_DIR), in file order; read once."""
    return load_desks(knowledge_dir())


def desk_ids() -> tuple[str, ...]:
    return tuple(d.id for d in desks())


def desk_names() -> dict[str, str]:
    return {d.id: d.name for d in desks()}


# reference data ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """One consistent version of the names behind codes (zh-TW) and the programme targets."""

    markets: dict[str, str]      # pack markets, then countries and groups without a pack
    products: dict[str, str]
    events: dict[str, str]
    factors: dict[str, str]      # score factor → its label in scoring.yml
    targets: ProgrammeTargets


def _market_names(root: Path, desks: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    folders = sorted(p for p in (root / "markets").iterdir() if p.is_dir()) \
        if (root / "markets").is_dir() else []
    for folder in folders:
        if not (folder / "market.yml").is_file():
            continue
        doc, checker = _document(root, f"markets/{folder.name}/market.yml")
        market = _checked(checker, parse_market(doc, checker, desks, folder.name))
        if market is not None:
            names[market.id] = market.name(LANG)
    doc, checker = _document(root, "countries.yml")
    countries, groups = _checked(checker, parse_countries(doc, checker, set(names)))
    for term in (*countries, *groups):
        names.setdefault(term.id, term.name(LANG))
    return names


def load_reference(root: Path, desks: tuple[str, ...]) -> Reference:
    root = Path(root)
    doc, checker = _document(root, "vocabulary.yml")
    products = _checked(checker, parse_terms(doc, "products", checker, Product))
    try:
        catalogue = load_events(root)
        scoring = load_scoring(root, set(desks))
        targets = load_programme_targets(root)
    except (EventsError, HandoffConfigError) as error:
        raise KnowledgeFilesError(error.issues) from None
    return Reference(
        markets=_market_names(root, set(desks)),
        products={p.id: p.name(LANG) for p in products},
        events={e.id: e.title(LANG) for e in catalogue.events},
        factors={f.id: pick(f.label, LANG) for f in scoring.factors.values()},
        targets=targets,
    )


def reference_files(root: Path) -> list[Path]:
    handoff = root / HANDOFF_FOLDER
    return [root / "desks.yml", root / "vocabulary.yml", root / "countries.yml",
            *sorted((root / "markets").glob("*/market.yml")), root / EVENTS_FILE,
            handoff / SCORING_FILE, handoff / TARGETS_FILE]


class ReferenceStore(HotReloading[Reference]):
    """The last good Reference, reloaded when one of its files changes (checked at most every
    `check_interval` seconds, on the console's thread pool)."""

    def __init__(self, root: Path, check_interval: float = 2.0) -> None:
        self.root = Path(root)
        super().__init__("console reference file",
                         load=lambda: load_reference(
                             self.root, tuple(d.id for d in load_desks(self.root))),
                         stamp=self._stamp, error_type=KnowledgeFilesError,
                         check_interval=check_interval)

    def _stamp(self) -> tuple:
        stamp = []
        for path in reference_files(self.root):
            try:
                stat = path.stat()
            except OSError:
                continue
            stamp.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamp)
