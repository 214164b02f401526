"""What owners actually type, through the real gateway and worker: broken emoji (lone surrogates
sent as JSON \\udXXX escapes), control characters, over-long messages, emoji only; an assistant
that answers nothing; and logs that keep no message text, payload, reply or LINE id."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from market_entry import redis_keys as keys
from market_entry.phrases import say
from tests.e2e.harness import free_port, wait_until
from tests.line.stack import event, text_message, user_id, user_source

pytestmark = [pytest.mark.servers, pytest.mark.timeout(600)]
QUESTION = "我們是做小家電的，想賣到日本需要什麼認證？"
UNREADABLE = say("system.message_unreadable", "zh-TW")


def post_ascii(stack, events: list[dict]) -> None:
    """Posts the events as LINE does: ASCII-escaped JSON, signed over the raw body (a lone
    surrogate can only travel as a \\udXXX escape)."""
    body = json.dumps({"destination": "U" + "0" * 32, "events": events}).encode("ascii")
    status, answer = stack.post_webhook([], body=body)
    assert status == 200, answer


def texts_of(delivery: list[dict]) -> list[str]:
    return [m.get("text") or m.get("altText") or "" for m in delivery]


def user_turns(stack, uid: str) -> list[dict]:
    """The user events Rasa recorded for a LINE user (its HTTP API, behind the token)."""
    url = f"{stack.rasa_url}/conversations/line-user-{uid}/tracker?token={stack.token}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return [e for e in json.load(response)["events"] if e.get("event") == "user"]


CASES = {  # what the owner sends: (the answer without Rasa, or the text Rasa gets)
    "lone surrogates": ("\udc00\ud83d", [UNREADABLE]),
    "control characters": ("\x00\x01\x07\x1b\x7f\x85", [UNREADABLE]),
    "5,000 characters": ("認證" * 2500, [say("system.message_too_long", "zh-TW", limit=1000)]),
    "a question inside broken emoji": (f"\udfff{QUESTION}\ud800", QUESTION),
    "a question with control characters": ("日本\x00小家電\x07需要什麼認證？\x1b",
                                           "日本小家電需要什麼認證？"),
    "emoji only": ("🙏😊🎉", "🙏😊🎉"),
}


def test_unreadable_long_and_broken_messages_get_exactly_one_polite_answer(stack):
    users = {name: user_id() for name in CASES}
    post_ascii(stack, [event("message", user_source(users[name]), stack.fake.issue_token(users[name]),
                             message=text_message(raw)) for name, (raw, _) in CASES.items()])
    for name, (_raw, expected) in CASES.items():
        uid = users[name]
        [delivery] = stack.wait_delivered(uid, timeout=60)
        assert texts_of(delivery) and all(t.strip() for t in texts_of(delivery)), name
        if isinstance(expected, list):
            assert texts_of(delivery) == expected, name
            assert user_turns(stack, uid) == [], f"{name}: Rasa must not be asked"
        else:
            assert [turn["text"] for turn in user_turns(stack, uid)] == [expected], name
    answer = stack.fake.delivered_to(users["a question inside broken emoji"])[0]
    assert "PSE" in "\n".join(texts_of(answer))
    time.sleep(2)
    for name, uid in users.items():
        assert len(stack.fake.delivered_to(uid)) == 1, f"{name}: exactly one answer"
    assert stack.processes["worker"].poll() is None, "the worker is still running"
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    assert client.xpending(keys.LINE_EVENTS_STREAM, keys.LINE_WORKER_GROUP)["pending"] == 0
    assert client.xlen(keys.LINE_DEAD_STREAM) == 0


class SilentRasa(BaseHTTPRequestHandler):
    """A Rasa REST channel that first fails (503), then answers with no message at all."""

    calls: list[int] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = 503 if not self.calls else 200
        self.calls.append(status)
        body = b"[]" if status == 200 else b'{"error": "busy"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_an_empty_answer_from_rasa_becomes_a_polite_request_to_rephrase(stack):
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), SilentRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    uid = user_id()
    stack.stop("worker")
    try:
        stack.start_worker(RASA_URL=f"http://127.0.0.1:{server.server_port}",
                           LINE_WORKER_NAME="worker-silent")
        post_ascii(stack, [event("message", user_source(uid), stack.fake.issue_token(uid),
                                 message=text_message("嗯"))])
        [delivery] = stack.wait_delivered(uid, timeout=60)
        assert texts_of(delivery) == [say("fallback.rephrase_no_suggestion", "zh-TW")]
        assert SilentRasa.calls[:2] == [503, 200], "a 5xx is retried, as before"
    finally:
        stack.stop("worker")
        server.shutdown()
        stack.start_worker()
    time.sleep(1)
    assert len(stack.fake.delivered_to(uid)) == 1


PHONE = "0937-615-284"
EMAIL = "lin.meihua.export+line@example-shop.com.tw"


def test_logs_of_gateway_and_worker_keep_no_text_payload_reply_or_line_id(stack):
    uid = user_id()
    text = f"我是林美華，電話 {PHONE}，信箱 {EMAIL}，我們是做小家電的，想賣到日本需要什麼認證？"
    postback = '/inform_market{"market":"' + EMAIL + '"}'   # not one of our buttons' payloads
    before = {name: stack.log(name).stat().st_size for name in ("gateway", "worker")}
    post_ascii(stack, [event("message", user_source(uid), stack.fake.issue_token(uid),
                             message=text_message(text))])
    stack.wait_delivered(uid, 1)
    post_ascii(stack, [event("postback", user_source(uid), stack.fake.issue_token(uid),
                             postback={"data": postback})])
    deliveries = stack.wait_delivered(uid, 2)

    def logs() -> dict[str, str]:
        return {name: stack.log(name).read_bytes()[start:].decode("utf-8", "replace")
                for name, start in before.items()}

    wait_until(lambda: logs()["worker"].count(" done: ") >= 2, 10, "the worker's log lines")
    logs = logs()
    assert "webhook ok" in logs["gateway"] and " done: " in logs["worker"]
    everything = logs["gateway"] + logs["worker"]
    digest = hashlib.sha256(uid.encode()).hexdigest()[:12]
    assert digest in logs["worker"], "chats appear as a hash prefix"
    for secret in (PHONE, PHONE.replace("-", ""), EMAIL, "林美華", uid, postback, text):
        assert secret not in everything
    replies = [line for delivery in deliveries for t in texts_of(delivery)
               for line in t.splitlines() if len(line) >= 8]
    assert replies and not [line for line in replies if line in everything]
