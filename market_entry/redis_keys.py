"""Every Redis key the assistant's own code writes, in one place: `unanswered:*`, `leads:*`
(action server, lead tools), `line:*` (LINE gateway and worker) and `console:*` (officers'
console). Rasa's tracker and lock stores use their own prefixes (`tracker:`, `lock:`), set in
bot/endpoints.yml.
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


# The LINE channel (services/line_gateway): all under `line:`.
LINE_EVENTS_STREAM = "line:events"
"""Stream of accepted webhook events: fields `event` (the event's JSON), `received` (ms)."""

LINE_WORKER_GROUP = "line-workers"
"""Consumer group of the workers; an entry is XACKed (and deleted) only once its answer is out."""

LINE_DEAD_STREAM = "line:dead"
"""Events whose answer LINE refused permanently (4xx other than 409/429), kept for inspection."""


def line_dedupe(webhook_event_id: str) -> str:
    """String with a TTL: set when an event is first queued; redeliveries find it and are dropped."""
    return f"line:dedupe:{webhook_event_id}"


def line_state(webhook_event_id: str) -> str:
    """Hash: progress of one event (translated answer, delivered batches, push retry keys), so a
    worker that restarts neither asks Rasa twice nor sends a batch twice."""
    return f"line:state:{webhook_event_id}"


# The officers' console (services/console): all under `console:`. Lead records themselves stay
# under `leads:` and are only read through market_entry.leads.store.
CONSOLE_PREFIX = "console"
CONSOLE_ACCOUNTS = f"{CONSOLE_PREFIX}:accounts"   # set of usernames
CONSOLE_AUDIT = f"{CONSOLE_PREFIX}:audit"         # stream: time, user, action, lead, detail
CONSOLE_AUDIT_MAXLEN = 200_000


def console_account(username: str) -> str:
    """Hash: password (argon2id hash), desk, role, created."""
    return f"{CONSOLE_PREFIX}:account:{username}"


def console_failures(username: str) -> str:
    """Counter of failed logins in the lockout window (expires with it)."""
    return f"{CONSOLE_PREFIX}:failures:{username}"


def console_session(token_digest: str) -> str:
    """Hash: username ('' before login), csrf; expires with the session."""
    return f"{CONSOLE_PREFIX}:session:{token_digest}"


def console_lead_state(lead_id: str) -> str:
    """Hash: status, assignee, amount, mou, poc, matched_at, updated."""
    return f"{CONSOLE_PREFIX}:lead:{lead_id}"


def console_lead_notes(lead_id: str) -> str:
    """List of JSON notes {time, user, text}, oldest first."""
    return f"{CONSOLE_PREFIX}:notes:{lead_id}"
