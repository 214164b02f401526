"""Finds markets, products, certifications and topics in a message with spaCy's PhraseMatcher.

No spaCy model can be downloaded here, and none is needed: a blank multi-language vocabulary and
our own tokenisation (one token per CJK character, whole ASCII words) let the PhraseMatcher find
Chinese terms anywhere in a sentence, independent of word segmentation, while English terms only
match whole words. Short upper-case aliases (US, EU, IP, CE) match case-sensitively so "help us"
is not the United States.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from market_entry.gazetteer import TermPattern

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’\-+][A-Za-z0-9]+)*|\S")
_CASE_SENSITIVE_MAX = 3


@dataclass(frozen=True)
class TermMatch:
    label: str
    value: str
    start: int
    end: int
    text: str


def _split(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text)]


def _case_sensitive(phrase: str) -> bool:
    letters = phrase.replace(".", "")
    return letters.isascii() and letters.isupper() and len(letters) <= _CASE_SENSITIVE_MAX


class TermMatcher:
    def __init__(self, patterns: Iterable[TermPattern]) -> None:
        self._nlp = spacy.blank("xx")
        vocab = self._nlp.vocab
        self._folded = PhraseMatcher(vocab, attr="LOWER")
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        self.size = 0
        for pattern in patterns:
            words = [w for w, _ in _split(pattern.phrase)]
            if not words:
                continue
            key = f"{pattern.label}\t{pattern.value}"
            matcher = self._exact if _case_sensitive(pattern.phrase) else self._folded
            matcher.add(key, [Doc(vocab, words=words)])
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
        found: list[TermMatch] = []
        for spans in by_label.values():
            for span in filter_spans(spans):
                label, value = span.label_.split("\t", 1)
                begin = pieces[span.start][1]
                last_word, last_start = pieces[span.end - 1]
                finish = last_start + len(last_word)
                found.append(TermMatch(label, value, begin, finish, text[begin:finish]))
        return sorted(found, key=lambda m: (m.start, m.label))
