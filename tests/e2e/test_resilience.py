"""The live stack when Redis restarts under it, and typed session commands.

Redis stopped mid-conversation: the next message gets a clear "please send it again" (phrase
`system.retry_later`) with HTTP 200 — on REST and on the widget's Socket.IO channel — never a
5xx or silence. Redis started again on the same data directory (AOF): the conversation goes on
with its context (a follow-up about labels is answered for Japan) and its earlier events are
all still in the tracker. Typed `/restart` and `/session_start` get a restart or greeting reply.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request

import pytest
import yaml

from market_entry.phrases import say
from tests.e2e.fuzz_inputs import SocketConversation
from tests.e2e.harness import REPO, card, texts

pytestmark = pytest.mark.servers

ZH = "zh-TW"
QUESTION = "我們是做小家電的，想賣到日本需要什麼認證？"


def domain_text(response: str) -> str:
    """The Traditional Chinese (unconditioned) text of a response in bot/domain.yml."""
    domain = yaml.safe_load((REPO / "bot" / "domain.yml").read_text(encoding="utf-8"))
    return next(v["text"] for v in domain["responses"][response] if not v.get("condition"))


def tracker_events(services, sender: str) -> list[dict]:
    request = urllib.request.Request(
        f"{services.rasa_url}/conversations/{sender}/tracker?token={services.token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["events"]


def widget_turn(services, session_id: str | None, message: str) -> tuple[str, list[dict]]:
    async def turn() -> tuple[str, list[dict]]:
        async with SocketConversation(services.rasa_url, session_id) as chat:
            outcome = await chat.send({"message": message}, "resilience")
            assert outcome.error is None, outcome.error
            return chat.session_id, outcome.replies
    return asyncio.run(turn())


def test_redis_restart_mid_conversation_asks_to_retry_then_continues(services, sender):
    replies = services.chat(sender, QUESTION)
    assert card(replies)["entry_id"] == "jp-certification-pse" and card(replies)["market"] == "jp"
    session, widget_replies = widget_turn(services, None, QUESTION)
    assert any("custom" in r and r["custom"]["market"] == "jp" for r in widget_replies)
    before = tracker_events(services, sender)
    rasa_log = services.log("rasa")
    log_from = rasa_log.stat().st_size

    services.stop("redis")
    try:
        retry = say("system.retry_later", ZH)
        status, body = services.post("/webhooks/rest/webhook", json.dumps(
            {"sender": sender, "message": "那標籤呢？"}).encode(), timeout=30)
        assert status == 200, (status, body[:300])
        assert retry in texts(json.loads(body)), body[:300]
        _, widget_replies = widget_turn(services, session, "那標籤呢？")
        assert retry in texts(widget_replies), widget_replies
    finally:
        services.start_redis()     # same port, same data directory, AOF on

    replies = services.chat(sender, "那標籤呢？")
    assert card(replies)["entry_id"] == "jp-labelling-household-goods", texts(replies)
    assert card(replies)["market"] == "jp"
    after = tracker_events(services, sender)
    assert after[: len(before)] == before            # nothing of the conversation was lost
    assert [e.get("text") for e in after if e["event"] == "user"][-1] == "那標籤呢？"
    _, widget_replies = widget_turn(services, session, "那標籤呢？")
    assert any("custom" in r and r["custom"]["entry_id"] == "jp-labelling-household-goods"
               for r in widget_replies), widget_replies

    with open(rasa_log, "rb") as handle:
        handle.seek(log_from)
        outage = handle.read().decode("utf-8", "replace")
    # the failure is named, the conversation only by a digest, the owner's text not at all
    assert re.search(r"message not handled: \w+ \(conversation [0-9a-f]{12}\)", outage), outage
    assert "Traceback" not in outage and "那標籤" not in outage


@pytest.mark.parametrize("command, response", [("/restart", "utter_restart"),
                                               ("/session_start", "utter_greet")])
def test_typed_session_commands_are_answered(services, sender, command, response):
    services.chat(sender, QUESTION)
    expected = domain_text(response)
    replies = services.chat(sender, command)
    assert expected in texts(replies), (command, replies)
    _, widget_replies = widget_turn(services, None, command)
    assert expected in texts(widget_replies), (command, widget_replies)
