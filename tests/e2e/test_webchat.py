"""The web widget's Socket.IO channel against the real servers, with a real Socket.IO client."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json

import pytest

from tests.e2e.harness import free_port, wait_until
from tests.e2e.socketio_wire import ConnectionRefused, WireClient

pytestmark = pytest.mark.servers


async def converse(url: str, session_id: str | None, messages: list[str],
                   auth: dict | None = None) -> tuple[str, list[list[dict]]]:
    """Opens a session (or resumes `session_id`), sends each message, collects the replies."""
    async with WireClient(url, auth) as client:
        await client.emit("session_request", {"session_id": session_id})
        session = await client.wait_for("session_confirm")
        replies = []
        for message in messages:
            await client.emit("user_uttered", {"message": message, "session_id": session})
            replies.append(await client.collect("bot_uttered"))
    return session, replies


def hs256_token(claims: dict, key: str) -> str:
    """A JWT signed with HS256 (RFC 7519), as the host page's server would make it."""
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = part(json.dumps(claims).encode())
    signature = hmac.new(key.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{part(signature)}"


def test_widget_channel_answers_with_text_quick_replies_and_a_card(services):
    _, [replies] = asyncio.run(converse(services.rasa_url, None,
                                        ["我們是做小家電的，想賣到日本需要什麼認證？"]))
    texts = [r["text"] for r in replies if "text" in r]
    assert any("PSE" in t and "資料來源" in t for t in texts)
    quick = [q for r in replies for q in r.get("quick_replies", [])]
    assert any(q["payload"] == "/request_human" for q in quick)
    cards = [r["custom"] for r in replies if "custom" in r]
    assert cards and cards[0]["entry_id"] == "jp-certification-pse"
    # The channel sends the text as it is, source lines included, and the card after it: the
    # widget drops the lines of the sources its card shows (each source once on screen).
    assert replies.index(next(r for r in replies if "custom" in r)) > replies.index(
        next(r for r in replies if "text" in r))
    source_lines = [line for t in texts for line in t.splitlines() if line.startswith("資料來源：")]
    assert [s["url"] for s in cards[0]["sources"]] == [line.split()[-1] for line in source_lines]


def test_session_persists_across_reconnects(services):
    session, _ = asyncio.run(converse(services.rasa_url, None, ["日本小家電需要什麼認證？"]))
    _, [replies] = asyncio.run(converse(services.rasa_url, session, ["那標籤呢？"]))
    cards = [r["custom"] for r in replies if "custom" in r]
    assert cards and cards[0]["market"] == "jp" and cards[0]["topic"] == "labelling"


def test_long_messages_are_refused_politely(services):
    _, [replies] = asyncio.run(converse(services.rasa_url, None, ["認證" * 700]))
    assert any("太長" in r.get("text", "") for r in replies)


def test_jwt_gates_the_connection_when_configured(services):
    port = free_port()
    args = services.rasa_args()
    args[args.index("--port") + 1] = str(port)
    process = services._spawn("rasa-jwt", args, services.env(WEBCHAT_JWT_KEY="widget-test-key"))
    try:
        url = f"http://127.0.0.1:{port}"
        from tests.e2e.harness import http_ok

        wait_until(lambda: http_ok(f"{url}/webhooks/rest/"), 300, "Rasa with JWT", process)
        with pytest.raises(ConnectionRefused):
            asyncio.run(converse(url, None, ["你好"]))
        token = hs256_token({"user": "host-page"}, "widget-test-key")
        _, [replies] = asyncio.run(converse(url, None, ["你好"], auth={"token": token}))
        assert any("海外佈局" in r.get("text", "") for r in replies)
    finally:
        services.stop("rasa-jwt")
