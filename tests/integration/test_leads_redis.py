"""The lead store, spool and webhook against a real redis-server (AOF on, fsync always)."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from market_entry import redis_keys
from market_entry.leads.model import (
    CONSENT_AGREED,
    STATUS_ERASED,
    STATUS_NEW,
    STATUS_PURGED,
    ConsentRecord,
    Contact,
    Lead,
    new_lead_id,
)
from market_entry.leads.spool import Spool, save_lead
from market_entry.leads.store import LeadStore, digest, idempotency_key
from market_entry.leads.webhook import SIGNATURE_HEADER, WebhookConfig, WebhookNotifier, verify
from tests.e2e.harness import free_port, redis_server_binary

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


class RedisServer:
    def __init__(self, data_dir) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.data_dir), "--save", "", "--appendonly", "yes",
             "--appendfsync", "always"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """No shutdown, no final save: the process just dies (SIGKILL)."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=1)


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "redis"
    data.mkdir()
    running = RedisServer(data)
    running.start()
    yield running
    running.stop()


def make_lead(desk="jp", score=50, created=NOW, name="陳小明", markets=("jp",)) -> Lead:
    return Lead(
        id=new_lead_id(), created=created.isoformat(), desk=desk, score=score, explanation=(),
        contact=Contact(company="好棒電器", ubn="04595257", name=name, title="經理",
                        phone="0912-345-678", email="ming@example.tw"),
        consent=ConsentRecord("2026-12-v1", created.isoformat(), CONSENT_AGREED),
        products=("appliances",), markets=markets, export_experience=True, timeline="later",
        help_wanted="想找日本代理商", summary="小家電，想賣日本", transcript=(
            {"from": "owner", "text": "我的電話 0912-345-678"},),
    )


