"""What every channel does to an owner's message before Rasa sees it.

Text is cleaned (lone surrogates, control characters and unassigned code points dropped;
emoji, CJK and ordinary punctuation kept; Unicode NFC; length capped) so that no component
downstream meets text it cannot encode. A message starting with "/" is a button payload
(`/intent{"entity": "value"}`): Rasa would act on it without the NLU, so it is accepted only in
the shapes our own buttons send — a known intent, known entity names, string values the
vocabulary knows. Anything else is read as ordinary text. Used by the REST and socket.io
channels (inside Rasa) and the LINE worker, hence pure Python with no Rasa imports.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_MAX_CHARS = 1000
KEEP_CONTROLS = {"\n", "\t"}
# Intents a button of ours can send, and the entities each may carry.
BUTTON_INTENTS: dict[str, frozenset[str]] = {
    "ask_market_question": frozenset({"market", "topic", "entry_id"}),
    "inform_market": frozenset({"market"}),
    "request_human": frozenset(),
    "ask_events": frozenset({"market", "product"}),
    "screen_eligibility": frozenset({"selected_event"}),
    "give_consent": frozenset(),
    "decline_consent": frozenset(),
    "switch_language": frozenset({"language"}),
    "start_over": frozenset(),
    "restart": frozenset(),
    "session_start": frozenset(),
    "greet": frozenset(),
    "stop": frozenset(),
    "delete_my_data": frozenset(),
    "bot_capabilities": frozenset(),
}
_PAYLOAD = re.compile(r"^/([a-z_]{1,40})(\{.*\})?$", re.DOTALL)

OK, EMPTY, TOO_LONG = "ok", "empty", "too_long"


@dataclass(frozen=True)
class Inbound:
    text: str
    problem: str = OK      # OK, EMPTY (nothing readable) or TOO_LONG


def _keep(char: str) -> bool:
    if char in KEEP_CONTROLS:
        return True
    category = unicodedata.category(char)
    return category not in ("Cc", "Cs", "Cn")


def clean_text(raw: object, max_chars: int = DEFAULT_MAX_CHARS) -> Inbound:
    """The readable part of a message, or why there is none."""
    if not isinstance(raw, str):
        return Inbound("", EMPTY)
    text = unicodedata.normalize("NFC", "".join(c for c in raw if _keep(c)))
    text = re.sub(r"[ \t]+", " ", text).strip()
    if not text:
        return Inbound("", EMPTY)
    if len(text) > max_chars:
        return Inbound("", TOO_LONG)
    return Inbound(text)


Known = Callable[[str, str], bool]   # (entity name, value) -> whether the vocabulary has it


def button_payload(text: str, known: Known) -> str | None:
    """The payload re-serialised when it is one our buttons could send, else None."""
    match = _PAYLOAD.match(text)
    if not match or match.group(1) not in BUTTON_INTENTS:
        return None
    intent, body = match.group(1), match.group(2)
    if not body:
        return f"/{intent}"
    try:
        entities = json.loads(body)
    except ValueError:
        return None
    allowed = BUTTON_INTENTS[intent]
    if not isinstance(entities, dict) or not entities or len(entities) > 3:
        return None
    for name, value in entities.items():
        if name not in allowed or not isinstance(value, str) or not known(name, value):
            return None
    return f"/{intent}" + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def inbound(raw: object, known: Known, max_chars: int = DEFAULT_MAX_CHARS) -> Inbound:
    """A channel's message made safe: clean text, and a payload only when it is a real button's
    (otherwise its words are read as text, without the leading slash)."""
    cleaned = clean_text(raw, max_chars)
    if cleaned.problem != OK or not cleaned.text.startswith("/"):
        return cleaned
    payload = button_payload(cleaned.text, known)
    if payload is not None:
        return Inbound(payload)
    words = re.sub(r"\s+", " ", re.sub(r"[{}\"\[\]:,_/]+", " ", cleaned.text)).strip()
    return Inbound(words) if words else Inbound("", EMPTY)
