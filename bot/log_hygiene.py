"""A logging filter for the Rasa server: no owner text, contact detail or tracker in any line.

Our channels and actions never log message text or slot values; this filter is the safety net
for lines Rasa or its libraries write on failure paths (an error response body can carry a whole
tracker). It masks e-mail addresses and phone numbers, replaces a quoted conversation id (Rasa's
"Circuit breaker tripped … for sender '<id>'"; a LINE user id, or whatever a client chose) by
the digest our own lines use, and cuts long lines to their start.
Installed by `rasa run --logging-config-file bot/logging.yml`.
"""

from __future__ import annotations

import hashlib
import logging
import re

MAX_CHARS = 300
_CONVERSATION = re.compile(r"\b(sender|conversation ID|conversation) '([^']*)'")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Taiwan numbers as owners type them: 0912-345-678, 0912 345 678, (02)2345-6789, +886 912...
_PHONE = re.compile(r"(?<![\d])(?:\+?886[-\s]?|\(?0)(?:\d[-\s)]?){7,10}\d(?!\d)")


def digest(conversation_id: str) -> str:
    """As bot.inbound_guard and actions.server name a conversation in their lines."""
    return hashlib.sha256(conversation_id.encode("utf-8", "replace")).hexdigest()[:12]


def redact(text: str) -> str:
    text = _CONVERSATION.sub(lambda m: f"{m.group(1)} {digest(m.group(2))}", text)
    text = _PHONE.sub("<phone>", _EMAIL.sub("<email>", text))
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + f"… [{len(text) - MAX_CHARS} characters dropped]"
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still logged, as its template
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            # Keep the traceback's shape, not the exception's message (it may quote data).
            error = record.exc_info[1]
            record.msg += f" ({type(error).__name__})"
            record.exc_info, record.exc_text = None, None
        return True
