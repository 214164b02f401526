"""Seeded hostile input for the end-to-end fuzz and log-hygiene tests, and the clients that send
it through the two public channels (REST and the widget's Socket.IO) of the real Rasa server.

Every generated message says what the channel owes it: a reply with text (`REPLY`), or a 4xx
for a body that is not a JSON object with text `sender` and `message` (`REJECT`, REST only).
Texts are sent JSON-encoded with `ensure_ascii=True`, so lone surrogates travel as `\\udXXX`
escapes exactly as a hostile client would write them.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import redis

from tests.e2e.socketio_wire import WireClient

REPLY, REJECT = "reply", "reject"
REST, SOCKET = "rest", "socketio"

MARKET_WORDS = ["日本", "美國", "歐盟", "越南", "印度", "印尼", "泰國", "馬來西亞", "菲律賓",
                "阿聯", "墨西哥", "Japan", "USA", "EU", "Vietnam", "日本國", "米國", "欧盟"]
KEYWORDS = ["日本", "認證", "標籤", "關稅", "展覽", "專員", "同意", "不同意", "PSE", "FDA",
            "certification", "label", "Japan", "送出", "刪除我的資料", "英文", "補助", "/restart"]
BUTTON_INTENTS = ["ask_market_question", "inform_market", "request_human", "ask_events",
                  "screen_eligibility", "give_consent", "decline_consent", "switch_language",
                  "start_over", "restart", "session_start", "greet", "stop", "delete_my_data",
                  "bot_capabilities"]
UNKNOWN_INTENTS = ["nlu_fallback", "action_restart", "action_listen", "action_session_start",
                   "action_default_fallback", "action_deactivate_loop", "action_two_stage_fallback",
                   "utter_greet", "handoff_form", "screening_form", "action_handoff_submit",
                   "out_of_scope", "inform", "affirm", "deny", "goodbye", "back", "x" * 40,
                   "external_reminder", "action_unlikely_intent"]
ENTITY_NAMES = ["market", "topic", "entry_id", "product", "selected_event", "language",
                "certification", "phone", "contact_name", "email", "requested_slot",
                "handoff_consent", "consent_record", "lead_id", "preferred_language", "zzz"]
ODD_VALUES: list[Any] = [
    {"a": {"b": [1, 2, {"c": None}]}}, [1, 2, 3], ["jp"], [], {}, 42, -1.5, 1e308, 0, True,
    False, None, "x" * 500, "日" * 500, "atlantis", "XX", "JP", " jp ", "jp\u0000", "jp\n",
    "日本", "<script>alert(1)</script>", "{{market}}", "{market}", "${REDIS_URL}",
    "../../etc/passwd", "' OR 1=1 --", "\u202ejp", "jp\u200b", "🇯🇵", "null", "true", "-1",
    "zh-CN", "fr", "foodex-japan-2099", "jp-certification-none", "\udc00", "\ud83d",
]
PUNCTUATION = list("!?.,;:'\"()[]{}<>@#$%^&*-_=+|\\/~`") + list("，。、；：「」『』（）！？…—～＃％＆＊")
EMOJI = ["😀", "🙏", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🇹🇼", "🇯🇵", "🏳️\u200d🌈", "❤️", "🤖",
         "\U0001FAE0", "\U0001F9D1\u200d\U0001F4BB"]
BIDI = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
        "\u2067", "\u2068", "\u2069", "\u061c"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
SCRIPTS = ["مرحبا بالعالم", "שלום עולם", "Привет мир", "こんにちは世界", "안녕하세요", "สวัสดี",
           "नमस्ते", "Ẓ̶̡̛a̷l̸g̵o̶", "ｆｕｌｌ－ｗｉｄｔｈ　ＡＳＣＩＩ", "𝕦𝕟𝕚𝕔𝕠𝕕𝕖"]


def _random_char(rng: random.Random) -> str:
    pool = rng.random()
    if pool < 0.12:
        return chr(rng.randint(0xD800, 0xDFFF))            # lone surrogate
    if pool < 0.24:
        return chr(rng.choice([*range(0x00, 0x20), *range(0x7F, 0xA0)]))   # control
    if pool < 0.32:
        return rng.choice(BIDI)
    if pool < 0.38:
        return rng.choice(INVISIBLE)
    if pool < 0.50:
        return rng.choice(EMOJI)
    if pool < 0.66:
        return chr(rng.randint(0x4E00, 0x9FFF))            # CJK
    if pool < 0.70:
        return chr(rng.randint(0x20000, 0x2A6DF))          # CJK extension B
    if pool < 0.74:
        return chr(rng.randint(0x0300, 0x036F))            # combining marks
    if pool < 0.78:
        return rng.choice(["\ufffe", "\uffff", "\U0010FFFF", "\ue000", "\U000F0000", "\u0378"])
    if pool < 0.86:
        return rng.choice(SCRIPTS)
    return chr(rng.randint(0x20, 0x7E))


def unicode_soup(rng: random.Random) -> str:
    return "".join(_random_char(rng) for _ in range(rng.randint(1, 60)))


def payload(rng: random.Random) -> str:
    """A typed `/intent{...}` with odd entity values, or a broken payload."""
    intent = rng.choice(BUTTON_INTENTS if rng.random() < 0.65 else UNKNOWN_INTENTS)
    shape = rng.random()
    if shape < 0.55:
        entities = {rng.choice(ENTITY_NAMES): rng.choice(ODD_VALUES)
                    for _ in range(rng.randint(1, 4))}
        return f"/{intent}" + json.dumps(entities, ensure_ascii=rng.random() < 0.5)
    if shape < 0.65:
        return f"/{intent}"
    if shape < 0.75:   # a real button's payload with an unknown market or event
        return rng.choice(['/ask_market_question{"market":"atlantis","topic":"certification"}',
                           '/inform_market{"market":"zz"}', '/ask_events{"market":"mars"}',
                           '/screen_eligibility{"selected_event":"no-such-event-2027"}',
                           '/switch_language{"language":"klingon"}',
                           '/ask_market_question{"entry_id":"jp-nothing-here"}'])
    return rng.choice([
        f'/{intent}{{"market":', f"/{intent}{{", f"/{intent}}}", f"/{intent}[]",
        f"/{intent}{{}}", f'/{intent}{{"market":"jp"}}trailing words',
        f'/{intent}{{"market":"jp"}}{{"topic":"tariffs"}}', f"/{intent}@0.99",
        f'/{intent}@1.0{{"market":"jp"}}', f"/{intent}/restart", f"//{intent}", "/", "/{}",
        f'/{intent}{{"market":"jp","market":"us"}}', f"/{intent.upper()}",
        f'/{intent}{{"market":"jp"}}\n/restart', "/" + "a" * 41,
        f'/{intent}{json.dumps({"market": {"$gt": ""}})}',
        f"/{intent}" + "{" * 50 + "}" * 50,
    ])


def repeated_keywords(rng: random.Random) -> str:
    word = rng.choice(KEYWORDS)
    return rng.choice(["", " ", "，", "\n", "!"]).join([word] * rng.randint(2, 400))


def punctuation_soup(rng: random.Random) -> str:
    left = "".join(rng.choice(PUNCTUATION) for _ in range(rng.randint(0, 40)))
    right = "".join(rng.choice(PUNCTUATION) for _ in range(rng.randint(0, 40)))
    return left + rng.choice(MARKET_WORDS) + right


def overlong(rng: random.Random) -> str:
    unit = rng.choice(["認證", "a", "日本標籤規定？", "😀", "word ", "\u202e日本"])
    size = rng.choice([1001, 1500, 5000, 20000])
    return (unit * (size // len(unit) + 1))[: size]


def blank(rng: random.Random) -> str:
    return rng.choice(["", " ", "   ", "\n", "\t\t", "\r\n", "\u3000", "\u00a0", "\u2003 \u2002",
                       "\x00", "\x00\x01\x02", "\u200b", "\ufeff", "\u200e\u200f", "\udc00",
                       "\ud800\udfff\ud800"])


def typed_command(rng: random.Random) -> str:
    return rng.choice(["/restart", "/session_start", " /restart ", "/restart{}",
                       '/session_start{"x":1}', "/RESTART", "/start_over", "/stop", "/greet",
                       "/session_start\n", "/restart /restart"])


def ordinary(rng: random.Random) -> str:
    return rng.choice(["我們是做小家電的，想賣到日本需要什麼認證？", "那標籤呢？", "越南關稅多少",
                       "有什麼展可以參加", "我想找專人", "What does Japan require for labels?",
                       "謝謝", "hi", "請用英文", "中文", "是", "否", "04595257", "500萬"])


TEXT_KINDS = [(payload, 30), (unicode_soup, 20), (repeated_keywords, 8), (punctuation_soup, 10),
              (overlong, 4), (blank, 6), (typed_command, 6), (ordinary, 8)]


def random_text(rng: random.Random) -> tuple[str, str]:
    kinds, weights = zip(*TEXT_KINDS, strict=True)
    kind = rng.choices(kinds, weights)[0]
    return kind.__name__, kind(rng)


def broken_body(rng: random.Random, sender: str) -> bytes:
    """A REST body that is not a JSON object with text `sender` and `message`."""
    choices: list[Any] = [
        b"", b"{", b"}", b"not json", b"[]", b"null", b"42", b'"text"', b"{'sender': 'x'}",
        b'{"sender": "' + sender.encode() + b'"}', b'{"message": "hi"}',
        b'{"sender": "' + sender.encode() + b'", "message": "hi",}',
        b'{"sender": "' + sender.encode() + b'", "message": "\xff\xfe hi"}',
        b"\xff\xfe\x00\x00", b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000,
        {"sender": 5, "message": "hi"}, {"sender": "", "message": "hi"},
        {"sender": "s" * 129, "message": "hi"}, {"sender": None, "message": "hi"},
        {"sender": ["x"], "message": "hi"}, {"sender": sender, "message": ["hi"]},
        {"sender": sender, "message": {"text": "hi"}}, {"sender": sender, "message": None},
        {"sender": sender, "message": 12345}, {"sender": sender, "message": True},
        {"sender": sender, "message": " \n\t "}, {"sender": sender, "message": ""},
        {"sender": sender, "message": "\u3000\u2003"}, [{"sender": sender, "message": "hi"}],
    ]
    body = rng.choice(choices)
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def odd_body(rng: random.Random, sender: str, text: str) -> tuple[bytes, bool]:
    """A body with odd extra fields, and whether the channel must refuse it (metadata that is
    not an object); otherwise it is owed a reply."""
    extra = rng.choice([{"metadata": [1, 2]}, {"metadata": "x"}, {"metadata": {"a": [None]}},
                        {"input_channel": {"a": 1}}, {"input_channel": 5},
                        {"input_channel": "line"}, {"stream": "maybe"},
                        {"customData": {"language": "xx"}}, {"sender_id": 1}, {"message2": None}])
    body = json.dumps({"sender": sender, "message": text, **extra}).encode()
    bad_metadata = "metadata" in extra and not isinstance(extra["metadata"], dict)
    return body, bad_metadata or rest_rejects(text)


def socket_odd_data(rng: random.Random) -> Any:
    """What a hostile widget client may emit as `user_uttered` data: still owed a reply."""
    return rng.choice(["just a string", 5, [1, 2], None, {"message": 5}, {"message": None},
                       {"message": {"a": 1}}, {"message": ["日本"]}, {},
                       {"message": "日本認證", "customData": "not a dict"},
                       {"message": "日本認證", "customData": {"x": [1, {"y": None}]}},
                       {"message": "日本認證", "session_id": {"a": 1}}])


def rest_rejects(text: str) -> bool:
    """The REST channel's contract: a message with nothing but whitespace is a bad body."""
    return not text.strip()


