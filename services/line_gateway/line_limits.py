"""LINE Messaging API limits, and helpers that keep messages inside them.

Lengths of texts are counted in UTF-16 code units, as LINE counts them (an emoji outside the
Basic Multilingual Plane counts 2).
"""

from __future__ import annotations

import json
from typing import Any

MAX_MESSAGES_PER_REQUEST = 5
MAX_TEXT_UNITS = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_ACTION_LABEL = 20
MAX_POSTBACK_DATA = 300
MAX_DISPLAY_TEXT = 300
MAX_MESSAGE_ACTION_TEXT = 300
MAX_ALT_TEXT = 1500
MAX_BUBBLE_BYTES = 30 * 1024
MAX_URI = 1000
LOADING_MIN_SECONDS = 5
LOADING_MAX_SECONDS = 60
ELLIPSIS = "…"


class LimitError(ValueError):
    """A message that LINE would reject; raised before anything is sent."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` cut to at most `limit` UTF-16 units, ending with an ellipsis when it was cut."""
    if utf16_len(text) <= limit:
        return text
    room = limit - utf16_len(ellipsis)
    out, used = [], 0
    for char in text:
        size = utf16_len(char)
        if used + size > room:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip() + ellipsis


def split_text(text: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Splits a long text into pieces of at most `limit` UTF-16 units, preferring paragraph, then
    line, then sentence boundaries; never splits a surrogate pair."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        head = truncate(rest, limit, ellipsis="")  # the longest prefix that fits
        cut = -1
        for boundary in ("\n\n", "\n", "。", ". ", "！", "？", "! ", "? ", "，", ", ", " "):
            found = head.rfind(boundary)
            if found > len(head) // 2:
                cut = found + len(boundary)
                break
        if cut <= 0:
            cut = len(head)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        pieces.append(rest)
    return pieces or [text]


def loading_seconds(seconds: float) -> int:
    """A valid `loadingSeconds`: a multiple of 5 from 5 to 60."""
    rounded = int(-(-max(seconds, 0) // 5) * 5)  # round up to the next multiple of 5
    return min(LOADING_MAX_SECONDS, max(LOADING_MIN_SECONDS, rounded))


def bubble_bytes(container: dict[str, Any]) -> int:
    return len(json.dumps(container, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _check_action(action: dict[str, Any]) -> None:
    label = action.get("label")
    if label is not None and not 1 <= utf16_len(label) <= MAX_ACTION_LABEL:
        raise LimitError(f"action label of {utf16_len(label)} units")
    kind = action.get("type")
    if kind == "postback":
        if not 1 <= utf16_len(action.get("data", "")) <= MAX_POSTBACK_DATA:
            raise LimitError("postback data must have 1-300 characters")
        if "displayText" in action and not 1 <= utf16_len(action["displayText"]) <= MAX_DISPLAY_TEXT:
            raise LimitError("postback displayText must have 1-300 characters")
    elif kind == "message":
        if not 1 <= utf16_len(action.get("text", "")) <= MAX_MESSAGE_ACTION_TEXT:
            raise LimitError("message action text must have 1-300 characters")
    elif kind == "uri":
        uri = action.get("uri", "")
        if not uri.startswith(("https://", "http://")) or len(uri) > MAX_URI:
            raise LimitError("uri action needs an http(s) URI of at most 1000 characters")
    else:
        raise LimitError(f"unsupported action type {kind!r}")


def _walk_actions(node: Any):
    if isinstance(node, dict):
        if isinstance(node.get("action"), dict):
            yield node["action"]
        for value in node.values():
            yield from _walk_actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_actions(item)


def check_messages(messages: list[dict[str, Any]]) -> None:
    """Raises LimitError unless `messages` is a valid body for one Reply or Push request."""
    if not 1 <= len(messages) <= MAX_MESSAGES_PER_REQUEST:
        raise LimitError(f"{len(messages)} messages in one request (1-5 allowed)")
    for message in messages:
        kind = message.get("type")
        if kind == "text":
            text = message.get("text", "")
            if not text or utf16_len(text) > MAX_TEXT_UNITS:
                raise LimitError(f"text of {utf16_len(text)} units")
        elif kind == "flex":
            if not 1 <= utf16_len(message.get("altText", "")) <= MAX_ALT_TEXT:
                raise LimitError("flex altText must have 1-1500 characters")
            contents = message.get("contents") or {}
            if contents.get("type") != "bubble" or bubble_bytes(contents) > MAX_BUBBLE_BYTES:
                raise LimitError("flex contents must be one bubble of at most 30 KB")
            for action in _walk_actions(contents):
                _check_action(action)
        else:
            raise LimitError(f"unsupported message type {kind!r}")
        quick = message.get("quickReply")
        if quick is not None:
            items = quick.get("items") or []
            if not 1 <= len(items) <= MAX_QUICK_REPLY_ITEMS:
                raise LimitError(f"{len(items)} quick reply items (1-13 allowed)")
            for item in items:
                _check_action(item.get("action") or {})
