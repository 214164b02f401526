"""A minimal Socket.IO v5 / Engine.IO v4 client over a plain WebSocket, for tests.

It speaks the same frames as the web widget's own client (web/widget/assistant-widget.js), so
the tests check the protocol the browser really uses.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import websockets


class ConnectionRefused(Exception):
    pass


class WireClient:
    def __init__(self, base_url: str, auth: dict | None = None) -> None:
        self.url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.auth = auth
        self.ws: Any = None
        self.events: list[tuple[str, Any]] = []

    async def __aenter__(self) -> WireClient:
        self.ws = await websockets.connect(self.url)
        opening = await self.ws.recv()
        assert opening.startswith("0"), opening
        await self.ws.send("40" + (json.dumps(self.auth) if self.auth else ""))
        while True:
            frame = await self._next_frame(5)
            if frame.startswith("40"):
                return self
            if frame.startswith("44"):
                await self.ws.close()
                raise ConnectionRefused(frame)

    async def __aexit__(self, *exc: Any) -> None:
        await self.ws.close()

    async def _next_frame(self, timeout: float) -> str:
        while True:
            frame = await asyncio.wait_for(self.ws.recv(), timeout)
            if frame == "2":          # server ping
                await self.ws.send("3")
                continue
            return frame

    async def emit(self, event: str, data: Any) -> None:
        await self.ws.send("42" + json.dumps([event, data], ensure_ascii=False))

    async def wait_for(self, event: str, timeout: float = 10) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = await self._next_frame(max(0.1, deadline - time.monotonic()))
            if frame.startswith("42"):
                name, *args = json.loads(frame[2:])
                if name == event:
                    return args[0] if args else None
                self.events.append((name, args[0] if args else None))
        raise TimeoutError(event)

    async def collect(self, event: str, quiet: float = 0.8, first_within: float = 15) -> list:
        """Events named `event` until none has come for `quiet` seconds after the first."""
        found = [data for name, data in self.events if name == event]
        self.events = [e for e in self.events if e[0] != event]
        timeout = first_within if not found else quiet
        while True:
            try:
                frame = await self._next_frame(timeout)
            except asyncio.TimeoutError:
                return found
            if frame.startswith("42"):
                name, *args = json.loads(frame[2:])
                if name == event:
                    found.append(args[0] if args else None)
                    timeout = quiet