def test_concurrent_retries_create_one_lead(server):
    store = LeadStore(server.client())
    key = idempotency_key("conv-1", 1)
    results, errors = [], []
    barrier = threading.Barrier(16)

    def retry():
        try:
            barrier.wait()
            results.append(LeadStore(server.client()).create(make_lead(), "conv-1", key))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=retry) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({r.lead_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert len(store.queue("jp")) == 1
    assert store.conversation_leads("conv-1") == [results[0].lead_id]
    assert not server.client().keys("*conv-1*")      # ids appear only as digests
    second = store.create(make_lead(), "conv-1", idempotency_key("conv-1", 2))
    assert second.created and len(store.queue("jp")) == 2


def test_desk_queue_is_sorted_by_score_then_age(server):
    store = LeadStore(server.client())
    leads = {
        "old-70": make_lead(score=70, created=NOW - timedelta(days=3)),
        "new-70": make_lead(score=70, created=NOW - timedelta(hours=1)),
        "new-90": make_lead(score=90, created=NOW),
        "old-20": make_lead(score=20, created=NOW - timedelta(days=9)),
        "neg": make_lead(score=-5, created=NOW - timedelta(days=20)),
        "us": make_lead(desk="us", score=99),
    }
    for name, lead in leads.items():
        store.create(lead, f"conv-{name}", name)
    order = [lead.id for lead in store.queue("jp")]
    ids = {lead.id: name for name, lead in leads.items()}
    assert [ids[i] for i in order] == ["new-90", "old-70", "new-70", "old-20", "neg"]
    assert [ids[i] for i in (lead.id for lead in store.queue("jp", limit=2))] == \
        ["new-90", "old-70"]
    assert [lead.id for lead in store.queue("us")] == [leads["us"].id]
    stored = store.get(leads["new-90"].id)
    assert stored == leads["new-90"]


def test_erase_removes_personal_data_of_one_conversation(server):
    client = server.client()
    store = LeadStore(client)
    first = make_lead()
    second = make_lead(desk="us", markets=("us",))
    other = make_lead(name="王大同")
    store.create(first, "conv-a", "conv-a#1")
    store.create(second, "conv-a", "conv-a#2")
    store.create(other, "conv-b", "conv-b#1")
    assert store.erase("conv-a") == 2
    for lead in (first, second):
        erased = store.get(lead.id)
        assert erased.status == STATUS_ERASED and not erased.has_personal_data
        assert erased.markets == lead.markets and erased.score == lead.score
        raw = client.get(redis_keys.lead(lead.id)).decode()
        assert "陳小明" not in raw and "0912" not in raw and "ming@" not in raw
    assert [lead.id for lead in store.queue("jp")] == [other.id]
    assert store.queue("us") == []
    assert store.get(other.id).contact.name == "王大同"
    # a late retry of the erased hand-off does not bring it back
    again = store.create(make_lead(), "conv-a", "conv-a#1")
    assert not again.created and again.lead_id == first.id
    assert store.erase("conv-a") == 0
    texts = [client.get(k) for k in client.keys("*") if client.type(k) == b"string"]
    assert not any("陳小明".encode() in t for t in texts if t)


def test_retention_purge(server):
    client = server.client()
    store = LeadStore(client)
    old = make_lead(created=NOW - timedelta(days=400))
    recent = make_lead(created=NOW - timedelta(days=10))
    store.create(old, "conv-old", "conv-old#1")
    store.create(recent, "conv-new", "conv-new#1")
    assert store.purge(365, now=NOW) == 1
    purged = store.get(old.id)
    assert purged.status == STATUS_PURGED and not purged.has_personal_data
    assert store.get(recent.id).status == STATUS_NEW and store.get(recent.id).has_personal_data
    assert [lead.id for lead in store.queue("jp")] == [recent.id]
    assert not client.exists(redis_keys.lead_idempotency(digest("conv-old#1")))
    assert store.conversation_leads("conv-old") == []
    assert store.purge(365, now=NOW) == 0
    assert store.purge(5, now=NOW) == 1


def test_acknowledged_leads_survive_a_killed_redis(server):
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer(worker: int):
        store = LeadStore(server.client())
        n = 0
        while not stop.is_set():
            n += 1
            try:
                result = store.create(make_lead(), f"w{worker}", f"w{worker}#{n}")
            except redis.exceptions.RedisError:
                return
            acknowledged.append(result.lead_id)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(acknowledged) >= 200
    server.start()                         # same port, same data dir: the AOF is replayed
    store = LeadStore(server.client())
    missing = [lead_id for lead_id in acknowledged if store.get(lead_id) is None]
    assert missing == []
    queued = {lead.id for lead in store.queue("jp", limit=100_000)}
    assert set(acknowledged) <= queued


def test_spool_while_redis_is_down_then_replay_exactly_once(server, tmp_path):
    spool = Spool(tmp_path / "spool")
    store = LeadStore(server.client())
    before = make_lead()
    assert save_lead(store, spool, before, "conv-s", "conv-s#1").stored == "redis"
    server.stop()
    down = [make_lead() for _ in range(3)]
    results = [save_lead(store, spool, lead, f"conv-d{i}", f"conv-d{i}#1")
               for i, lead in enumerate(down)]
    assert [r.stored for r in results] == ["spool"] * 3
    # a retry of a hand-off while Redis is still down is spooled again: replay dedupes it
    save_lead(store, spool, make_lead(), "conv-d0", "conv-d0#1")
    assert spool.pending() == 4
    assert (spool.path.stat().st_mode & 0o777) == 0o600
    server.start()
    store = LeadStore(server.client())
    assert spool.replay(store) == 3
    assert spool.pending() == 0 and not spool.path.exists()
    assert spool.replay(store) == 0
    queued = [lead.id for lead in store.queue("jp", limit=100)]
    assert sorted(queued) == sorted([before.id] + [lead.id for lead in down])
    assert store.get(down[0].id) == down[0]


def test_spool_replay_keeps_the_rest_when_redis_goes_away(server, tmp_path):
    spool = Spool(tmp_path / "spool")
    server.stop()
    store = LeadStore(server.client())
    for i in range(2):
        save_lead(store, spool, make_lead(), f"c{i}", f"c{i}#1")
    with open(spool.path, "a", encoding="utf-8") as torn:
        torn.write('{"key": "c9#1", "lead": {"id"')            # a crash mid-append
    with pytest.raises(redis.exceptions.ConnectionError):
        spool.replay(store)
    assert spool.pending() == 2
    assert (spool.folder / "leads-spool.rejected.jsonl").exists()
    assert spool.erase("c1") == 1 and spool.pending() == 1
    server.start()
    assert spool.replay(LeadStore(server.client())) == 1


class Receiver:
    """A local webhook endpoint: answers with the next status in `statuses` (then 200)."""

    def __init__(self, secret: str, statuses: list[int]) -> None:
        self.secret, self.statuses = secret, list(statuses)
        self.received: list[tuple[bytes, bool]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    (body, verify(receiver.secret, body, self.headers[SIGNATURE_HEADER])))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/leads"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    running = Receiver("s3cret-for-tests", [])
    yield running
    running.close()


def test_webhook_is_off_by_default():
    config = WebhookConfig.from_env({})
    assert not config.enabled
    assert WebhookNotifier(config).notify(make_lead()) is False


def test_webhook_signs_and_retries_on_500(server, receiver):
    receiver.statuses = [500, 503]
    sleeps: list[float] = []
    config = WebhookConfig.from_env({"LEADS_WEBHOOK_URL": receiver.url,
                                     "LEADS_WEBHOOK_SECRET": receiver.secret})
    notifier = WebhookNotifier(config, server.client(), sleep=sleeps.append)
    lead = make_lead()
    assert notifier.notify(lead) is True
    assert len(receiver.received) == 3 and all(ok for _, ok in receiver.received)
    assert sleeps == [0.5, 1.0]
    body = json.loads(receiver.received[-1][0])
    assert body["lead_id"] == lead.id and body["desk"] == "jp"
    assert "0912" not in receiver.received[-1][0].decode() and "contact" not in body
    assert server.client().llen(redis_keys.leads_webhook_failed()) == 0


def test_webhook_rejects_a_wrong_signature(receiver):
    body = b'{"lead_id": "x"}'
    assert not verify(receiver.secret, body, "sha256=" + "0" * 64)
    assert not verify(receiver.secret, body, "")


def test_webhook_persistent_failure_is_kept_for_retry(server, receiver):
    receiver.statuses = [500] * 4
    client = server.client()
    config = WebhookConfig(url=receiver.url, secret=receiver.secret, attempts=4)
    notifier = WebhookNotifier(config, client, sleep=lambda _: None)
    lead = make_lead()
    assert notifier.notify(lead) is False
    assert len(receiver.received) == 4
    assert client.llen(redis_keys.leads_webhook_failed()) == 1
    kept = json.loads(client.lindex(redis_keys.leads_webhook_failed(), 0))
    assert json.loads(kept["body"])["lead_id"] == lead.id
    # the endpoint recovers: the kept notification goes out with its original, signed body
    assert notifier.retry_failed() == 1
    assert receiver.received[-1][0] == receiver.received[0][0] and receiver.received[-1][1]
    assert client.llen(redis_keys.leads_webhook_failed()) == 0


def test_webhook_unreachable_endpoint_is_kept(server):
    url = f"http://127.0.0.1:{free_port()}/nothing-listens"
    client = server.client()
    notifier = WebhookNotifier(WebhookConfig(url=url, secret="x", attempts=2, timeout=1), client,
                               sleep=lambda _: None)
    assert notifier.notify(make_lead()) is False
    assert notifier.retry_failed() == 0
    assert client.llen(redis_keys.leads_webhook_failed()) == 1
