"""Gazetteers generated from the knowledge packs.

The NLU entity extractor, the word segmenter and retrieval all learn their domain words from the
packs, so staff teach the assistant a new alias by editing YAML, never NLU training data.
"""

from __future__ import annotations

from dataclasses import dataclass

from market_entry.knowledge.model import KnowledgeBase

MARKET, PRODUCT, CERTIFICATION, TOPIC = "market", "product", "certification", "topic"
LABELS = (MARKET, PRODUCT, CERTIFICATION, TOPIC)


@dataclass(frozen=True)
class TermPattern:
    label: str
    value: str
    phrase: str


def term_patterns(kb: KnowledgeBase) -> list[TermPattern]:
    patterns: list[TermPattern] = []
    for table in (kb.markets, kb.countries, kb.groups):
        for code, place in table.items():
            patterns += [TermPattern(MARKET, code, p) for p in place.all_aliases()]
    for label, table in ((PRODUCT, kb.products), (CERTIFICATION, kb.certifications),
                         (TOPIC, kb.topics)):
        for term_id, term in table.items():
            patterns += [TermPattern(label, term_id, p) for p in term.all_aliases()]
    return list(dict.fromkeys(patterns))


def product_precedence(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Products that give way to a narrower one named in the same message (肉乾 to 狗狗吃的)."""
    return {p.id: p.outranks for p in kb.products.values() if p.outranks}


def domain_words(kb: KnowledgeBase) -> list[str]:
    """Chinese words the segmenter must keep whole (小家電, 電氣用品安全法, 碳邊境調整機制…)."""
    return sorted({p.phrase for p in term_patterns(kb) if not p.phrase.isascii()})
