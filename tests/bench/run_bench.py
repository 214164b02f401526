"""Benchmark of the assistant on this machine; prints figures, asserts nothing.

    make bench            (or: python -m tests.bench.run_bench)

Measures, through the REST channel of the real servers: reply latency p50/p95 at concurrency 1
and 8 and throughput at 8; retrieval time per query in-process; full training time; server
memory. A stock `rasa init` bot is trained and measured in the same run as the reference.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import yaml

from tests.e2e.harness import BOT_BIN, REPO, Services, free_port, http_ok, latest_model, wait_until

QUESTIONS = sorted((REPO / "tests/e2e/questions").glob("*.yml"))
REQUESTS_SERIAL = int(os.environ.get("BENCH_SERIAL", 60))
REQUESTS_CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", 160))
CONCURRENCY = 8


def questions() -> list[str]:
    out = []
    for path in QUESTIONS:
        out += [q["text"] for q in yaml.safe_load(path.read_text("utf-8"))["questions"]]
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def post(url: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    return time.perf_counter() - started


def load(url: str, messages: list[str], total: int, concurrency: int) -> dict:
    jobs = [(f"bench-{concurrency}-{i % 40}", messages[i % len(messages)]) for i in range(total)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(lambda job: post(url, *job), jobs))
    elapsed = time.perf_counter() - started
    return {
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * percentile(latencies, 95),
        "throughput": total / elapsed,
    }


def rss_mb(process: subprocess.Popen) -> float:
    parent = psutil.Process(process.pid)
    members = [parent, *parent.children(recursive=True)]
    return sum(p.memory_info().rss for p in members if p.is_running()) / 2**20


def measure_assistant(workdir: Path) -> dict:
    services = Services(workdir, latest_model())
    services.start_all()
    try:
        url = f"{services.rasa_url}/webhooks/rest/webhook"
        messages = questions()
        for text in messages[:5]:
            post(url, "warm-up", text)
        serial = load(url, messages, REQUESTS_SERIAL, 1)
        concurrent = load(url, messages, REQUESTS_CONCURRENT, CONCURRENCY)
        reload_seconds = measure_reload(services)
        return {
            "reload_s": reload_seconds,
            "c1": serial,
            "c8": concurrent,
            "rasa_rss_mb": rss_mb(services.processes["rasa"]),
            "actions_rss_mb": rss_mb(services.processes["actions"]),
        }
    finally:
        services.stop_all()


RELOAD_ENTRY = """\
entries:
  - id: jp-support-bench-reload
    topic: support
    title: {zh-TW: 熱更新量測條目}
    questions: {zh-TW: [日本的量子蜂蜜執照怎麼申請？]}
    answer: {zh-TW: 量測用條目。}
    sources: [{title: Bench, url: "https://www.trade.gov.tw/"}]
    checked: 2026-11-01
    review_by: 2027-05-01
