"""Scale-out proof: two Rasa servers and two action servers on one Redis, behind round-robin
proxies (tests/e2e/proxy.py), with 50 owners talking at once.

    owners ──► proxy ──► rasa-1 / rasa-2 ──► proxy ──► actions-1 / actions-2
                  (per request)     │   (per request)
                                    ▼
                     Redis: tracker:*, lock:*, leads:*

Every request goes to the next replica in turn, so consecutive messages of one conversation are
handled by different Rasa servers and different action servers: the conversation state must
live in Redis (tracker store), one conversation's messages must be handled one at a time across
replicas (lock store), and a hand-off must create exactly one lead whichever replica runs it and
however often the owner confirms.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import redis

from market_entry import redis_keys
from market_entry.leads.store import LeadStore
from tests.e2e.harness import Services, buttons, latest_model, texts
from tests.e2e.proxy import UPSTREAM_HEADER, RoundRobinProxy

pytestmark = pytest.mark.servers

OWNERS = int(os.environ.get("SCALE_OUT_OWNERS", "50"))   # at most 100 (phone numbers)
REPLICAS = 2
MAX_FORM_TURNS = 16
TIMEOUT = 600           # seconds per request: 2 cores shared by 4 servers and 50 owners

QUESTION = "我們是做小家電的，想賣到日本需要什麼認證？"
CONFIRM = "確認送出"


def answers(owner: int) -> list[tuple[str, str]]:
    """The hand-off form's answers; the phone number is the owner's own, to tell leads apart."""
    return [("公司名稱", "大同精密有限公司"), ("聯絡人姓名", "王小明"), ("職稱", "業務經理"),
            ("電子郵件", f"owner{owner}@example.com"), ("出口經驗", "有"),
            ("公司規模", "30人"), ("協助的事項", "想找日本的代理商"), ("進入市場", "3個月內"),
            ("統一編號", "04595257"), ("聯絡電話", f"09{12345600 + owner}")]


def phone_shown(owner: int) -> str:
    digits = f"09{12345600 + owner}"
    return f"{digits[:4]}-{digits[4:7]}-{digits[7:]}"


@dataclass
class Cluster:
    services: Services
    rasa_proxy: RoundRobinProxy
    action_proxy: RoundRobinProxy
    startup: dict[str, float]

    def chat(self, sender: str, message: str) -> tuple[int, list, int, float]:
        """(HTTP status, replies, replica index, seconds) of one message through the proxy."""
        request = urllib.request.Request(
            self.rasa_proxy.url + "/webhooks/rest/webhook",
            json.dumps({"sender": sender, "message": message}).encode(),
            {"Content-Type": "application/json"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                status, body = response.status, response.read()
                upstream = int(response.headers.get(UPSTREAM_HEADER, -1))
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
            upstream = int(error.headers.get(UPSTREAM_HEADER, -1))
        elapsed = time.monotonic() - started
        try:
            replies = json.loads(body)
        except ValueError:
            replies = [{"text": f"<not JSON: {body[:200]!r}>"}]
        return status, replies, upstream, elapsed

    def tracker(self, sender: str) -> dict:
        url = (f"{self.rasa_proxy.url}/conversations/{sender}/tracker"
               f"?token={self.services.token}")
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    services = Services(tmp_path_factory.mktemp("scale-out"), latest_model())
    proxies: list[RoundRobinProxy] = []
    startup: dict[str, float] = {}
    try:
        services.copy_knowledge()
        services.start_redis()
        started = time.monotonic()
        action_ports = services.start_action_replicas(REPLICAS)
        startup["action servers"] = time.monotonic() - started
        action_proxy = RoundRobinProxy([f"http://127.0.0.1:{p}" for p in action_ports]).start()
        proxies.append(action_proxy)
        started = time.monotonic()
        rasa_ports = services.start_rasa_replicas(REPLICAS, action_proxy.url + "/webhook")
        startup["Rasa servers"] = time.monotonic() - started
        rasa_proxy = RoundRobinProxy([f"http://127.0.0.1:{p}" for p in rasa_ports]).start()
        proxies.append(rasa_proxy)
        # the first message a fresh server handles builds its inference graphs (~20 s): do
        # that once per replica before the clock starts (the figures name it separately)
        started = time.monotonic()
        for port in rasa_ports:
            for message in (QUESTION, "那標籤呢？"):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                    json.dumps({"sender": f"warm-up-{port}", "message": message}).encode(),
                    {"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                    assert response.status == 200
        startup["first messages"] = time.monotonic() - started
    except Exception:
        for name in list(services.processes):
            log = services.log(name)
            if log.exists():
                print(f"--- {name} log (tail) ---\n" + log.read_text(errors="replace")[-3000:])
        for proxy in proxies:
            proxy.stop()
        services.stop_all()
        raise
    yield Cluster(services, rasa_proxy, action_proxy, startup)
    for proxy in proxies:
        proxy.stop()
    services.stop_all()


@dataclass
class Owner:
    number: int
    sender: str
    sent: list[str] = field(default_factory=list)
    upstreams: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    confirmations: int = 0


def say(cluster: Cluster, owner: Owner, message: str, record: threading.Lock | None = None
        ) -> str:
    if record is None:
        owner.sent.append(message)
    else:                            # concurrent resend: both messages are recorded
        with record:
            owner.sent.append(message)
    status, replies, upstream, elapsed = cluster.chat(owner.sender, message)
    owner.upstreams.append(upstream)
    owner.seconds.append(elapsed)
    text = texts(replies)
    if status != 200 or not replies or not (text or buttons(replies)):
        owner.problems.append(f"{message!r}: HTTP {status}, replies {replies!r}")
    return text


def expect(owner: Owner, what: str, ok: bool, text: str) -> None:
    if not ok:
        owner.problems.append(f"{what}: {text[:300]!r}")


def converse(cluster: Cluster, owner: Owner) -> Owner:
    """The owner's whole conversation: a question, a follow-up, events, the hand-off, the form,
    the confirmation (sent twice for some owners: at once, or again after the answer)."""
    try:
        text = say(cluster, owner, QUESTION)
        expect(owner, "certification answer", "PSE" in text, text)
        text = say(cluster, owner, "那標籤呢？")
        expect(owner, "labelling follow-up", "標示" in text or "標籤" in text, text)
        text = say(cluster, owner, "有什麼展可以參加")
        expect(owner, "events listing", "以下是近期的活動" in text, text)
        text = say(cluster, owner, "我想找專人")
        expect(owner, "consent notice", "蒐集目的" in text and "臺日窗口" in text, text)
        text = say(cluster, owner, "/give_consent")
        expect(owner, "consent given", "謝謝您的同意" in text, text)
        form = answers(owner.number)
        for _ in range(MAX_FORM_TURNS):
            if "請確認以下資料" in text:
                break
            cue = next(((c, a) for c, a in form if c in text), None)
            if cue is None:
                owner.problems.append(f"form: no known question in {text[:300]!r}")
                return owner
            text = say(cluster, owner, cue[1])
        else:
            owner.problems.append(f"form: no summary after {MAX_FORM_TURNS} answers")
            return owner
        expect(owner, "summary", phone_shown(owner.number) in text, text)
        if owner.number % 5 == 0:
            # a double tap: both confirmations at once, most likely on the two Rasa servers
            lock = threading.Lock()
            with ThreadPoolExecutor(2) as pool:
                results = list(pool.map(lambda _: say(cluster, owner, CONFIRM, lock), range(2)))
            owner.confirmations = 2
            expect(owner, "submitted (double tap)",
                   any("2 個工作天" in r for r in results), " / ".join(results))
        else:
            text = say(cluster, owner, CONFIRM)
            owner.confirmations = 1
            expect(owner, "submitted", "臺日窗口" in text and "2 個工作天" in text, text)
            if owner.number % 5 == 1:
                say(cluster, owner, CONFIRM)          # the owner confirms again later
                owner.confirmations = 2
    except Exception as error:  # noqa: BLE001 - reported per owner below
        owner.problems.append(f"{type(error).__name__}: {error}")
    return owner


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def test_fifty_owners_across_two_rasa_and_two_action_servers(cluster, capsys):
    run = f"scale-{int(time.time())}"
    owners = [Owner(i, f"{run}-{i:02d}") for i in range(OWNERS)]
    started = time.monotonic()
    with ThreadPoolExecutor(OWNERS) as pool:
        done = list(pool.map(lambda o: converse(cluster, o), owners))
    duration = time.monotonic() - started

    # every reply arrived, with the expected content
    problems = {o.sender: o.problems for o in done if o.problems}
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)[:6000]
    assert all(u in range(REPLICAS) for o in done for u in o.upstreams)

    # both replicas of each kind did the work, and every conversation moved between them
    assert min(cluster.rasa_proxy.counts) > 0 and min(cluster.action_proxy.counts) > 0
    assert cluster.rasa_proxy.errors == 0 and cluster.action_proxy.errors == 0
    switches = sum(a != b for o in done for a, b in zip(o.upstreams, o.upstreams[1:], strict=False))
    for owner in done:
        assert set(owner.upstreams) == set(range(REPLICAS)), owner.upstreams

    # each tracker (read through either server) holds the owner's messages in the order sent
    for owner in done:
        events = cluster.tracker(owner.sender)["events"]
        received = [e.get("text") for e in events if e.get("event") == "user"]
        assert received == owner.sent, (owner.sender, received, owner.sent)

    # exactly one lead per hand-off: 50 owners → 50 leads, whatever the double confirmations
    client = redis.Redis.from_url(cluster.services.redis_url)
    leads = LeadStore(client)
    per_owner = {o.sender: leads.conversation_leads(o.sender) for o in done}
    assert all(len(ids) == 1 for ids in per_owner.values()), per_owner
    lead_ids = {ids[0] for ids in per_owner.values()}
    stored = list(leads.all())
    assert len(lead_ids) == OWNERS and len(stored) == OWNERS
    assert {lead.id for lead in stored} == lead_ids
    assert len(leads.queue("jp", 500)) == OWNERS
    assert client.zcard(redis_keys.leads_by_created()) == OWNERS
    assert len(list(client.scan_iter(match=redis_keys.lead_idempotency("*")))) == OWNERS
    for owner in done:         # no conversation got another's data
        lead = leads.get(per_owner[owner.sender][0])
        assert lead.contact.phone == phone_shown(owner.number), owner.sender
        assert lead.contact.email == f"owner{owner.number}@example.com", owner.sender

    # the lead was built once per hand-off, on either action server, and no action failed
    logs = [cluster.services.log(f"actions-{i}").read_text(errors="replace")
            for i in range(1, REPLICAS + 1)]
    submits = [len(re.findall(r"hand-off \d+: lead \S+ for desk", log)) for log in logs]
    assert sum(submits) == OWNERS, submits
    assert not [line for log in logs for line in log.splitlines()
                if re.search(r"action \S+ failed", line)]

    seconds = [s for o in done for s in o.seconds]
    messages = len(seconds)
    resent = sum(o.confirmations == 2 for o in done)
    with capsys.disabled():
        print(f"\nscale-out: {OWNERS} owners, {messages} messages "
              f"({messages / OWNERS:.1f} per owner, {resent} owners confirmed twice), "
              f"{REPLICAS} Rasa + {REPLICAS} action servers, one Redis")
        print(f"  start-up: action servers {cluster.startup['action servers']:.0f} s, "
              f"Rasa servers {cluster.startup['Rasa servers']:.0f} s (in parallel), first "
              f"messages per replica {cluster.startup['first messages']:.0f} s")
        print(f"  duration {duration:.1f} s, {messages / duration:.1f} messages/s; latency "
              f"p50 {statistics.median(seconds):.2f} s, p95 {percentile(seconds, 0.95):.2f} s, "
              f"max {max(seconds):.2f} s")
        print(f"  Rasa requests per replica {cluster.rasa_proxy.counts}, action calls per "
              f"replica {cluster.action_proxy.counts}; replica switches within conversations "
              f"{switches}/{messages - OWNERS}")
        slowest = sorted(((s, m) for o in done for m, s in zip(o.sent, o.seconds, strict=True)),
                         reverse=True)[:3]
        print("  slowest: " + ", ".join(f"{m[:12]} {s:.1f} s" for s, m in slowest))
        print(f"  leads created: {len(stored)} (one per owner, none duplicated); hand-offs "
              f"submitted per action server {submits}")
