"""The LINE channel end to end: signed, real-shaped webhook payloads → the gateway (services
environment) → Redis stream → worker → the real Rasa and action servers (trained model) → a fake
LINE API that enforces the contract (fake_line.py)."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
import uuid

import pytest
import redis

from market_entry import redis_keys as keys
from tests.e2e.harness import wait_until
from tests.line.stack import (
    ACCESS_TOKEN,
    CHANNEL_SECRET,
    event,
    sign,
    text_message,
    user_id,
    user_source,
)

pytestmark = [pytest.mark.servers, pytest.mark.timeout(600)]

USED_IDS: list[str] = []
USED_TEXTS: list[str] = []
QUESTION = "我們是做小家電的，想賣到日本需要什麼認證？"


def new_user() -> str:
    uid = user_id()
    USED_IDS.append(uid)
    return uid


def text_event(stack, uid: str, text: str, ttl: float | None = None, **extra) -> dict:
    USED_TEXTS.append(text)
    token = stack.fake.issue_token(uid, ttl)
    return event("message", user_source(uid), token, message=text_message(text), **extra)


def post(stack, events: list[dict]) -> None:
    started = time.monotonic()
    status, body = stack.post_webhook(events)
    assert status == 200, body
    assert time.monotonic() - started < 1.0, "the webhook must acknowledge at once"


def all_text(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or m.get("altText") or "" for m in messages)


def redis_client(stack) -> redis.Redis:
    return redis.Redis.from_url(stack.redis_url, decode_responses=True)


def test_health_and_the_consoles_verify_call(stack):
    with urllib.request.urlopen(f"{stack.gateway_url}/health", timeout=5) as response:
        assert json.load(response) == {"status": "ok"}
    before = redis_client(stack).xlen(keys.LINE_EVENTS_STREAM)
    status, body = stack.post_webhook([])  # the console's "Verify": {"destination":…, "events": []}
    assert (status, json.loads(body)) == (200, {})
    assert redis_client(stack).xlen(keys.LINE_EVENTS_STREAM) == before


def test_a_bad_signature_is_refused_and_nothing_is_processed(stack):
    uid = new_user()
    ev = text_event(stack, uid, "這則不該被處理")
    body = json.dumps({"destination": "Uxxx", "events": [ev]}, ensure_ascii=False).encode()
    assert stack.post_webhook([], body=body, signature=sign(body, "another-secret"))[0] == 400
    assert stack.post_webhook([], body=body, signature=False)[0] == 400
    tampered = body.replace("不該".encode(), "應該".encode())
    assert stack.post_webhook([], body=tampered, signature=sign(body))[0] == 400
    # Re-serialising the JSON (spaces, key order) breaks the signature, as on LINE's side.
    reserialised = json.dumps(json.loads(body), ensure_ascii=True, indent=1).encode()
    assert stack.post_webhook([], body=reserialised, signature=sign(body))[0] == 400
    assert stack.post_webhook([], body=b"\xff\xfe", signature=sign(b"\xff\xfe"))[0] == 400
    time.sleep(2)
    assert stack.fake.delivered_to(uid) == []
    assert redis_client(stack).get(keys.line_dedupe(ev["webhookEventId"])) is None


def test_a_question_gets_the_answer_with_quick_replies_and_a_flex_source_card(stack):
    uid = new_user()
    post(stack, [text_event(stack, uid, QUESTION)])
    [messages] = stack.wait_delivered(uid)
    via = [v for to, v, _m in stack.fake.delivered() if to == uid]
    assert via == ["reply"]
    assert messages[0]["type"] == "text" and "PSE" in messages[0]["text"]
    flex = next(m for m in messages if m["type"] == "flex")
    uris = [c["action"]["uri"] for c in flex["contents"]["body"]["contents"] if "action" in c]
    assert uris and all(u.startswith("https://") for u in uris)
    # Each source once: linked from the card, not repeated as a line of the text.
    text = all_text([m for m in messages if m["type"] == "text"])
    assert "資料來源" not in text and not [u for u in uris if u in text]
    assert "最後查核" in json.dumps(flex, ensure_ascii=False)
    assert messages[-1]["quickReply"]["items"], "the follow-up buttons become quick replies"
    # The loading indicator was shown while the answer was computed (LINE_LOADING_AFTER_SECONDS=0).
    loading = [r.body for r in stack.fake.calls("/loading/start") if r.body.get("chatId") == uid]
    assert loading and loading[0]["loadingSeconds"] % 5 == 0


def test_a_quick_reply_postback_continues_the_conversation(stack):
    uid = new_user()
    post(stack, [text_event(stack, uid, "出口需要什麼認證？")])
    [asked] = stack.wait_delivered(uid)
    items = asked[-1]["quickReply"]["items"]
    japan = next(i["action"] for i in items if "jp" in i["action"].get("data", ""))
    assert japan["type"] == "postback" and japan["data"].startswith("/")
    token = stack.fake.issue_token(uid)
    post(stack, [event("postback", user_source(uid), token,
                       postback={"data": japan["data"]})])
    answered = stack.wait_delivered(uid, 2)[1]
    # The kept question is answered for Japan, or the owner chooses among Japan's entries.
    assert "PSE" in all_text(answered)
    if not any(m["type"] == "flex" for m in answered):
        choice = answered[-1]["quickReply"]["items"][0]["action"]
        post(stack, [event("postback", user_source(uid), stack.fake.issue_token(uid),
                           postback={"data": choice["data"]})])
        answered = stack.wait_delivered(uid, 3)[2]
        assert any(m["type"] == "flex" for m in answered), all_text(answered)


def test_follow_greets_a_new_friend(stack):
    uid = new_user()
    post(stack, [event("follow", user_source(uid), stack.fake.issue_token(uid),
                       follow={"isUnblocked": False})])
    [greeting] = stack.wait_delivered(uid)
    assert greeting[0]["type"] == "text" and greeting[0]["text"].strip()


@pytest.mark.parametrize("message,word", [
    ({"type": "sticker", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC",
      "keywords": ["happy"]}, "貼圖"),
    ({"type": "image", "contentProvider": {"type": "line"}, "imageSet": {"id": "x", "index": 1,
                                                                       "total": 2}}, "圖片"),
    ({"type": "location", "title": "台北", "address": "台北市", "latitude": 25.0,
      "longitude": 121.5}, "文字"),
])
def test_stickers_and_images_get_a_friendly_text_reply(stack, message, word):
    uid = new_user()
    message = {"id": str(time.time_ns()), "quoteToken": "q", **message}
    post(stack, [event("message", user_source(uid), stack.fake.issue_token(uid), message=message)])
    [reply] = stack.wait_delivered(uid)
    assert [m["type"] for m in reply] == ["text"] and word in reply[0]["text"]


def test_standby_unknown_and_unfollow_events_are_acknowledged_and_ignored(stack):
    uid, other = new_user(), new_user()
    standby = text_event(stack, uid, "待機模式的訊息")
    standby["mode"] = "standby"
    unknown = event("someFutureEvent", user_source(uid), stack.fake.issue_token(uid),
                    futureField={"nested": [1, 2]})
    unfollow = event("unfollow", user_source(uid))
    # Unknown fields on a known event are tolerated too: this one is answered.
    known = text_event(stack, other, "你好", newTopLevelField=True)
    known["message"]["someNewField"] = {"x": 1}
    post(stack, [standby, unknown, unfollow, known])
    stack.wait_delivered(other)
    time.sleep(1)
    assert stack.fake.delivered_to(uid) == []
    assert not [r for r in stack.fake.calls("/loading/start") if r.body.get("chatId") == uid]


def test_a_redelivered_event_is_answered_once(stack):
    uid = new_user()
    ev = text_event(stack, uid, "你好")
    again = json.loads(json.dumps(ev))
    again["deliveryContext"]["isRedelivery"] = True
    post(stack, [ev, ev])
    post(stack, [again])
    stack.wait_delivered(uid)
    time.sleep(3)
    post(stack, [again])
    time.sleep(2)
    assert len(stack.fake.delivered_to(uid)) == 1


def test_an_expired_reply_token_falls_back_to_push_with_one_retry_key(stack):
    uid = new_user()
    stack.fake.fail_next("push", 429, 500)
    post(stack, [text_event(stack, uid, "你好", ttl=0)])
    [messages] = stack.wait_delivered(uid)
    pushes = [r for r in stack.fake.calls("/push") if r.body.get("to") == uid]
    assert [r.status for r in pushes] == [429, 500, 200]
    retry_keys = {r.retry_key for r in pushes}
    assert len(retry_keys) == 1 and uuid.UUID(retry_keys.pop())
    assert [v for to, v, _m in stack.fake.delivered() if to == uid] == ["push"]


def test_a_reply_whose_answer_was_lost_is_not_sent_again_by_push(stack):
    """LINE delivered the reply but the worker never heard back: the retry finds the token used,
    and the owner still gets exactly one answer (the same window as a worker killed mid-reply)."""
    uid = new_user()
    stack.fake.lose_next_answer("reply")
    post(stack, [text_event(stack, uid, "你好")])
    stack.wait_delivered(uid)
    time.sleep(3)
    assert [v for to, v, _m in stack.fake.delivered() if to == uid] == ["reply"]
    assert not [r for r in stack.fake.calls("/push") if r.body.get("to") == uid]


def test_the_fake_line_api_keeps_the_contract(stack):
    """The fake is the test oracle: check the parts the gateway cannot trigger by itself."""
    def call(path, body, headers):
        request = urllib.request.Request(stack.fake.base_url + path, json.dumps(body).encode(),
                                         {"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    auth = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
    text = [{"type": "text", "text": "hi"}]
    key = str(uuid.uuid4())
    assert call("/v2/bot/message/push", {"to": "Ux", "messages": text}, {"Authorization": "Bearer x"}) == 401
    assert call("/v2/bot/message/push", {"to": "Ux", "messages": text * 6}, auth) == 400
    assert call("/v2/bot/message/push", {"to": "Ux", "messages": text}, {**auth, "X-Line-Retry-Key": key}) == 200
    assert call("/v2/bot/message/push", {"to": "Ux", "messages": text}, {**auth, "X-Line-Retry-Key": key}) == 409
    token = stack.fake.issue_token("Ux")
    assert call("/v2/bot/message/reply", {"replyToken": token, "messages": text}, auth) == 200
    assert call("/v2/bot/message/reply", {"replyToken": token, "messages": text}, auth) == 400
    assert call("/v2/bot/chat/loading/start", {"chatId": "Ux", "loadingSeconds": 7}, auth) == 400


def test_a_group_is_one_conversation_and_pushes_go_to_the_group(stack):
    group = "C" + uuid.uuid4().hex
    USED_IDS.append(group)
    members = [new_user(), new_user()]
    token = stack.fake.issue_token(group, ttl=0)
    USED_TEXTS.append("出口需要什麼認證？")
    post(stack, [event("message", {"type": "group", "groupId": group, "userId": members[0]},
                       token, message=text_message("出口需要什麼認證？"))])
    [asked] = stack.wait_delivered(group)
    japan = next(i["action"] for i in asked[-1]["quickReply"]["items"]
                 if "jp" in i["action"].get("data", ""))
    # Another member presses the button: same conversation, so the kept question is answered.
    post(stack, [event("postback", {"type": "group", "groupId": group, "userId": members[1]},
                       stack.fake.issue_token(group), postback={"data": japan["data"]})])
    answered = stack.wait_delivered(group, 2)[1]
    assert "PSE" in all_text(answered), "the group's kept question was answered for Japan"
    assert stack.fake.delivered_to(members[0]) == stack.fake.delivered_to(members[1]) == []
    # No loading indicator in groups (LINE supports it in one-on-one chats only).
    assert not [r for r in stack.fake.calls("/loading/start") if r.body.get("chatId") == group]


def _kill(stack, name: str) -> None:
    process = stack.processes.pop(name)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_a_killed_worker_loses_nothing_and_answers_each_message_exactly_once(stack):
    users = [new_user() for _ in range(16)]
    client = redis_client(stack)
    # A slow worker, so that the queue is still full when it dies.
    stack.stop("worker")
    stack.start_worker(LINE_WORKER_CONCURRENCY="2")
    post(stack, [text_event(stack, uid, f"我是做第{n}號產品的，想賣到日本需要什麼認證？")
                 for n, uid in enumerate(users)])

    def answered() -> int:
        return sum(1 for uid in users if stack.fake.delivered_to(uid))

    wait_until(lambda: answered() >= 1, 60, "a first answer")
    _kill(stack, "worker")  # SIGKILL: no clean-up, entries stay pending
    first = answered()
    assert first < len(users)
    pending = client.xpending(keys.LINE_EVENTS_STREAM, keys.LINE_WORKER_GROUP)["pending"]
    assert pending >= 1, "the killed worker had entries in flight"

    # Same consumer name: it re-reads its own pending entries.
    stack.start_worker(LINE_WORKER_CONCURRENCY="2")
    wait_until(lambda: answered() > first, 60, "answers after the restart")
    _kill(stack, "worker")
    # A different worker takes over the dead one's entries with XAUTOCLAIM once they are idle.
    stack.start_worker(LINE_WORKER_NAME="worker-2")
    wait_until(lambda: answered() == len(users), 120, "every message answered")
    time.sleep(2)
    for uid in users:
        assert len(stack.fake.delivered_to(uid)) == 1, "answered exactly once"
    assert client.xpending(keys.LINE_EVENTS_STREAM, keys.LINE_WORKER_GROUP)["pending"] == 0


def test_messages_wait_in_redis_while_rasa_restarts(stack):
    uid = new_user()
    stack.stop("rasa")
    post(stack, [text_event(stack, uid, QUESTION)])
    time.sleep(3)
    assert stack.fake.delivered_to(uid) == []
    assert redis_client(stack).xpending(keys.LINE_EVENTS_STREAM, keys.LINE_WORKER_GROUP)["pending"] == 1
    stack.start_rasa()
    [messages] = stack.wait_delivered(uid, timeout=120)
    assert "PSE" in all_text(messages)
    time.sleep(2)
    assert len(stack.fake.delivered_to(uid)) == 1


def test_a_gateway_restart_keeps_the_queue_and_the_dedupe(stack):
    uid = new_user()
    ev = text_event(stack, uid, "你好")
    stack.stop("worker")
    post(stack, [ev])
    stack.stop("gateway")
    stack.start_gateway()
    post(stack, [ev])  # a redelivery arriving at the new gateway
    stack.start_worker(LINE_WORKER_NAME="worker-2")
    stack.wait_delivered(uid)
    time.sleep(2)
    assert len(stack.fake.delivered_to(uid)) == 1


def test_logs_carry_no_secrets_user_ids_or_message_text(stack):
    logs = "".join(stack.log(name).read_text(errors="replace") for name in ("gateway", "worker"))
    assert "event" in logs and "done" in logs  # the logs were written at all
    for secret in (CHANNEL_SECRET, ACCESS_TOKEN):
        assert secret not in logs
    for used in USED_IDS:
        assert used not in logs
    for text in USED_TEXTS:
        assert text not in logs
