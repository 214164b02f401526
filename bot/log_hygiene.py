"""The Rasa server's logging filter (installed by `rasa run --logging-config-file
bot/logging.yml`): market_entry.log_redaction with Rasa's lines cut shorter and exceptions
reduced to their type, since Rasa logs a whole tracker or request body on some failure paths."""

from __future__ import annotations

from market_entry import log_redaction
from market_entry.log_redaction import digest

MAX_CHARS = 300
__all__ = ["MAX_CHARS", "RedactPersonalData", "digest", "redact"]


def redact(text: str) -> str:
    return log_redaction.redact(text, MAX_CHARS)


class RedactPersonalData(log_redaction.RedactPersonalData):
    max_chars = MAX_CHARS
    keep_frames = False
