"""Finds markets, products, certifications and topics in a message with spaCy's PhraseMatcher.

No spaCy model can be downloaded here, and none is needed: a blank multi-language vocabulary and
our own tokenisation (one token per CJK character, whole ASCII words) let the PhraseMatcher find
Chinese terms anywhere in a sentence, independent of word segmentation, while English terms only
match whole words. Short upper-case aliases (US, EU, IP, CE) match case-sensitively so "help us"
is not the United States.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from market_entry.gazetteer import PRODUCT, TermPattern

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’\-+][A-Za-z0-9]+)*|\S")
_CASE_SENSITIVE_MAX = 3
# Owners misspell country names ("Philipines", "Malysia", "Veitnam") and the long English words
# of a topic ("certficate", "labeling"): words they type once and expect to be understood.
# Only labels listed here are matched with typos, each from a length (shorter topic words have
# real words one edit away: patent/parent).
FUZZY_LABELS = {"market": 6, "topic": 8}
_FUZZY_MIN_CHARS = min(FUZZY_LABELS.values())
# Real words close to a market's name or a topic word: a US state, a currency, verb forms.
_CLOSEST_REMEMBERED = 20_000   # words whose closest term is remembered (then forgotten at once)
_NOT_MISSPELT = frozenset({"indiana", "francs", "imported", "importing", "important"})


@dataclass(frozen=True)
class TermMatch:
    label: str
    value: str
    start: int
    end: int
    text: str


def _split(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text)]


def _case_sensitive(phrase: str, label: str = "") -> bool:
    """Short upper-case terms match as written ("US" is not "us", "ETA" is not "eta"); a
    three-letter market name is no English word, so owners' "usa", "uae" match too."""
    letters = phrase.replace(".", "")
    limit = 2 if label == "market" else _CASE_SENSITIVE_MAX
    return letters.isascii() and letters.isupper() and len(letters) <= limit


def _other_number(word: str) -> str | None:
    """The singular of an English plural product word, or the plural of a singular one."""
    if not word.isascii() or not word.isalpha() or len(word) < 4:
        return None
    if word.endswith("ss") or word.lower().endswith(("ies", "ches", "shes", "xes")):
        return None
    return word[:-1] if word.endswith("s") else word + "s"


class TermMatcher:
    def __init__(self, patterns: Iterable[TermPattern],
                 outranks: Mapping[str, Collection[str]] | None = None) -> None:
        """`outranks` maps a product to the products it is a kind of (see Product.outranks)."""
        self._outranks = {k: frozenset(v) for k, v in (outranks or {}).items() if v}
        self._nlp = spacy.blank("xx")
        vocab = self._nlp.vocab
        self._folded = PhraseMatcher(vocab, attr="LOWER")
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        self.size = 0
        self._fuzzy: dict[str, tuple[str, str]] = {}   # lower-case word -> (label, value)
        self._closest_terms: dict[str, tuple[str, str] | None] = {}
        for pattern in patterns:
            words = [w for w, _ in _split(pattern.phrase)]
            if not words:
                continue
            if pattern.label in FUZZY_LABELS and len(words) == 1 and words[0].isalpha() \
                    and words[0].isascii() and len(words[0]) >= FUZZY_LABELS[pattern.label]:
                self._fuzzy.setdefault(words[0].lower(), (pattern.label, pattern.value))
            key = f"{pattern.label}\t{pattern.value}"
            case_sensitive = _case_sensitive(pattern.phrase, pattern.label)
            matcher = self._exact if case_sensitive else self._folded
            docs = [Doc(vocab, words=words)]
            if pattern.label == PRODUCT and not case_sensitive:
                # "instant noodle" for "instant noodles", "sheet mask" and "sheet masks"
                other = _other_number(words[-1])
                if other:
                    docs.append(Doc(vocab, words=[*words[:-1], other]))
            matcher.add(key, docs)
            self.size += 1

    def find(self, text: str) -> list[TermMatch]:
        """Every term in `text`; within one label the longest match wins (印度尼西亞 is not 印度)."""
        pieces = _split(text)
        if not pieces:
            return []
        doc = Doc(self._nlp.vocab, words=[w for w, _ in pieces])
        by_label: dict[str, list[Span]] = {}
        for matcher in (self._folded, self._exact):
            for match_id, start, end in matcher(doc):
                key = self._nlp.vocab.strings[match_id]
                label, value = key.split("\t", 1)
                by_label.setdefault(label, []).append(Span(doc, start, end, label=key))
        self._add_misspelt(doc, pieces, by_label)
        found: list[TermMatch] = []
        for spans in by_label.values():
            for span in filter_spans(spans):
                label, value = span.label_.split("\t", 1)
                begin = pieces[span.start][1]
                last_word, last_start = pieces[span.end - 1]
                finish = last_start + len(last_word)
                found.append(TermMatch(label, value, begin, finish, text[begin:finish]))
        if self._outranks:
            named = {m.value for m in found if m.label == PRODUCT}
            beaten = set().union(*(self._outranks.get(p, ()) for p in named))
            found = [m for m in found if m.label != PRODUCT or m.value not in beaten]
        return sorted(found, key=lambda m: (m.start, m.label))

    def _add_misspelt(self, doc: Doc, pieces: list[tuple[str, int]],
                      by_label: dict[str, list[Span]]) -> None:
        """A word one edit from a market's name or a long topic word (two edits for long
        words) counts as that term, when no other term is as close and the word is not a term
        already."""
        taken = {i for spans in by_label.values() for s in spans for i in range(s.start, s.end)}
        for index, (word, _) in enumerate(pieces):
            lower = word.lower()
            if index in taken or len(word) < _FUZZY_MIN_CHARS or not word.isascii() \
                    or not word.isalpha() or lower in self._fuzzy or lower in _NOT_MISSPELT:
                continue
            term = self._closest(lower)
            if term is None:
                continue
            label, value = term
            key = f"{label}\t{value}"
            self._nlp.vocab.strings.add(key)
            by_label.setdefault(label, []).append(Span(doc, index, index + 1, label=key))


    def _closest(self, lower: str) -> tuple[str, str] | None:
        """The term `lower` is a misspelling of, if exactly one is closest; remembered, since
        owners' words repeat and each lookup measures the word against every fuzzy term."""
        if lower in self._closest_terms:
            return self._closest_terms[lower]
        allowed = 1 if len(lower) < 9 else 2
        best = sorted((distance, name) for name in self._fuzzy
                      if abs(len(name) - len(lower)) <= allowed
                      and (distance := edit_distance(lower, name, allowed)) <= allowed)
        term = None
        if best and not (len(best) > 1 and best[1][0] == best[0][0]
                         and self._fuzzy[best[1][1]] != self._fuzzy[best[0][1]]):
            term = self._fuzzy[best[0][1]]
            if len(lower) < FUZZY_LABELS[term[0]]:
                term = None
        if len(self._closest_terms) >= _CLOSEST_REMEMBERED:
            self._closest_terms.clear()
        self._closest_terms[lower] = term
        return term


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once), or limit + 1 as
    soon as it must exceed `limit`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
