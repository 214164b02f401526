"""Logging for our services: one line per record through market_entry.log_redaction's filter
(LINE ids hashed, contact details masked, long lines cut, a traceback's frames kept but not the
exception's message)."""

from __future__ import annotations

import logging

from market_entry import log_redaction
from market_entry.log_redaction import RedactPersonalData, digest

MAX_CHARS = 500
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
__all__ = ["FORMAT", "MAX_CHARS", "RedactPersonalData", "configure", "digest", "redact"]


def redact(text: str) -> str:
    return log_redaction.redact(text, MAX_CHARS)


def configure(level: int = logging.INFO) -> None:
    """Root logging to stderr through the filter (for a service's `main`)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactPersonalData())
    logging.basicConfig(level=level, handlers=[handler], force=True)
