"""The whole LINE path for tests and the LINE benchmark, run from the application environment
(.venv-app): Redis, the action server (this environment) and the Rasa server (.venv-bot), started
by tests/e2e/harness.py, a fake LINE API (fake_line.py), and the gateway and worker (this
environment).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.harness import Services, free_port, http_ok, wait_until
from tests.line.fake_line import FakeLine

APP_PY = sys.executable  # the gateway and worker run in this (the application) environment
CHANNEL_SECRET = "test-channel-secret-not-real-0123456789"
ACCESS_TOKEN = "test-access-token-not-real-abcdefghij"


def sign(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def event_id() -> str:
    """A ULID-shaped id (26 characters of Crockford base32), unique per call."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    number = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(alphabet[(number >> (5 * i)) & 31] for i in reversed(range(26)))


def user_id() -> str:
    return "U" + uuid.uuid4().hex


def event(kind: str, source: dict[str, Any], reply_token: str | None = None,
          **extra: Any) -> dict[str, Any]:
    """A LINE webhook event shaped like the real ones (line-openapi webhook.yml)."""
    out: dict[str, Any] = {
        "type": kind,
        "timestamp": int(time.time() * 1000),
        "mode": "active",
        "webhookEventId": event_id(),
        "deliveryContext": {"isRedelivery": False},
        "source": source,
    }
    if reply_token:
        out["replyToken"] = reply_token
    out.update(extra)
    return out


def text_message(text: str) -> dict[str, Any]:
    return {"id": str(int(time.time() * 1e6)), "type": "text", "quoteToken": uuid.uuid4().hex,
            "text": text}


def user_source(uid: str) -> dict[str, Any]:
    return {"type": "user", "userId": uid}


@dataclass
class LineStack(Services):
    gateway_port: int = field(default_factory=free_port)
    fake: FakeLine | None = None
    worker_env: dict[str, str] = field(default_factory=dict)

    # -- the LINE side -------------------------------------------------------------------------
    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def line_env(self, **extra: str) -> dict[str, str]:
        env = self.env(
            LINE_CHANNEL_SECRET=CHANNEL_SECRET,
            LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
            LINE_API_BASE=self.fake.base_url,
            RASA_URL=self.rasa_url,
            LINE_PORT=str(self.gateway_port),
            LINE_WORKER_NAME="worker-1",
            LINE_BACKOFF_MAX_SECONDS="2",
        )
        env.update(self.worker_env)
        env.update(extra)
        return env

    def start_fake_line(self, token_ttl: float = 60.0) -> FakeLine:
        self.fake = FakeLine(ACCESS_TOKEN, token_ttl).start()
        return self.fake

    def start_gateway(self) -> subprocess.Popen:
        process = self._spawn("gateway", [APP_PY, "-m", "services.line_gateway.app"],
                              self.line_env())
        wait_until(lambda: http_ok(f"{self.gateway_url}/health"), 30, "The LINE gateway", process)
        return process

    def start_worker(self, **env: str) -> subprocess.Popen:
        log = self.log("worker")
        before = log.read_bytes().count(b"started") if log.exists() else 0
        process = self._spawn("worker", [APP_PY, "-m", "services.line_gateway.worker"],
                              self.line_env(**env))
        wait_until(lambda: log.read_bytes().count(b"started") > before, 30, "The LINE worker",
                   process)
        return process

    def start_line(self, token_ttl: float = 60.0) -> None:
        self.start_fake_line(token_ttl)
        self.start_gateway()
        self.start_worker()

    def stop_all(self) -> None:
        for name in ("worker", "gateway"):
            self.stop(name)
        super().stop_all()
        if self.fake is not None:
            self.fake.stop()

    # -- talking to the gateway -----------------------------------------------------------------
    def post_webhook(self, events: list[dict[str, Any]], signature: str | None = None,
                     body: bytes | None = None, timeout: float = 10) -> tuple[int, bytes]:
        if body is None:
            body = json.dumps({"destination": "U" + "0" * 32, "events": events},
                              ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if signature is not False:
            headers["x-line-signature"] = sign(body) if signature is None else signature
        request = urllib.request.Request(f"{self.gateway_url}/line/webhook", body, headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def wait_delivered(self, chat: str, count: int = 1, timeout: float = 60) -> list[list[dict]]:
        wait_until(lambda: len(self.fake.delivered_to(chat)) >= count, timeout,
                   f"{count} deliveries")
        return self.fake.delivered_to(chat)
