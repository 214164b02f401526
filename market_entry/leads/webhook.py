"""Tells a desk's system that a new lead is waiting (off unless configured).

POST of a small JSON body — lead id, desk, score, markets, products, timeline, creation time;
never contact details or free text, which stay in Redis for the console — signed with
HMAC-SHA256 over the exact body bytes in `X-Lead-Signature: sha256=<hex>`. Connection errors,
timeouts, 429 and 5xx are retried with exponential backoff; a notification that still fails is
pushed to the Redis list leads:webhook:failed, and `retry_failed()` sends those again later.

Settings (environment): LEADS_WEBHOOK_URL and LEADS_WEBHOOK_SECRET (both needed to turn it on),
LEADS_WEBHOOK_ATTEMPTS (default 4), LEADS_WEBHOOK_TIMEOUT seconds (default 5).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import requests

from market_entry import redis_keys
from market_entry.leads.model import Lead

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Lead-Signature"
EVENT_HEADER = "X-Lead-Event"


@dataclass(frozen=True)
class WebhookConfig:
    url: str = ""
    secret: str = ""
    attempts: int = 4
    timeout: float = 5.0
    backoff: float = 0.5          # seconds before the 2nd attempt; doubles after each failure
    max_backoff: float = 30.0

    @property
    def enabled(self) -> bool:
        return bool(self.url and self.secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebhookConfig:
        env = os.environ if env is None else env
        return cls(url=env.get("LEADS_WEBHOOK_URL", "").strip(),
                   secret=env.get("LEADS_WEBHOOK_SECRET", ""),
                   attempts=max(1, int(env.get("LEADS_WEBHOOK_ATTEMPTS", "4"))),
                   timeout=float(env.get("LEADS_WEBHOOK_TIMEOUT", "5")))


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """For receivers (and tests): constant-time check of the signature header."""
    return hmac.compare_digest(sign(secret, body), header or "")


def notification(lead: Lead) -> dict[str, Any]:
    """What a desk's system is told about a new lead: no personal data."""
    return {"event": "lead.created", "lead_id": lead.id, "desk": lead.desk, "score": lead.score,
            "created": lead.created, "markets": list(lead.markets),
            "products": list(lead.products), "timeline": lead.timeline}


class WebhookNotifier:
    def __init__(self, config: WebhookConfig, client=None,
                 session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.client = client          # redis.Redis for the failed list; None: failures only logged
        self.session = session or requests.Session()
        self.sleep = sleep

    def notify(self, lead: Lead) -> bool:
        """Send the new-lead notification; False when it failed (and was kept for retry)."""
        if not self.config.enabled:
            return False
        body = json.dumps(notification(lead), ensure_ascii=False, sort_keys=True).encode("utf-8")
        if self._send(body):
            return True
        self._keep(body, lead.id)
        return False

    def _send(self, body: bytes) -> bool:
        headers = {"Content-Type": "application/json; charset=utf-8",
                   SIGNATURE_HEADER: sign(self.config.secret, body), EVENT_HEADER: "lead.created"}
        delay = self.config.backoff
        for attempt in range(1, self.config.attempts + 1):
            try:
                response = self.session.post(self.config.url, data=body, headers=headers,
                                             timeout=self.config.timeout)
                if 200 <= response.status_code < 300:
                    return True
                outcome = f"HTTP {response.status_code}"
                retryable = response.status_code == 429 or response.status_code >= 500
            except requests.RequestException as error:
                outcome, retryable = type(error).__name__, True
            log.warning("lead webhook attempt %d/%d failed: %s", attempt, self.config.attempts,
                        outcome)
            if not retryable or attempt == self.config.attempts:
                return False
            self.sleep(min(delay, self.config.max_backoff))
            delay *= 2
        return False

    def _keep(self, body: bytes, lead_id: str) -> None:
        if self.client is None:
            log.error("lead webhook for %s failed and no Redis to keep it", lead_id)
            return
        item = json.dumps({"body": body.decode("utf-8"),
                           "failed": datetime.now(timezone.utc).isoformat()})
        self.client.rpush(redis_keys.leads_webhook_failed(), item)
        log.error("lead webhook for %s failed: kept for retry", lead_id)

    def retry_failed(self, limit: int = 100) -> int:
        """Send kept notifications again (each with its original body); returns how many went
        through. Those failing again go back to the end of the list."""
        if self.client is None or not self.config.enabled:
            return 0
        key = redis_keys.leads_webhook_failed()
        sent = 0
        for _ in range(min(limit, self.client.llen(key))):
            raw = self.client.lpop(key)
            if raw is None:
                break
            item = json.loads(raw)
            if self._send(item["body"].encode("utf-8")):
                sent += 1
            else:
                self.client.rpush(key, raw)
        return sent
