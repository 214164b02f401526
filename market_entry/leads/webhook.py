"""Tells a desk's system that a lead was created or erased (off unless configured).

Creating a lead (and erasing or purging one) queues an event in the Redis outbox in the same
step (store.py); `drain_outbox()` announces them — the action server drains it after each
hand-off and at start, `python -m market_entry.leads notify` from cron.
POST of a small JSON body — event, lead id, desk, score, markets, products, timeline, times;
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


def notification(lead: Lead, event: str = "lead.created") -> dict[str, Any]:
    """What a desk's system is told about a new or changed lead: no personal data."""
    return {"event": event, "lead_id": lead.id, "desk": lead.desk, "score": lead.score,
            "created": lead.created, "status": lead.status, "markets": list(lead.markets),
            "products": list(lead.products), "timeline": lead.timeline}


class WebhookNotifier:
    def __init__(self, config: WebhookConfig, client=None,
                 session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.client = client          # redis.Redis for the failed list; None: failures only logged
        self.session = session or requests.Session()
        self.sleep = sleep

    def notify(self, lead: Lead, event: str = "lead.created") -> bool:
        """Send one notification; False when it failed (and was kept for retry)."""
        if not self.config.enabled:
            return False
        body = json.dumps(notification(lead, event), ensure_ascii=False,
                          sort_keys=True).encode("utf-8")
        if self._send(body, event):
            return True
        self._keep(body, lead.id, event)
        return False

    def drain_outbox(self, store: Any, limit: int = 100) -> int:
        """Announce the lead events the store queued (creation and erasure write them in the
        same step as the change itself); returns how many were sent. With the webhook off, the
        outbox is emptied without sending, so it never grows."""
        if self.client is None:
            return 0
        key = redis_keys.leads_webhook_outbox()
        sent = 0
        for _ in range(limit):
            raw = self.client.lpop(key)
            if raw is None:
                break
            if not self.config.enabled:
                continue
            item = json.loads(raw)
            lead = store.get(item["lead_id"])
            if lead is not None and self.notify(lead, item["event"]):
                sent += 1
        return sent

    def _send(self, body: bytes, event: str = "lead.created") -> bool:
        headers = {"Content-Type": "application/json; charset=utf-8",
                   SIGNATURE_HEADER: sign(self.config.secret, body), EVENT_HEADER: event}
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

    def _keep(self, body: bytes, lead_id: str, event: str = "lead.created") -> None:
        if self.client is None:
            log.error("lead webhook for %s failed and no Redis to keep it", lead_id)
            return
        item = json.dumps({"body": body.decode("utf-8"), "event": event,
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
            if self._send(item["body"].encode("utf-8"), item.get("event", "lead.created")):
                sent += 1
            else:
                self.client.rpush(key, raw)
        return sent
