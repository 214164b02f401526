"""A fake LINE Messaging API for tests, faithful to the parts of the contract the gateway uses.

- every call needs `Authorization: Bearer <channel access token>` (401 otherwise);
- Reply API: 1-5 messages; reply tokens are issued by the test (`issue_token`), single-use and
  expire after `token_ttl` seconds (400 "Invalid reply token");
- Push API: 1-5 messages; an `X-Line-Retry-Key` must be a UUID, and a key already accepted gets
  409 (failed attempts do not consume it);
- loading indicator: `chatId`, `loadingSeconds` a multiple of 5 from 5 to 60 (202);
- message limits checked independently of the gateway's own code: text <= 5,000 UTF-16 units,
  quick reply <= 13 items with labels <= 20, postback data <= 300, Flex altText <= 1,500 and a
  bubble <= 30 KB;
- failures can be injected (`fail_next("push", 429, 500)`), and so can a lost answer
  (`lose_next_answer("reply")`: the messages are delivered, the caller gets 502, as when a
  connection drops after LINE accepted); every request is recorded.

Runs in a background thread of the test process, so tests read its records directly.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.e2e.harness import free_port


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _actions(node: Any):
    if isinstance(node, dict):
        if isinstance(node.get("action"), dict):
            yield node["action"]
        for value in node.values():
            yield from _actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _actions(item)


def message_problems(messages: Any) -> list[str]:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return ["messages must be a list of 1 to 5"]
    problems = []
    for number, message in enumerate(messages):
        kind = message.get("type")
        if kind == "text":
            if not 1 <= utf16(message.get("text", "")) <= 5000:
                problems.append(f"messages[{number}].text length")
        elif kind == "flex":
            if not 1 <= utf16(message.get("altText", "")) <= 1500:
                problems.append(f"messages[{number}].altText length")
            size = len(json.dumps(message.get("contents"), ensure_ascii=False,
                                  separators=(",", ":")).encode())
            if size > 30 * 1024:
                problems.append(f"messages[{number}].contents over 30 KB")
        elif kind not in {"image", "sticker", "video", "audio", "location", "imagemap", "template"}:
            problems.append(f"messages[{number}].type {kind!r}")
        items = (message.get("quickReply") or {}).get("items")
        if items is not None and not 1 <= len(items) <= 13:
            problems.append(f"messages[{number}].quickReply has {len(items)} items")
        for action in _actions(message):
            if "label" in action and not 1 <= utf16(action["label"]) <= 20:
                problems.append(f"messages[{number}] action label length")
            if action.get("type") == "postback" and not 1 <= utf16(action.get("data", "")) <= 300:
                problems.append(f"messages[{number}] postback data length")
    return problems


@dataclass
class Record:
    path: str
    status: int
    body: dict[str, Any]
    retry_key: str | None
    at: float = field(default_factory=time.time)


class FakeLine:
    def __init__(self, access_token: str, token_ttl: float = 60.0) -> None:
        self.access_token = access_token
        self.token_ttl = token_ttl
        self.port = free_port()
        self.records: list[Record] = []
        self.tokens: dict[str, dict[str, Any]] = {}  # token -> {chat, issued, used}
        self.accepted_retry_keys: set[str] = set()
        self.failures: dict[str, list[int]] = {}
        self.lost_answers: dict[str, int] = {}
        self.lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- test controls ---------------------------------------------------------------------------
    def issue_token(self, chat: str, ttl: float | None = None) -> str:
        token = uuid.uuid4().hex
        with self.lock:
            self.tokens[token] = {"chat": chat, "issued": time.time(), "used": False,
                                  "ttl": self.token_ttl if ttl is None else ttl}
        return token

    def fail_next(self, endpoint: str, *statuses: int) -> None:
        with self.lock:
            self.failures.setdefault(endpoint, []).extend(statuses)

    def lose_next_answer(self, endpoint: str, count: int = 1) -> None:
        with self.lock:
            self.lost_answers[endpoint] = self.lost_answers.get(endpoint, 0) + count

    def _answer_lost(self, endpoint: str) -> bool:
        with self.lock:
            if self.lost_answers.get(endpoint, 0) <= 0:
                return False
            self.lost_answers[endpoint] -= 1
            return True

    def reset(self) -> None:
        with self.lock:
            self.records.clear()
            self.failures.clear()
            self.lost_answers.clear()

    def delivered(self) -> list[tuple[str, str, list[dict[str, Any]]]]:
        """(chat, "reply"|"push", messages) for every accepted message request."""
        out = []
        with self.lock:
            for record in self.records:
                if record.status != 200:
                    continue
                if record.path.endswith("/reply"):
                    out.append((record.body["_chat"], "reply", record.body["messages"]))
                elif record.path.endswith("/push"):
                    out.append((record.body["to"], "push", record.body["messages"]))
        return out

    def delivered_to(self, chat: str) -> list[list[dict[str, Any]]]:
        return [messages for to, _via, messages in self.delivered() if to == chat]

    def calls(self, suffix: str) -> list[Record]:
        with self.lock:
            return [r for r in self.records if r.path.endswith(suffix)]

    # -- the API --------------------------------------------------------------------------------
    def _failure(self, endpoint: str) -> int | None:
        with self.lock:
            queue = self.failures.get(endpoint)
            return queue.pop(0) if queue else None

    def _record(self, request: web.Request, status: int, body: dict[str, Any]) -> None:
        with self.lock:
            self.records.append(Record(request.path, status, body,
                                       request.headers.get("X-Line-Retry-Key")))

    async def _read(self, request: web.Request) -> tuple[dict[str, Any] | None, web.Response | None]:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            self._record(request, 401, {})
            return None, web.json_response({"message": "Authentication failed"}, status=401)
        try:
            body = await request.json()
        except ValueError:
            self._record(request, 400, {})
            return None, web.json_response({"message": "invalid JSON"}, status=400)
        return body, None

    def _error(self, request: web.Request, body: dict[str, Any], status: int,
               message: str) -> web.Response:
        self._record(request, status, body)
        return web.json_response({"message": message}, status=status)

    async def reply(self, request: web.Request) -> web.Response:
        body, error = await self._read(request)
        if error:
            return error
        injected = self._failure("reply")
        if injected:
            return self._error(request, body, injected, "injected")
        problems = message_problems(body.get("messages"))
        if problems:
            return self._error(request, body, 400, "; ".join(problems))
        with self.lock:
            token = self.tokens.get(body.get("replyToken", ""))
            valid = (token is not None and not token["used"]
                     and time.time() - token["issued"] < token["ttl"])
            if valid:
                token["used"] = True
        if not valid:
            return self._error(request, body, 400, "Invalid reply token")
        body["_chat"] = token["chat"]
        self._record(request, 200, body)
        if self._answer_lost("reply"):
            return web.json_response({"message": "bad gateway"}, status=502)
        return web.json_response({"sentMessages": [{"id": uuid.uuid4().hex}
                                                   for _ in body["messages"]]})

    async def push(self, request: web.Request) -> web.Response:
        body, error = await self._read(request)
        if error:
            return error
        key = request.headers.get("X-Line-Retry-Key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                return self._error(request, body, 400, "X-Line-Retry-Key must be a UUID")
            with self.lock:
                repeated = key in self.accepted_retry_keys
            if repeated:
                return self._error(request, body, 409, "The retry key is already accepted")
        injected = self._failure("push")
        if injected:
            return self._error(request, body, injected, "injected")
        problems = message_problems(body.get("messages"))
        if not body.get("to"):
            problems.append("to is required")
        if problems:
            return self._error(request, body, 400, "; ".join(problems))
        with self.lock:
            if key is not None:
                self.accepted_retry_keys.add(key)
        self._record(request, 200, body)
        return web.json_response({"sentMessages": [{"id": uuid.uuid4().hex}
                                                   for _ in body["messages"]]})

    async def loading(self, request: web.Request) -> web.Response:
        body, error = await self._read(request)
        if error:
            return error
        seconds = body.get("loadingSeconds", 20)
        if not body.get("chatId") or not isinstance(seconds, int) or seconds % 5 or not 5 <= seconds <= 60:
            return self._error(request, body, 400, "invalid loading request")
        self._record(request, 202, body)
        return web.json_response({}, status=202)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeLine:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            app = web.Application()
            app.router.add_post("/v2/bot/message/reply", self.reply)
            app.router.add_post("/v2/bot/message/push", self.push)
            app.router.add_post("/v2/bot/chat/loading/start", self.loading)
            self._runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", self.port)
            self._loop.run_until_complete(site.start())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
