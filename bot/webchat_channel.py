"""The web widget's channel: Socket.IO at /socket.io, written for this assistant.

Rasa 3.6's stock socket.io channel cannot be used as it is with the python-socketio release its
own pins install (5.18): it calls the now-asynchronous `enter_room` without awaiting it, so with
session persistence no reply ever reaches the browser, and its custom-JSON path passes our card
as keyword arguments to `emit` and fails. This channel follows the same client contract
(`session_request` → `session_confirm`, `user_uttered` → `bot_uttered`, JWT in the connect
`auth`), and adds what a public endpoint needs: allowed origins, the inbound guard (clean text,
button payloads only, a size limit, polite answers to bad input), and cards sent as
`{"custom": {...}}` like the REST channel.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint
from sanic import Blueprint, response
from sanic.request import Request
from socketio import AsyncServer

from bot.inbound_guard import guard_messages
from market_entry.phrases import say

log = logging.getLogger(__name__)
MAX_SESSION_ID_CHARS = 64


def allowed_origins() -> list[str] | None:
    """CORS_ORIGINS (space-separated) or, when unset, same-origin only (None)."""
    configured = os.environ.get("CORS_ORIGINS", "").split()
    return configured or None


class WebChatOutput(OutputChannel):
    def __init__(self, sio: AsyncServer, event: str) -> None:
        self.sio = sio
        self.event = event

    @classmethod
    def name(cls) -> str:
        return "socketio"

    async def _emit(self, room: str, data: dict[str, Any]) -> None:
        await self.sio.emit(self.event, data, room=room)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], **kwargs: Any) -> None:
        quick_replies = [{"content_type": "text", "title": b["title"], "payload": b["payload"]}
                         for b in buttons]
        await self._emit(recipient_id, {"text": text, "quick_replies": quick_replies})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any],
                               **kwargs: Any) -> None:
        await self._emit(recipient_id, {"custom": json_message})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"attachment": {"type": "image", "payload": {"src": image}}})

    async def send_attachment(self, recipient_id: str, attachment: dict[str, Any],
                              **kwargs: Any) -> None:
        await self._emit(recipient_id, {"attachment": attachment})


class WebChatInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            jwt_key=credentials.get("jwt_key") or os.environ.get("WEBCHAT_JWT_KEY") or None,
            jwt_method=credentials.get("jwt_method", "HS256"),
            metadata_key=credentials.get("metadata_key", "customData"),
        )

    def __init__(self, user_message_evt: str = "user_uttered", bot_message_evt: str = "bot_uttered",
                 socketio_path: str = "/socket.io", jwt_key: str | None = None,
                 jwt_method: str = "HS256", metadata_key: str = "customData") -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.jwt_key = jwt_key
        self.jwt_method = jwt_method
        self.metadata_key = metadata_key
        self.sio: AsyncServer | None = None

    def get_output_channel(self) -> OutputChannel | None:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guard_messages(on_new_message)
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=allowed_origins())
        self.sio = sio
        blueprint = SocketBlueprint(sio, self.socketio_path, "webchat", __name__)
        sessions: dict[str, str] = {}  # socket id → conversation id, for this process

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token")
            payload = decode_bearer_token(token, self.jwt_key, self.jwt_method) if token else None
            if payload is None:
                log.info("web chat connection refused: missing or invalid token")
                return False
            return True

        @sio.on("disconnect")
        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            wanted = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(wanted, str) or not wanted or len(wanted) > MAX_SESSION_ID_CHARS:
                wanted = uuid.uuid4().hex
            sessions[sid] = wanted
            await sio.enter_room(sid, wanted)
            await sio.emit("session_confirm", wanted, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> None:
            output = WebChatOutput(sio, self.bot_message_evt)
            session = sessions.get(sid)
            if not isinstance(data, dict) or not session:
                await output.send_text_message(sid, say("fallback.rephrase_no_suggestion", "zh-TW"))
                return
            text = data.get("message")
            if not isinstance(text, str):
                text = ""   # the guard answers "could not read that"
            metadata = data.get(self.metadata_key)
            await on_new_message(UserMessage(
                text, output, session, input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None,
            ))

        return blueprint
