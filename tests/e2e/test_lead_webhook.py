"""The lead webhook end to end: the real action server (LEADS_WEBHOOK_URL + LEADS_WEBHOOK_SECRET)
announces hand-offs made through the REST channel to a local receiver — signed, without personal
data, once per event — and a receiver that answers 500 gets the notification later: retried by
the action server, then kept in leads:webhook:failed and delivered by
`python -m market_entry.leads notify` once it answers 200 again."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from market_entry import redis_keys
from market_entry.leads.store import LeadStore
from market_entry.leads.webhook import EVENT_HEADER, SIGNATURE_HEADER, verify
from tests.e2e.harness import APP_BIN, REPO, Services, latest_model, texts, wait_until

pytestmark = pytest.mark.servers

SECRET = "e2e-webhook-secret-not-a-secret"
ATTEMPTS = 3
NOTIFICATION_KEYS = {"event", "lead_id", "desk", "score", "created", "status", "markets",
                     "products", "timeline"}
FORM = [("公司名稱", "大同精密有限公司"), ("聯絡人姓名", "王小明"), ("職稱", "業務經理"),
        ("電子郵件", "ming@example.com"), ("出口經驗", "有"), ("公司規模", "30人"),
        ("協助的事項", "想找日本的代理商"), ("進入市場", "3個月內"),
        ("統一編號", "04595257"), ("聯絡電話", "0912345678")]
PERSONAL = ["大同精密", "王小明", "業務經理", "ming@example.com", "example.com", "想找日本的代理商",
            "04595257", "0912345678", "0912-345-678", "912345678"]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int            # what the receiver answered

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """A staff system's webhook endpoint: records every POST; can answer 500 for a while."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.fail_next = 0          # answer 500 to this many requests, then 200
        self.failing = False        # answer 500 to every request
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    fail = receiver.failing or receiver.fail_next > 0
                    if receiver.fail_next > 0:
                        receiver.fail_next -= 1
                    status = 500 if fail else 200
                    receiver.requests.append(Received(self.path, dict(self.headers), body,
                                                      status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"no")

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/leads"

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.fail_next, self.failing = 0, False

    def wait_for(self, count: int, timeout: float = 60, settle: float = 3) -> list[Received]:
        """Wait until `count` requests arrived, then a little longer to catch any extra."""
        wait_until(lambda: len(self.requests) >= count, timeout,
                   f"{count} webhook request(s)")
        time.sleep(settle)
        with self.lock:
            return list(self.requests)


@pytest.fixture(scope="module")
def receiver():
    running = Receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture(scope="module")
def webhook_env(receiver) -> dict[str, str]:
    return {"LEADS_WEBHOOK_URL": receiver.url, "LEADS_WEBHOOK_SECRET": SECRET,
            "LEADS_WEBHOOK_ATTEMPTS": str(ATTEMPTS), "LEADS_WEBHOOK_TIMEOUT": "5"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory, webhook_env):
    services = Services(tmp_path_factory.mktemp("lead-webhook"), latest_model())
    try:
        services.copy_knowledge()
        services.start_redis()
        services.start_actions(**webhook_env)
        services.start_rasa()
    except Exception:
        for name in list(services.processes):
            log = services.log(name)
            if log.exists():
                print(f"--- {name} log (tail) ---\n" + log.read_text(errors="replace")[-3000:])
        services.stop_all()
        raise
    yield services
    services.stop_all()


def leads(services: Services) -> LeadStore:
    return LeadStore(redis.Redis.from_url(services.redis_url))


def hand_off(services: Services) -> tuple[str, str]:
    """A whole hand-off through the REST channel; (conversation id, lead id)."""
    sender = f"webhook-{uuid.uuid4().hex[:10]}"
    assert "PSE" in texts(services.chat(sender, "我們是做小家電的，想賣到日本需要什麼認證？"))
    assert "蒐集目的" in texts(services.chat(sender, "我想找專人"))
    text = texts(services.chat(sender, "/give_consent"))
    for _ in range(16):
        if "請確認以下資料" in text:
            break
        text = texts(services.chat(sender, next(a for c, a in FORM if c in text)))
    assert "請確認以下資料" in text, text
    text = texts(services.chat(sender, "確認送出"))
    assert "2 個工作天" in text, text
    ids = leads(services).conversation_leads(sender)
    assert len(ids) == 1
    return sender, ids[0]


def assert_signed_and_anonymous(request: Received, event: str, lead_id: str, sender: str
                                ) -> dict:
    assert request.path == "/hooks/leads"
    assert verify(SECRET, request.body, request.headers[SIGNATURE_HEADER])
    assert not verify(SECRET, request.body + b" ", request.headers[SIGNATURE_HEADER])
    assert not verify("another-secret", request.body, request.headers[SIGNATURE_HEADER])
    assert request.headers[EVENT_HEADER] == event
    assert request.headers["Content-Type"].startswith("application/json")
    body = request.json
    assert set(body) == NOTIFICATION_KEYS, body
    assert body["event"] == event and body["lead_id"] == lead_id and body["desk"] == "jp"
    text = request.body.decode("utf-8")
    leaked = [p for p in [*PERSONAL, sender] if p in text]
    assert not leaked, (leaked, text)
    return body


def notify(services: Services, webhook_env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(APP_BIN / "python"), "-m", "market_entry.leads", "notify"],
                          cwd=REPO, env=services.env(**webhook_env), capture_output=True,
                          text=True, timeout=120)


