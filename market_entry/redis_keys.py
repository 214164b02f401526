"""Every Redis key the assistant's own code writes, in one place.

Rasa's tracker and lock stores use their own prefixes (`tracker:`, `lock:`), set in
bot/endpoints.yml. The LINE channel (services environment, which does not import this package)
keeps its keys under `line:` and lists them in services/line_gateway/keys.py: the stream
`line:events` (consumer group `line-workers`), `line:dead`, `line:dedupe:<webhookEventId>` and
`line:state:<webhookEventId>`.
"""

from __future__ import annotations

UNANSWERED_PREFIX = "unanswered"


def unanswered_questions(market: str | None) -> str:
    """Sorted set: normalised question text → times asked, per market ("none" when unknown)."""
    return f"{UNANSWERED_PREFIX}:{market or 'none'}"


# Lead hand-off (market_entry/leads/store.py, webhook.py). Conversation ids and idempotency keys
# appear in key names only as SHA-256 digests, so no sender id (a LINE user id, say) is readable
# from a key listing; lead ids are random.
LEADS_PREFIX = "leads"


def lead(lead_id: str) -> str:
    """String: the lead as JSON (personal data until erased or purged)."""
    return f"{LEADS_PREFIX}:lead:{lead_id}"


def all_leads_pattern() -> str:
    """SCAN pattern matching every lead record's key (LeadStore.all)."""
    return lead("*")


def lead_idempotency(key_digest: str) -> str:
    """String: idempotency-key digest → lead id (so a retried hand-off never makes two leads)."""
    return f"{LEADS_PREFIX}:idem:{key_digest}"


def lead_desk_queue(desk: str) -> str:
    """Sorted set: lead id → queue score (lead score first, then older first), per desk."""
    return f"{LEADS_PREFIX}:queue:{desk}"


def lead_conversation(conversation_digest: str) -> str:
    """Set: the lead ids of one conversation (erase by conversation id)."""
    return f"{LEADS_PREFIX}:conversation:{conversation_digest}"


def leads_by_created() -> str:
    """Sorted set: lead id → creation time (epoch seconds) of leads still holding personal data."""
    return f"{LEADS_PREFIX}:created"


def leads_webhook_outbox() -> str:
    """List: lead events ({"event": "lead.created" | "lead.erased", "lead_id"}) waiting to be
    announced to LEADS_WEBHOOK_URL; written in the same Lua script that creates the lead."""
    return f"{LEADS_PREFIX}:webhook:outbox"


def leads_webhook_failed() -> str:
    """List: webhook notifications (JSON, no personal data) that failed, kept for retry."""
    return f"{LEADS_PREFIX}:webhook:failed"
