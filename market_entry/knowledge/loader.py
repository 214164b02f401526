"""Reads the knowledge folder into a validated KnowledgeBase.

Either every file is valid and a complete KnowledgeBase comes back, or KnowledgeError lists every
issue found (not just the first), so an editor fixes a batch of mistakes in one go.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from market_entry.knowledge.model import KnowledgeBase, Market, Product, Term
from market_entry.knowledge.schema import (
    Checker,
    Issue,
    Vocab,
    parse_countries,
    parse_entries,
    parse_market,
    parse_terms,
)
from market_entry.yaml_source import Located, YamlSyntaxError, load_located

MARKET_FILE = "market.yml"
QUESTION_WORDS_FILE = "question_words.yml"
QUESTION_WORD_IDS = frozenset({"setting", "broad", "company_setup", "trade", "not_our_job"})


class KnowledgeError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def knowledge_files(root: Path) -> list[Path]:
    """Every file the knowledge base is built from, in a stable order."""
    return sorted(p for p in root.rglob("*.yml") if p.is_file() and not p.name.startswith("."))


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in knowledge_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_knowledge(root: Path, today: date | None = None) -> KnowledgeBase:
    root = Path(root)
    today = today or date.today()
    issues: list[Issue] = []

    def read(path: Path) -> tuple[Located | None, Checker | None]:
        display = _display(path, root)
        if not path.is_file():
            issues.append(Issue(display, 1, "", "file is missing"))
            return None, None
        try:
            doc = load_located(path, display)
        except YamlSyntaxError as error:
            issues.append(Issue(error.file, error.line, "", error.message))
            return None, None
        return doc, Checker(doc)

    def terms(name: str, key: str, factory=Term) -> dict:
        doc, checker = read(root / name)
        if doc is None:
            return {}
        found = parse_terms(doc, key, checker, factory)
        issues.extend(checker.issues)
        return _unique(found, doc, key, issues)

    topics = terms("topics.yml", "topics")
    desks = terms("desks.yml", "desks")
    products = terms("vocabulary.yml", "products", Product)
    certifications = terms("vocabulary.yml", "certifications")
    question_words = terms(QUESTION_WORDS_FILE, "question_words")
    for missing in sorted(QUESTION_WORD_IDS - set(question_words)):
        if (root / QUESTION_WORDS_FILE).is_file():
            issues.append(Issue(_display(root / QUESTION_WORDS_FILE, root), 1, "question_words",
                                f"missing the {missing!r} words (answering.py reads them)"))

    markets: dict[str, Market] = {}
    market_dirs = sorted(p for p in (root / "markets").iterdir() if p.is_dir()) if (
        root / "markets"
    ).is_dir() else []
    for folder in market_dirs:
        doc, checker = read(folder / MARKET_FILE)
        if doc is None:
            continue
        market = parse_market(doc, checker, set(desks), folder.name)
        issues.extend(checker.issues)
        if market:
            markets[market.id] = market

    countries, groups = {}, {}
    doc, checker = read(root / "countries.yml")
    if doc is not None:
        found_countries, found_groups = parse_countries(doc, checker, set(markets))
        issues.extend(checker.issues)
        countries = {c.id: c for c in found_countries}
        groups = {g.id: g for g in found_groups}

    vocab = Vocab(set(topics), set(products), set(certifications))
    entries = []
    seen: dict[str, str] = {}
    for folder in market_dirs:
        if folder.name not in markets:
            continue
        for path in sorted(folder.glob("*.yml")):
            if path.name == MARKET_FILE:
                continue
            doc, checker = read(path)
            if doc is None:
                continue
            found = parse_entries(doc, checker, folder.name, vocab, today)
            issues.extend(checker.issues)
            for entry in found:
                for code in entry.also_for:
                    if code not in markets or markets[code].serves_all_markets:
                        issues.append(Issue(entry.file, entry.line, "also_for",
                                            f"unknown market {code!r}"))
                if entry.id in seen:
                    issues.append(
                        Issue(entry.file, entry.line, "id",
                              f"duplicate id {entry.id!r} (also in {seen[entry.id]})")
                    )
                else:
                    seen[entry.id] = f"{entry.file}:{entry.line}"
                    entries.append(entry)

    if issues:
        raise KnowledgeError(issues)
    return KnowledgeBase(
        markets=markets,
        entries=tuple(entries),
        topics=topics,
        desks=desks,
        products=products,
        certifications=certifications,
        question_words=question_words,
        countries=countries,
        groups=groups,
        fingerprint=fingerprint(root),
    )


def _display(path: Path, root: Path) -> str:
    """Paths in messages start at the knowledge folder's name, as staff see it in the repo."""
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _unique(found: list, doc: Located, key: str, issues: list[Issue]) -> dict:
    out = {}
    for i, term in enumerate(found):
        if term.id in out:
            issues.append(Issue(doc.file, doc.line((key, i)), f"{key}[{i}].id",
                                f"duplicate id {term.id!r}"))
        out[term.id] = term
    return out
