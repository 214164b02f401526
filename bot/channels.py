"""The public REST chat channel with input limits (the web widget's socket.io channel is in
bot/webchat_channel.py).

Rasa's token protects only its HTTP API, never the channel webhooks, so anything an anonymous
client can post is checked here: malformed bodies get a clear 400 instead of a stack trace, and
over-long messages get a polite reply instead of reaching the NLU pipeline.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from market_entry.normalise import detect_language
from market_entry.phrases import say

log = logging.getLogger(__name__)
DEFAULT_MAX_MESSAGE_CHARS = 1000
MAX_SENDER_CHARS = 128

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def max_message_chars() -> int:
    try:
        return max(1, int(os.environ.get("MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS)))
    except ValueError:
        return DEFAULT_MAX_MESSAGE_CHARS


def guard_messages(on_new_message: OnNewMessage) -> OnNewMessage:
    """Answers over-long messages politely instead of passing them to the assistant."""

    async def guarded(message: UserMessage) -> Any:
        limit = max_message_chars()
        text = message.text
        if isinstance(text, str) and len(text) > limit:
            log.info("message of %d chars refused (limit %d)", len(text), limit)
            lang = detect_language(text[:200])
            await message.output_channel.send_text_message(
                message.sender_id, say("message_too_long", lang, limit=limit)
            )
            return None
        return await on_new_message(message)

    return guarded


class SizeLimitedRestInput(RestInput):
    """The REST channel at /webhooks/rest/webhook, with input checks."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = super().blueprint(guard_messages(on_new_message))

        @blueprint.middleware("request")
        async def check_body(request: Request) -> response.HTTPResponse | None:
            if request.method != "POST":
                return None
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - sanic raises its own error type for bad JSON
                body = None
            if not isinstance(body, dict):
                return _bad_request("The body must be a JSON object with `sender` and `message`.")
            sender, message = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER_CHARS:
                return _bad_request(f"`sender` must be text of 1 to {MAX_SENDER_CHARS} characters.")
            if not isinstance(message, str) or not message.strip():
                return _bad_request("`message` must be non-empty text.")
            return None

        return blueprint


def _bad_request(reason: str) -> response.HTTPResponse:
    return response.json({"error": "bad_request", "reason": reason}, status=400)
