"""Leads in Redis: atomic, idempotent creation; per-desk queues; erase; retention purge.

Creation runs as one Lua script, so a hand-off retried any number of times, from any number of
workers at once, makes exactly one lead: the first call stores the lead, its queue entry and its
indexes together; every later call with the same idempotency key gets the first lead's id back.

Conversation ids and idempotency keys are stored only as SHA-256 digests. Logs name lead ids,
desks and counts, never personal data.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import redis

from market_entry import redis_keys
from market_entry.leads.model import STATUS_ERASED, STATUS_NEW, STATUS_PURGED, Lead

log = logging.getLogger(__name__)

# Queue order: higher lead score first, then older first. One float carries both: the score in
# the high part, the seconds before AGE_SPAN in the low part (second resolution; scores are whole
# numbers well inside ±10^5, so the sum stays exact in a double).
AGE_SPAN = 10**10

_CREATE = """
local existing = redis.call('GET', KEYS[1])
if existing then
  return {0, existing}
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('RPUSH', KEYS[6], ARGV[5])
return {1, ARGV[1]}
"""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def idempotency_key(conversation_id: str, handoff_number: int) -> str:
    """The key of the n-th hand-off of a conversation: retries of it share the key."""
    return f"{conversation_id}#{handoff_number}"


def queue_score(score: int, created: datetime) -> float:
    return float(score * AGE_SPAN + (AGE_SPAN - int(created.timestamp())))


@dataclass(frozen=True)
class CreateResult:
    lead_id: str
    created: bool          # False: the idempotency key was used before; lead_id is that lead


class LeadStore:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._create = client.register_script(_CREATE)

    def create(self, lead: Lead, conversation_id: str, key: str) -> CreateResult:
        """Store `lead` unless a lead with the same idempotency key exists. Raises
        redis.exceptions.ConnectionError / TimeoutError when Redis is unreachable (spool.py)."""
        key_digest = digest(key)
        conversation = digest(conversation_id)
        record = {"lead": lead.to_dict(), "conversation": conversation, "idem": key_digest}
        created_at = lead.created_at
        flag, lead_id = self._create(
            keys=[
                redis_keys.lead_idempotency(key_digest),
                redis_keys.lead(lead.id),
                redis_keys.lead_desk_queue(lead.desk),
                redis_keys.leads_by_created(),
                redis_keys.lead_conversation(conversation),
                redis_keys.leads_webhook_outbox(),
            ],
            args=[lead.id, json.dumps(record, ensure_ascii=False),
                  queue_score(lead.score, created_at), created_at.timestamp(),
                  json.dumps({"event": "lead.created", "lead_id": lead.id})],
        )
        lead_id = lead_id.decode() if isinstance(lead_id, bytes) else lead_id
        if flag:
            log.info("lead %s created for desk %s (score %s)", lead_id, lead.desk, lead.score)
        else:
            log.info("hand-off retried: lead %s already exists", lead_id)
        return CreateResult(lead_id, bool(flag))

    def _record(self, raw: Any) -> dict | None:
        if raw is None:
            return None
        return json.loads(raw)

    def get(self, lead_id: str) -> Lead | None:
        record = self._record(self.client.get(redis_keys.lead(lead_id)))
        return Lead.from_dict(record["lead"]) if record else None

    def queue(self, desk: str, limit: int = 50) -> list[Lead]:
        """The desk's open leads, highest score first, then oldest first."""
        ids = [i.decode() if isinstance(i, bytes) else i
               for i in self.client.zrevrange(redis_keys.lead_desk_queue(desk), 0, limit - 1)]
        if not ids:
            return []
        raws = self.client.mget([redis_keys.lead(i) for i in ids])
        return [Lead.from_dict(json.loads(raw)["lead"]) for raw in raws if raw is not None]

    def all(self, batch: int = 500) -> Iterator[Lead]:
        """Every stored lead, erased and purged ones included (without personal data), in no
        particular order: a SCAN over the lead records, read `batch` at a time, each lead once."""
        seen: set[str] = set()
        pending: list[str] = []
        for key in self.client.scan_iter(match=redis_keys.all_leads_pattern(), count=batch):
            lead_id = (key.decode() if isinstance(key, bytes) else key).rsplit(":", 1)[1]
            if lead_id not in seen:           # SCAN may return a key twice
                seen.add(lead_id)
                pending.append(lead_id)
            if len(pending) >= batch:
                yield from self._many(pending)
                pending = []
        if pending:
            yield from self._many(pending)

    def _many(self, ids: list[str]) -> list[Lead]:
        raws = self.client.mget([redis_keys.lead(i) for i in ids])
        return [Lead.from_dict(json.loads(raw)["lead"]) for raw in raws if raw is not None]

    def conversation_leads(self, conversation_id: str) -> list[str]:
        members = self.client.smembers(redis_keys.lead_conversation(digest(conversation_id)))
        return sorted(m.decode() if isinstance(m, bytes) else m for m in members)

    def erase(self, conversation_id: str) -> int:
        """Delete the personal data of every lead of a conversation (the owner's request under
        PDPA Art. 3 / 11). The lead stays as an anonymous record with status "erased", out of
        its desk's queue; its idempotency key stays so a late retry cannot bring it back."""
        erased = 0
        for lead_id in self.conversation_leads(conversation_id):
            if self._anonymise(lead_id, STATUS_ERASED, forget_key=False):
                erased += 1
        self.client.delete(redis_keys.lead_conversation(digest(conversation_id)))
        log.info("erase: %d lead(s) anonymised", erased)
        return erased

    def purge(self, retention_days: int, now: datetime | None = None) -> int:
        """Delete the personal data of leads created more than `retention_days` ago."""
        now = now or datetime.now(timezone.utc)
        cutoff = (now - timedelta(days=retention_days)).timestamp()
        purged = 0
        for raw_id in self.client.zrangebyscore(redis_keys.leads_by_created(), "-inf", cutoff):
            lead_id = raw_id.decode() if isinstance(raw_id, bytes) else raw_id
            if self._anonymise(lead_id, STATUS_PURGED, forget_key=True):
                purged += 1
        log.info("retention purge (%d days): %d lead(s) anonymised", retention_days, purged)
        return purged

    def _anonymise(self, lead_id: str, status: str, forget_key: bool) -> bool:
        key = redis_keys.lead(lead_id)
        changed = False

        def update(pipe: redis.client.Pipeline) -> None:
            nonlocal changed
            record = self._record(pipe.get(key))
            pipe.multi()
            pipe.zrem(redis_keys.leads_by_created(), lead_id)
            if record is None:
                changed = False
                return
            lead = Lead.from_dict(record["lead"])
            pipe.zrem(redis_keys.lead_desk_queue(lead.desk), lead_id)
            pipe.srem(redis_keys.lead_conversation(record["conversation"]), lead_id)
            if forget_key:
                pipe.delete(redis_keys.lead_idempotency(record["idem"]))
            changed = lead.status == STATUS_NEW or lead.has_personal_data
            if changed:
                record["lead"] = lead.anonymised(status).to_dict()
                pipe.set(key, json.dumps(record, ensure_ascii=False))
                pipe.rpush(redis_keys.leads_webhook_outbox(),
                           json.dumps({"event": f"lead.{status}", "lead_id": lead_id}))

        self.client.transaction(update, key)
        return changed
