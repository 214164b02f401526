"""Word segmentation for Traditional Chinese mixed with English.

Used by the NLU tokenizer and by retrieval so both see the same words. jieba runs on a Simplified
projection of the text (see `normalise.to_simplified_projection`) with the domain vocabulary of the
knowledge packs added as whole words, then the tokens are mapped back to the original characters.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba

from market_entry.normalise import to_simplified_projection

_jieba_log = logging.getLogger("jieba")
_jieba_log.setLevel(logging.WARNING)

# Latin words keep inner slashes between letters: payment terms (D/A, D/P, O/A, L/C, T/T) are
# words owners type, and split into single letters they would vanish as stopwords.
_WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.+\-']|/(?=[A-Za-z]))*|[\u3400-\u9fff\uf900-\ufaff]+|\S")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class Token:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's own dictionary, loaded once per process (most of a second); every Segmenter
    starts from a copy, so domain words still never leak between instances."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.FREQ, tokenizer.total


def _new_tokenizer() -> jieba.Tokenizer:
    frequencies, total = _base_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(frequencies), total
    tokenizer.initialized = True
    return tokenizer


class Segmenter:
    """A jieba instance of our own, so domain words never leak into another user of jieba."""

    def __init__(self, domain_words: Iterable[str] = ()) -> None:
        self._jieba = _new_tokenizer()
        self._lock = threading.Lock()
        self._domain_words: set[str] = set()
        self.add_words(domain_words)

    def add_words(self, words: Iterable[str]) -> int:
        """Add domain words; no frequency is given so jieba keeps them whole (a low frequency
        would make segmentation worse, as measured in the Rasa notes). Returns how many were new."""
        added = 0
        with self._lock:
            for word in words:
                if _CJK_RUN.search(word) and word not in self._domain_words:
                    self._domain_words.add(word)
                    self._jieba.add_word(to_simplified_projection(word))
                    added += 1
        return added

    def tokenize(self, text: str) -> list[Token]:
        """Tokens of `text` with their offsets; whitespace is dropped, punctuation kept."""
        tokens: list[Token] = []
        for match in _WORD.finditer(text):
            piece = match.group()
            if _CJK_RUN.fullmatch(piece):
                tokens.extend(self._segment_cjk(piece, match.start()))
            else:
                tokens.append(Token(piece, match.start()))
        return tokens

    def _segment_cjk(self, run: str, offset: int) -> list[Token]:
        projected = to_simplified_projection(run)
        with self._lock:
            words = list(self._jieba.cut(projected, HMM=True))
        out: list[Token] = []
        position = 0
        for word in words:
            out.append(Token(run[position : position + len(word)], offset + position))
            position += len(word)
        return out

    def words(self, text: str) -> list[str]:
        return [t.text for t in self.tokenize(text)]