def test_start_log_names_python_312_and_rasa_sdk_321(stack):
    log = stack.log("actions").read_text(errors="replace")
    found = re.search(r"action server: Python (\S+), rasa-sdk (\S+)", log)
    assert found, log[-2000:]
    assert found.group(1).startswith("3.12.") and found.group(2).startswith("3.21."), found[0]


def test_created_and_erased_leads_are_announced_once_signed_and_without_personal_data(
        stack, receiver):
    receiver.reset()
    sender, lead_id = hand_off(stack)
    received = receiver.wait_for(1)
    assert len(received) == 1, [r.json for r in received]
    body = assert_signed_and_anonymous(received[0], "lead.created", lead_id, sender)
    assert body["status"] == "new" and body["markets"] == ["jp"]

    assert "已刪除" in texts(stack.chat(sender, "刪除我的資料"))
    received = receiver.wait_for(2)
    assert len(received) == 2, [r.json for r in received]
    body = assert_signed_and_anonymous(received[1], "lead.erased", lead_id, sender)
    assert body["status"] == "erased"
    assert all(r.status == 200 for r in received)
    client = redis.Redis.from_url(stack.redis_url)
    assert client.llen(redis_keys.leads_webhook_outbox()) == 0
    assert client.llen(redis_keys.leads_webhook_failed()) == 0


def test_a_failing_receiver_gets_the_notification_later(stack, receiver, webhook_env):
    client = redis.Redis.from_url(stack.redis_url)
    failed = redis_keys.leads_webhook_failed()

    # one 500: the action server's own retry (backoff) delivers it
    receiver.reset()
    receiver.fail_next = 1
    sender, lead_id = hand_off(stack)
    received = receiver.wait_for(2)
    assert [r.status for r in received] == [500, 200]
    assert received[0].body == received[1].body
    assert_signed_and_anonymous(received[1], "lead.created", lead_id, sender)
    assert client.llen(failed) == 0

    # down for longer: every attempt fails, the notification is kept in leads:webhook:failed
    receiver.reset()
    receiver.failing = True
    sender, lead_id = hand_off(stack)
    received = receiver.wait_for(ATTEMPTS)
    assert [r.status for r in received] == [500] * ATTEMPTS
    wait_until(lambda: client.llen(failed) == 1, 30, "the failed notification kept")
    kept = json.loads(client.lindex(failed, 0))
    assert kept["event"] == "lead.created" and json.loads(kept["body"])["lead_id"] == lead_id
    assert not [p for p in PERSONAL if p in kept["body"]]

    # the cron job while the receiver still fails: tried again, kept again
    result = notify(stack, webhook_env)
    assert result.returncode == 0, result.stderr
    assert "0 lead notification(s) sent" in result.stdout
    assert client.llen(failed) == 1
    assert len(receiver.requests) == 2 * ATTEMPTS

    # the receiver answers again: the cron job delivers it, with the original signed body
    receiver.reset()
    result = notify(stack, webhook_env)
    assert result.returncode == 0, result.stderr
    assert "1 lead notification(s) sent" in result.stdout, result.stdout
    assert client.llen(failed) == 0
    assert len(receiver.requests) == 1 and receiver.requests[0].status == 200
    assert_signed_and_anonymous(receiver.requests[0], "lead.created", lead_id, sender)
    assert client.llen(redis_keys.leads_webhook_outbox()) == 0
