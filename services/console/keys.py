"""Every Redis key the console writes, all under `console:`. Lead records themselves stay under
`leads:` (market_entry.redis_keys) and are only read through market_entry.leads.store."""

from __future__ import annotations

PREFIX = "console"
ACCOUNTS = f"{PREFIX}:accounts"            # set of usernames
AUDIT = f"{PREFIX}:audit"                  # stream: time, user, action, lead, detail
AUDIT_MAXLEN = 200_000


def account(username: str) -> str:
    """Hash: password (argon2id hash), desk, role, created."""
    return f"{PREFIX}:account:{username}"


def failures(username: str) -> str:
    """Counter of failed logins in the lockout window (expires with it)."""
    return f"{PREFIX}:failures:{username}"


def session(token_digest: str) -> str:
    """Hash: username ('' before login), csrf; expires with the session."""
    return f"{PREFIX}:session:{token_digest}"


def lead_state(lead_id: str) -> str:
    """Hash: status, assignee, amount, mou, poc, matched_at, updated."""
    return f"{PREFIX}:lead:{lead_id}"


def lead_notes(lead_id: str) -> str:
    """List of JSON notes {time, user, text}, oldest first."""
    return f"{PREFIX}:notes:{lead_id}"
