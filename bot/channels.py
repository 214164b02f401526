"""The public REST chat channel with input checks (the web widget's socket.io channel is in
bot/webchat_channel.py; both pass messages through bot/inbound_guard.py).

Rasa's token protects only its HTTP API, never the channel webhooks, so anything an anonymous
client can post is checked: malformed bodies get a clear 400 instead of a stack trace, and the
message itself is cleaned and checked by the guard before the NLU sees it.
"""

from __future__ import annotations

import logging

from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.inbound_guard import OnNewMessage, guard_messages

log = logging.getLogger(__name__)
MAX_SENDER_CHARS = 128


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
            if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
                # Rasa would fail on it after the message was accepted (a TypeError)
                return _bad_request("`metadata`, when given, must be a JSON object.")
            return None

        return blueprint


def _bad_request(reason: str) -> response.HTTPResponse:
    return response.json({"error": "bad_request", "reason": reason}, status=400)