"""


def measure_reload(services: Services) -> float:
    """Seconds from saving a new entry to the first reply that serves it."""
    url = f"{services.rasa_url}/webhooks/rest/webhook"
    (services.knowledge / "markets/jp/zz_bench.yml").write_text(RELOAD_ENTRY, encoding="utf-8")
    started = time.perf_counter()
    while time.perf_counter() - started < 30:
        body = json.dumps({"sender": "bench-reload", "message": "日本的量子蜂蜜執照怎麼申請？"})
        request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            if "jp-support-bench-reload" in response.read().decode():
                return time.perf_counter() - started
        time.sleep(0.1)
    return float("nan")


def measure_reference(workdir: Path) -> dict:
    """A stock `rasa init` bot, trained and served the same way, on the same machine."""
    project = workdir / "rasa-init"
    project.mkdir()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.perf_counter()
    subprocess.run([str(BOT_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
                   cwd=workdir, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    init_seconds = time.perf_counter() - started
    model = next((project / "models").glob("*.tar.gz"))
    port = free_port()
    log = open(workdir / "reference.log", "wb")
    process = subprocess.Popen([str(BOT_BIN / "rasa"), "run", "--model", str(model), "--port",
                                str(port), "--interface", "127.0.0.1"], cwd=project, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: http_ok(f"http://127.0.0.1:{port}/webhooks/rest/"), 300,
                   "The reference bot", process)
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        messages = ["hello", "I am sad", "yes", "goodbye", "are you a bot?", "great"]
        for text in messages:
            post(url, "warm-up", text)
        return {
            "c1": load(url, messages, REQUESTS_SERIAL, 1),
            "c8": load(url, messages, REQUESTS_CONCURRENT, CONCURRENCY),
            "rss_mb": rss_mb(process),
            "init_and_train_s": init_seconds,
        }
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure_retrieval(dense: bool) -> dict:
    """Retrieval and answer per query as the action server runs it: hybrid (lexical + the
    sentence model) unless `dense` is off, then lexical only for comparison."""
    sys.path.insert(0, str(REPO))
    from market_entry.answering import Answerer, Context
    from market_entry.knowledge import KnowledgeStore
    from market_entry.normalise import normalise
    from market_entry.settings import Settings

    answerer = Answerer(KnowledgeStore(REPO / "knowledge"), dense=dense,
                        vector_cache=Settings.from_env().vector_cache_dir)
    messages = questions()
    answerer.warm_up()
    answerer.respond(messages[0], "zh-TW", Context())  # builds the index
    timings = []
    for _ in range(5):
        for text in messages:
            # Each question timed as if new: the served answerer remembers recent texts (their
            # normal form, segmentation and meaning), and a repeat would be timed from memory.
            normalise.cache_clear()
            answerer._term_cache.clear()
            if answerer._semantic is not None:
                answerer._semantic.forget_recent()
            started = time.perf_counter()
            answerer.respond(text, "zh-TW", Context())
            timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    answerer._built_for = None
    answerer.respond(messages[0], "zh-TW", Context())
    rebuild = time.perf_counter() - started
    return {"p50_ms": 1000 * statistics.median(timings), "p95_ms": 1000 * percentile(timings, 95),
            "queries": len(timings), "index_build_ms": 1000 * rebuild}


def measure_training(workdir: Path) -> float:
    # The same settings as scripts/lib.sh's ensure_model: one TensorFlow thread, deterministic.
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONPATH": str(REPO), "TF_INTER_OP_PARALLELISM_THREADS": "1",
           "TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_DETERMINISTIC_OPS": "1"}
    started = time.perf_counter()
    subprocess.run([str(BOT_BIN / "rasa"), "train", "--config", "config.yml", "--domain",
                    "bot/domain.yml", "--data", "data", "--out", str(workdir / "models"),
                    "--force", "--quiet"], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        lexical = measure_retrieval(dense=False)
        retrieval = measure_retrieval(dense=True)
        for name, figures in (("hybrid (served)", retrieval), ("lexical only", lexical)):
            print(f"retrieval+answer per query, {name}: p50 {figures['p50_ms']:.2f} ms, p95 "
                  f"{figures['p95_ms']:.2f} ms over {figures['queries']} queries; index build "
                  f"{figures['index_build_ms']:.0f} ms", flush=True)
        training = measure_training(workdir)
        print(f"full training (rasa train --force): {training:.0f} s", flush=True)
        ours = measure_assistant(workdir)
        ref = measure_reference(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print("| figure | this assistant | stock `rasa init` bot |")
    print("|---|---|---|")
    print(f"| reply p50 / p95, concurrency 1 | {ours['c1']['p50_ms']:.0f} / {ours['c1']['p95_ms']:.0f} ms "
          f"| {ref['c1']['p50_ms']:.0f} / {ref['c1']['p95_ms']:.0f} ms |")
    print(f"| reply p50 / p95, concurrency 8 | {ours['c8']['p50_ms']:.0f} / {ours['c8']['p95_ms']:.0f} ms "
          f"| {ref['c8']['p50_ms']:.0f} / {ref['c8']['p95_ms']:.0f} ms |")
    print(f"| throughput, concurrency 8 | {ours['c8']['throughput']:.1f} replies/s "
          f"| {ref['c8']['throughput']:.1f} replies/s |")
    print(f"| memory (RSS) | Rasa {ours['rasa_rss_mb']:.0f} MB + actions {ours['actions_rss_mb']:.0f} MB "
          f"| {ref['rss_mb']:.0f} MB |")
    print(f"| training | {training:.0f} s | {ref['init_and_train_s']:.0f} s (init + train) |")
    print(f"| knowledge edit served after | {ours['reload_s']:.2f} s (no restart, no retraining) | – |")
    ratio = ours["c8"]["throughput"] / ref["c8"]["throughput"]
    print(f"\nthroughput ratio vs reference: {ratio:.2f} (target ≥ 1.0); hybrid retrieval p95 "
          f"{retrieval['p95_ms']:.2f} ms (target ≤ 30 ms); training {training:.0f} s "
          f"(target < 300 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