# -- sending --------------------------------------------------------------------------------
@dataclass
class Outcome:
    channel: str
    kind: str
    expected: str
    status: int | None = None      # HTTP status (REST), None for Socket.IO
    replies: list[dict] = field(default_factory=list)
    error: str | None = None
    sent: str = ""

    @property
    def has_text(self) -> bool:
        return any(isinstance(r, dict) and isinstance(r.get("text"), str) and r["text"].strip()
                   for r in self.replies)

    @property
    def problem(self) -> str | None:
        if self.error:
            return self.error
        if self.status is not None and self.status >= 500:
            return f"HTTP {self.status}"
        if self.expected == REJECT:
            return None if self.status is not None and 400 <= self.status < 500 else (
                f"expected a 4xx, got {self.status}")
        if self.status is not None and self.status != 200:
            return f"HTTP {self.status} for a well-formed body"
        return None if self.has_text else "empty reply"


def post_rest(base_url: str, body: bytes, timeout: float = 60) -> tuple[int, bytes]:
    request = urllib.request.Request(base_url + "/webhooks/rest/webhook", body,
                                     {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def rest_body(sender: str, text: str) -> bytes:
    return json.dumps({"sender": sender, "message": text}).encode()   # ensure_ascii: \udXXX


def send_rest(base_url: str, body: bytes, kind: str, expected: str, sent: str) -> Outcome:
    outcome = Outcome(REST, kind, expected, sent=sent)
    try:
        outcome.status, raw = post_rest(base_url, body)
    except Exception as error:  # noqa: BLE001 - a dropped connection is a finding, not a crash
        outcome.error = f"{type(error).__name__}: {error}"
        return outcome
    if outcome.status == 200:
        try:
            outcome.replies = json.loads(raw)
        except ValueError:
            outcome.error = "200 with a body that is not JSON"
    return outcome


class SocketConversation:
    """One widget conversation; a message's replies are what arrives after it until its turn is
    over: the conversation's lock in Redis is gone (Rasa holds it until the turn's last reply is
    emitted) and then nothing came for QUIET seconds. Without `redis_url`, only the quiet period
    ends a turn. Replies arriving later still are credited to the turn before (and counted)."""

    QUIET = 0.4
    LOCK_KEY = "lock:lock:"     # RedisLockStore's key for key_prefix `lock` (bot/endpoints.yml)

    def __init__(self, base_url: str, session_id: str | None = None,
                 redis_url: str | None = None) -> None:
        self.client = WireClient(base_url)
        self.session_id = session_id
        self.redis = redis.Redis.from_url(redis_url) if redis_url else None
        self.stray = 0                       # replies that came after a turn's quiet period
        self.last: Outcome | None = None

    async def __aenter__(self) -> SocketConversation:
        await self.client.__aenter__()
        await self.client.emit("session_request", {"session_id": self.session_id})
        self.session_id = await self.client.wait_for("session_confirm")
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.__aexit__(*exc)

    async def _frame_before(self, deadline: float) -> str | None:
        """The next frame (answering the server's pings) or None at `deadline`; unlike
        WireClient._next_frame, a ping does not restart the wait."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                frame = await asyncio.wait_for(self.client.ws.recv(), left)
            except asyncio.TimeoutError:
                return None
            if frame == "2":
                await self.client.ws.send("3")
                continue
            return frame

    async def _frames(self, timeout: float) -> list[str]:
        frames, deadline = [], time.monotonic() + timeout
        while (frame := await self._frame_before(deadline)) is not None:
            frames.append(frame)
        return frames

    async def _turn_over(self, deadline: float) -> None:
        """Until Rasa has released the conversation's lock (frames meanwhile stay queued)."""
        if self.redis is None:
            return
        key = self.LOCK_KEY + str(self.session_id)
        while time.monotonic() < deadline and await asyncio.to_thread(self.redis.exists, key):
            await asyncio.sleep(0.05)

    async def send(self, data: Any, kind: str, expected: str = REPLY, sent: str = "",
                   first_within: float = 20) -> Outcome:
        outcome = Outcome(SOCKET, kind, expected, sent=sent)
        try:
            for frame in await self._frames(0.01):   # late replies belong to the previous turn
                if frame.startswith("42") and self.last is not None:
                    name, *args = json.loads(frame[2:])
                    if name == "bot_uttered":
                        self.last.replies.append(args[0] if args else None)
                        self.stray += 1
            # ensure_ascii (json.dumps' default): lone surrogates go out as \udXXX escapes
            await self.client.ws.send("42" + json.dumps(["user_uttered", data]))
            deadline = time.monotonic() + first_within
            while (frame := await self._frame_before(deadline)) is not None:
                if frame.startswith("42"):
                    name, *args = json.loads(frame[2:])
                    if name == "bot_uttered":
                        outcome.replies.append(args[0] if args else None)
                        await self._turn_over(time.monotonic() + first_within)
                        deadline = time.monotonic() + self.QUIET
        except Exception as error:  # noqa: BLE001 - a closed socket is a finding, not a crash
            outcome.error = f"{type(error).__name__}: {error}"
        self.last = outcome
        return outcome


# -- reading the logs ---------------------------------------------------------------------------
ACTION_FAILED = re.compile(r"action \S+ failed")


def log_problems(rasa_log: str, actions_log: str) -> dict[str, list[str]]:
    """Lines that mean something broke: action failures, tracebacks, exceptions."""
    rasa, actions = rasa_log.splitlines(), actions_log.splitlines()
    return {
        "action errors": [line for line in actions if ACTION_FAILED.search(line)],
        "action server tracebacks": [line for line in actions
                                     if "Traceback" in line or "Exception" in line],
        "rasa tracebacks/exceptions": [line for line in rasa
                                       if "Traceback" in line or "Exception" in line],
        "messages not handled": [line for line in rasa if "message not handled" in line],
        # Rasa stopped a turn after 10 actions without listening: a dialogue loop.
        "circuit breaker trips": [line for line in rasa if "Circuit breaker" in line],
    }
