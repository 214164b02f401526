"""Calls from the Rasa server to the action server (EndpointConfig.request, patched in
bot.rasa_speedups): same answers and errors as Rasa's, over reused connections."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

import bot  # noqa: F401 - installs the speed-ups


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, like Sanic
    peers: set = set()

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Handler.peers.add(self.client_address)
        status = 500 if body.get("fail") else 200
        reply = json.dumps({"echo": body, "token": self.path}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    Handler.peers = set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/webhook"
    httpd.shutdown()


def test_replies_come_back_and_connections_are_reused(server: str):
    endpoint = EndpointConfig(url=server, token="s3cret")

    async def calls() -> list:
        return [await endpoint.request(json={"n": i}, method="post", timeout=5) for i in range(5)]

    replies = asyncio.run(calls())
    assert [r["echo"]["n"] for r in replies] == [0, 1, 2, 3, 4]
    assert replies[0]["token"].endswith("token=s3cret")
    assert len(Handler.peers) == 1


def test_an_error_status_raises_rasas_error(server: str):
    endpoint = EndpointConfig(url=server)
    with pytest.raises(ClientResponseError) as error:
        asyncio.run(endpoint.request(json={"fail": True}, method="post"))
    assert error.value.status == 500


def test_each_event_loop_gets_its_own_session(server: str):
    endpoint = EndpointConfig(url=server)
    for i in range(2):   # a closed loop's session is never reused
        assert asyncio.run(endpoint.request(json={"n": i}))["echo"] == {"n": i}
