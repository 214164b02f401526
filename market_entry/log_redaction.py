"""The safety net under every log line we write or let a library write: no owner's contact
detail, chat id or long quoted payload reaches a log.

Our code never logs message text, slot values or chat ids (it logs ids' hash prefixes). A
library can, on a failure path (an error body carrying a whole tracker, a LINE id in a URL), so
both the Rasa server (bot/log_hygiene.py) and our services (services/common/log_hygiene.py)
pass every record through `RedactPersonalData`. Pure: imports on both Pythons.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Taiwanese numbers as owners type them (0912-345-678, 0912 345 678, (02)2345-6789, 037-123456,
# +886 912 345 678) and other international ones (+81 90 1234 5678).
_PHONE = re.compile(
    r"(?<![\d])(?:\+?886[-\s]?|\(?0)(?:\d[-\s)]?){7,10}\d(?!\d)|"
    r"(?<![\w-])(\+?886[-\s]?|0|\+\d{1,3}[-\s]?)\(?\d(?:[-\s)]?\d){7,10}(?![\w-])")
# LINE ids: U (user), C (group), R (room) and 32 hexadecimal digits.
_LINE_ID = re.compile(r"(?<![0-9A-Za-z])[UCR][0-9a-f]{32}(?![0-9A-Za-z])")
# Rasa quotes a conversation id ("Circuit breaker tripped … for sender '<id>'"): a LINE user id,
# or whatever a web client chose.
_CONVERSATION = re.compile(r"\b(sender|conversation ID|conversation) '([^']*)'")


def digest(value: str) -> str:
    """The short hash under which an id may appear in logs (as our own lines name it)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def redact(text: str, max_chars: int) -> str:
    text = _CONVERSATION.sub(lambda m: f"{m.group(1)} {digest(m.group(2))}", text)
    text = _LINE_ID.sub(lambda m: f"<id {digest(m.group(0))}>", text)
    text = _PHONE.sub("<phone>", _EMAIL.sub("<email>", text))
    if len(text) > max_chars:
        text = text[:max_chars] + f"… [{len(text) - max_chars} characters dropped]"
    return text


class RedactPersonalData(logging.Filter):
    """Rewrites each record's message redacted; an exception keeps its type, never its message
    (it may quote data), and its frames only when `keep_frames`."""

    max_chars = 500
    keep_frames = True

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still logged, as its template
            message = str(record.msg)
        record.msg, record.args = redact(message, self.max_chars), None
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            if self.keep_frames:
                frames = "".join(traceback.format_tb(error.__traceback__))
                record.exc_text = (f"Traceback (most recent call last):\n{frames}"
                                   f"{type(error).__name__}")
            else:
                record.msg += f" ({type(error).__name__})"
                record.exc_text = None
            record.exc_info = None
        return True
