"""Logging for our services: one line per record, and a filter that keeps personal data out.

The services never log message text, postback data, reply text or chat ids (they log event ids,
counts and hashed chat ids). This filter is the safety net for lines a library writes on a failure
path: it replaces LINE user, group and room ids by a hash prefix, masks e-mail addresses and phone
numbers, cuts long lines, and keeps a traceback's frames but not the exception's message (which
may quote data).
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback

MAX_CHARS = 500
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Taiwanese numbers (0912-345-678, 02-2345-6789, 037-123456, +886 912 345 678) and other
# international ones (+81 90 1234 5678); single spaces, hyphens or a bracket between digits.
_PHONE = re.compile(r"(?<![\w-])(\+?886[-\s]?|0|\+\d{1,3}[-\s]?)\(?\d(?:[-\s)]?\d){7,10}(?![\w-])")
# LINE ids: U (user), C (group), R (room) and 32 hexadecimal digits.
_LINE_ID = re.compile(r"(?<![0-9A-Za-z])[UCR][0-9a-f]{32}(?![0-9A-Za-z])")


def digest(value: str) -> str:
    """The short hash under which an id may appear in logs."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def redact(text: str) -> str:
    text = _LINE_ID.sub(lambda m: f"<id {digest(m.group(0))}>", text)
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
            error = record.exc_info[1]
            frames = "".join(traceback.format_tb(error.__traceback__))
            record.exc_text = f"Traceback (most recent call last):\n{frames}{type(error).__name__}"
            record.exc_info = None
        return True


def configure(level: int = logging.INFO) -> None:
    """Root logging to stderr through the filter (for a service's `main`)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactPersonalData())
    logging.basicConfig(level=level, handlers=[handler], force=True)
