"""LINE gateway benchmark: webhook acknowledgement latency while Rasa is saturated; prints
figures, asserts nothing.

    make bench-line      (or, in the services environment: python -m tests.bench.line_bench)

Starts Redis, the action and Rasa servers (bot environment), the fake LINE API, the gateway and
one worker; keeps Rasa busy with BENCH_LINE_LOAD concurrent REST conversations, and meanwhile
posts BENCH_LINE_EVENTS signed webhook calls (one text message each, BENCH_LINE_CONCURRENCY at
a time). Reports ack latency p50/p99/max, the end-to-end answer time through the worker, and
Rasa's own latency under the load.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.e2e.harness import latest_model, wait_until
from tests.line.stack import LineStack, event, text_message, user_id, user_source

EVENTS = int(os.environ.get("BENCH_LINE_EVENTS", 300))
CONCURRENCY = int(os.environ.get("BENCH_LINE_CONCURRENCY", 8))
LOAD = int(os.environ.get("BENCH_LINE_LOAD", 16))
QUESTIONS = ["我們是做小家電的，想賣到日本需要什麼認證？", "出口美國關稅多少？", "越南食品標示規定？",
             "化妝品外銷歐盟要注意什麼？", "你好"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="line-bench-") as work:
        stack = LineStack(Path(work), latest_model())
        stack.worker_env = {"LINE_WORKER_CONCURRENCY": "8"}
        try:
            stack.start_all()
            stack.start_line()
            run(stack)
        finally:
            stack.stop_all()


def run(stack: LineStack) -> None:
    stop = threading.Event()
    rasa_latencies: list[float] = []

    def saturate(n: int) -> None:
        k = 0
        while not stop.is_set():
            body = json.dumps({"sender": f"load-{n}", "message": QUESTIONS[k % len(QUESTIONS)]})
            request = urllib.request.Request(f"{stack.rasa_url}/webhooks/rest/webhook",
                                             body.encode(), {"Content-Type": "application/json"})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    response.read()
                rasa_latencies.append(time.monotonic() - started)
            except OSError:
                time.sleep(0.2)
            k += 1

    load = [threading.Thread(target=saturate, args=(n,), daemon=True) for n in range(LOAD)]
    for thread in load:
        thread.start()
    time.sleep(5)  # let the load build up

    users = [user_id() for _ in range(EVENTS)]
    sent_at: dict[str, float] = {}

    def one(n: int) -> float:
        uid = users[n]
        ev = event("message", user_source(uid), stack.fake.issue_token(uid, ttl=600),
                   message=text_message(QUESTIONS[n % len(QUESTIONS)]))
        started = time.monotonic()
        sent_at[uid] = time.time()
        status, _ = stack.post_webhook([ev], timeout=30)
        elapsed = time.monotonic() - started
        assert status == 200, status
        return elapsed

    wall = time.monotonic()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        acks = list(pool.map(one, range(EVENTS)))
    ack_wall = time.monotonic() - wall
    rasa_under_load = list(rasa_latencies)
    try:
        wait_until(lambda: len({to for to, _v, _m in stack.fake.delivered()} & set(users)) == EVENTS,
                   900, "every benchmark message answered")
    except RuntimeError as error:
        print(f"warning: {error}")
    stop.set()
    answered_at: dict[str, float] = {}
    for record in stack.fake.records:
        chat = record.body.get("_chat") or record.body.get("to")
        if record.status == 200 and chat in sent_at and chat not in answered_at:
            answered_at[chat] = record.at
    answer_times = [answered_at[u] - sent_at[u] for u in answered_at]

    ms = 1000
    print(f"\nLINE gateway benchmark: {EVENTS} webhook calls ({CONCURRENCY} at a time) while "
          f"{LOAD} concurrent REST conversations saturate Rasa, one worker (concurrency 8)")
    print(f"  webhook ack latency   p50 {statistics.median(acks) * ms:7.1f} ms   "
          f"p99 {percentile(acks, 99) * ms:7.1f} ms   max {max(acks) * ms:7.1f} ms   "
          f"({EVENTS / ack_wall:.0f} calls/s)")
    if rasa_under_load:
        print(f"  Rasa REST under load  p50 {statistics.median(rasa_under_load) * ms:7.1f} ms   "
              f"p99 {percentile(rasa_under_load, 99) * ms:7.1f} ms   "
              f"({len(rasa_under_load)} replies)")
    if answer_times:
        print(f"  LINE answer delivered p50 {statistics.median(answer_times):7.1f} s    "
              f"p99 {percentile(answer_times, 99):7.1f} s    ({len(answer_times)}/{EVENTS} "
              f"answered; queued behind the load)")
    vias = [v for to, v, _m in stack.fake.delivered() if to in sent_at]
    print(f"  delivered via reply {vias.count('reply')}, push {vias.count('push')}")


if __name__ == "__main__":
    main()
