"""Pure translation between LINE and Rasa: which events reach the assistant and as what, and how
the assistant's REST-channel messages become LINE messages inside LINE's limits.

No I/O and no SDK objects here: plain dicts in LINE's JSON shape, so it is unit-tested in
milliseconds and the worker converts them to SDK requests at the edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from market_entry.inbound import DEFAULT_MAX_CHARS, EMPTY, OK, TOO_LONG, clean_text
from market_entry.normalise import detect_language
from market_entry.phrases import say
from services.common import log_hygiene
from services.line_gateway import line_limits as limits

# Event types the gateway queues; every other type (unfollow, join, leave, unsend, beacon,
# types LINE adds later) is acknowledged and dropped.
HANDLED_EVENT_TYPES = frozenset({"message", "postback", "follow"})
GREET_PAYLOAD = "/greet"
MAX_MESSAGES_TOTAL = 10  # two requests at most: one reply plus one push
MAX_SOURCES_IN_CARD = 4
TRUNCATED_NOTE = "\n（訊息較長，其餘內容已省略，請再問得具體一些。）"

NON_TEXT_REPLIES = {
    "sticker": "謝謝您的貼圖！😊 我目前只看得懂文字訊息，請直接輸入想了解的海外市場問題，"
               "例如：「想賣到日本需要什麼認證？」",
    "image": "謝謝您傳來的圖片！我目前無法看圖片，請用文字描述您的問題，"
             "例如：「化妝品外銷越南要怎麼登記？」",
}
OTHER_MEDIA_REPLY = ("收到了！不過我目前只能讀文字訊息，請用文字輸入您的問題，"
                     "例如：「出口美國關稅多少？」")


@dataclass(frozen=True)
class Chat:
    """Where an event came from: one Rasa conversation per LINE user, group or room."""

    kind: str  # user | group | room
    id: str

    @property
    def sender_id(self) -> str:
        return f"line-{self.kind}-{self.id}"

    @property
    def digest(self) -> str:
        """A short hash for logs (sha256 prefix), which never carry LINE ids."""
        return log_hygiene.digest(self.id)


@dataclass(frozen=True)
class Plan:
    """What the worker does with one event."""

    action: str  # "rasa": ask the assistant `text`; "local": send `messages`; "ignore"
    text: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    lang: str = "zh-TW"  # the owner's language, for answers the worker writes itself
    owner_spoke: bool = False  # a message or a button press: silence is never the answer
    reason: str = ""  # why a "local" answer: unreadable, too_long, media


def chat_of(event: dict[str, Any]) -> Chat | None:
    source = event.get("source")
    if not isinstance(source, dict):
        return None
    kind = source.get("type")
    key = {"user": "userId", "group": "groupId", "room": "roomId"}.get(kind or "")
    value = source.get(key) if key else None
    if not isinstance(value, str) or not value:
        return None
    return Chat(kind, value)


def should_queue(event: Any) -> bool:
    """Whether the gateway queues an event at all (standby mode and unhandled types: no)."""
    return (isinstance(event, dict) and event.get("mode", "active") != "standby"
            and event.get("type") in HANDLED_EVENT_TYPES and chat_of(event) is not None)


def _local(text: str, lang: str, reason: str) -> Plan:
    return Plan("local", messages=[{"type": "text", "text": text}], lang=lang, reason=reason)


def plan(event: dict[str, Any], max_chars: int = DEFAULT_MAX_CHARS) -> Plan:
    """What the assistant is asked for an event. A text is cleaned first (market_entry.inbound:
    lone surrogates and control characters dropped, emoji and CJK kept); when nothing readable
    remains, or it is longer than `max_chars`, the owner gets a polite answer and Rasa is not
    asked. Postback data (our quick replies' Rasa payloads) stays a payload: only cleaned, and
    validated by the Rasa-side guard (bot/inbound_guard.py)."""
    kind = event.get("type")
    if kind == "follow":
        return Plan("rasa", text=GREET_PAYLOAD)
    if kind == "postback":
        data = clean_text((event.get("postback") or {}).get("data"), max_chars)
        if data.problem != OK:  # nothing readable: no button of ours sends that
            return Plan("ignore")
        return Plan("rasa", text=data.text, owner_spoke=True)
    if kind == "message":
        message = event.get("message") or {}
        if message.get("type") == "text":
            raw = message.get("text")
            cleaned = clean_text(raw, max_chars)
            lang = detect_language(cleaned.text or (raw[:200] if isinstance(raw, str) else ""))
            if cleaned.problem == TOO_LONG:
                too_long = say("system.message_too_long", lang, limit=max_chars)
                return _local(too_long, lang, "too_long")
            if cleaned.problem == EMPTY:
                return _local(say("system.message_unreadable", lang), lang, "unreadable")
            return Plan("rasa", text=cleaned.text, lang=lang, owner_spoke=True)
        reply = NON_TEXT_REPLIES.get(message.get("type"), OTHER_MEDIA_REPLY)
        return _local(reply, "zh-TW", "media")
    return Plan("ignore")


def fallback_if_silent(messages: list[dict[str, Any]], what: Plan) -> list[dict[str, Any]]:
    """The answer to send: Rasa's, or — when Rasa said nothing to an owner's message or button —
    a polite request to rephrase instead of silence."""
    if messages or not what.owner_spoke:
        return messages
    return [{"type": "text", "text": say("fallback.rephrase_no_suggestion", what.lang)}]


# --- Rasa → LINE ------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_URL = re.compile(r"https?://\S+")


def is_english(text: str) -> bool:
    """Whether an answer is in English: mostly Latin letters (links aside). An English answer
    may quote a Japanese law's or a source's title; a Chinese one, acronyms such as PSE."""
    text = _URL.sub(" ", text)
    cjk = len(_CJK.findall(text))
    return cjk == 0 or len(_LATIN.findall(text)) >= 2 * cjk


def _label(title: str) -> str:
    return limits.truncate(" ".join(title.split()), limits.MAX_ACTION_LABEL)


def quick_reply_item(button: dict[str, Any]) -> dict[str, Any] | None:
    """A Rasa button as a quick-reply item: a postback carrying the Rasa payload when it fits,
    else a message action that sends the button's title as text."""
    title = str(button.get("title") or "").strip()
    payload = str(button.get("payload") or "").strip()
    if not title and not payload:
        return None
    label = _label(title or payload)
    if payload and limits.utf16_len(payload) <= limits.MAX_POSTBACK_DATA:
        action = {"type": "postback", "label": label, "data": payload,
                  "displayText": limits.truncate(title or payload, limits.MAX_DISPLAY_TEXT)}
    else:
        action = {"type": "message", "label": label,
                  "text": limits.truncate(title or payload, limits.MAX_MESSAGE_ACTION_TEXT)}
    return {"type": "action", "action": action}


def quick_reply(buttons: list[dict[str, Any]]) -> dict[str, Any] | None:
    items = [item for item in map(quick_reply_item, buttons) if item]
    return {"items": items[: limits.MAX_QUICK_REPLY_ITEMS]} if items else None


def _valid_uri(url: Any) -> bool:
    return (isinstance(url, str) and url.startswith(("https://", "http://"))
            and len(url) <= limits.MAX_URI and not any(c.isspace() for c in url))


def _card_sources(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in card.get("sources") or [] if isinstance(s, dict)][:MAX_SOURCES_IN_CARD]


def market_answer_flex(card: dict[str, Any], english: bool = False) -> dict[str, Any] | None:
    """A market answer's sources as a Flex bubble: each source's title, linked to its page, the
    last-checked date and, for rules that change often, a warning."""
    sources = _card_sources(card)
    if not sources:
        return None
    heading = "Official sources" if english else "官方資料來源"
    checked = card.get("checked")
    body: list[dict[str, Any]] = [
        {"type": "text", "text": heading, "weight": "bold", "size": "sm", "color": "#1DB446"}]
    for number, source in enumerate(sources, start=1):
        url = source.get("url")
        title = str(source.get("title") or url or "").strip()
        if not title:
            continue
        item: dict[str, Any] = {"type": "text", "text": limits.truncate(title, 200), "wrap": True,
                                "size": "sm"}
        if _valid_uri(url):
            label = f"Open source {number}" if english else f"開啟來源 {number}"
            item.update(color="#0B5CAD", decoration="underline",
                        action={"type": "uri", "label": label, "uri": url})
        body.append(item)
    if checked:
        body.append({"type": "text", "size": "xs", "color": "#888888",
                     "text": f"Last checked: {checked}" if english else f"最後查核：{checked}"})
    if card.get("volatile"):
        body.append({"type": "text", "size": "xs", "color": "#C0392B", "wrap": True,
                     "text": "This rule changes often: check the source before acting."
                     if english else "此規定變動頻繁，行動前請再確認官方最新公告。"})
    bubble: dict[str, Any] = {"type": "bubble", "size": "mega",
                              "body": {"type": "box", "layout": "vertical", "spacing": "sm",
                                       "contents": body}}
    if limits.bubble_bytes(bubble) > limits.MAX_BUBBLE_BYTES:
        return None
    titles = "；".join(str(s.get("title") or "") for s in sources if s.get("title"))
    alt = f"{heading}：{titles}" if titles else heading
    return {"type": "flex", "altText": limits.truncate(alt, limits.MAX_ALT_TEXT), "contents": bubble}


def _sources_text(card: dict[str, Any], english: bool) -> str | None:
    sources = [s for s in _card_sources(card) if s.get("url")]
    if not sources:
        return None
    lines = ["Sources:" if english else "資料來源："]
    lines += [f"{s.get('title') or ''} {s['url']}".strip() for s in sources]
    return "\n".join(lines)


def is_source_line(line: str, source: dict[str, Any]) -> bool:
    """Whether `line` is the answer text's line for `source`: "<label> <title> <url>", the URL a
    token of its own at the end, the title (when the source has one) right before it."""
    url = source.get("url")
    stripped = line.strip()
    if not isinstance(url, str) or not url or not stripped.endswith(url):
        return False
    before = stripped[: -len(url)]
    if before and not (before[-1].isspace() or before[-1] in ":："):
        return False
    title = str(source.get("title") or "").strip()
    return not title or before.rstrip().rstrip(":：").rstrip().endswith(title)


def without_source_lines(text: str, sources: list[dict[str, Any]]) -> str:
    """`text` without its lines for `sources` (shown by the card that goes with it)."""
    lines = text.split("\n")
    kept = [line for line in lines if not any(is_source_line(line, s) for s in sources)]
    if len(kept) == len(lines):
        return text
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _without_surrogates(text: str) -> str:
    return "".join(c for c in text if not "\ud800" <= c <= "\udfff")


def to_line_messages(rasa_messages: list[dict[str, Any]], flex: bool = True) -> list[dict[str, Any]]:
    """The assistant's REST-channel messages as LINE messages, in order, inside every limit:
    texts split at 5,000 UTF-16 units, buttons as quick replies on the last message, market
    answers' sources as a Flex bubble (or a text when Flex is off or does not fit), at most
    MAX_MESSAGES_TOTAL messages with a polite note when cut.

    Each source is shown once: the source lines of the answer's text are dropped when the card
    (or its plain-text fallback) shows that source. Without a card the text is unchanged."""
    parts: list[str | dict[str, Any]] = []  # texts still to split, and finished messages
    shown: list[dict[str, Any]] = []  # sources the cards show
    buttons: list[dict[str, Any]] = []
    english = False
    for message in rasa_messages:
        if not isinstance(message, dict):
            continue
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            english = is_english(text)
            parts.append(_without_surrogates(text))
        if isinstance(message.get("buttons"), list):
            buttons += [b for b in message["buttons"] if isinstance(b, dict)]
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("kind") == "market_answer":
            bubble = market_answer_flex(custom, english) if flex else None
            if bubble:
                parts.append(bubble)
                shown += [s for s in _card_sources(custom) if _valid_uri(s.get("url"))]
            else:
                fallback = _sources_text(custom, english)
                if fallback:
                    parts.append({"type": "text",
                                  "text": limits.truncate(fallback, limits.MAX_TEXT_UNITS)})
                    shown += [s for s in _card_sources(custom) if s.get("url")]
        image = message.get("image")
        if isinstance(image, str) and _valid_uri(image):
            parts.append({"type": "text", "text": image})
    out: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, dict):
            out.append(part)
            continue
        text = without_source_lines(part, shown) if shown else part
        if text.strip():
            out += [{"type": "text", "text": piece} for piece in limits.split_text(text)]
    if len(out) > MAX_MESSAGES_TOTAL:
        out = out[: MAX_MESSAGES_TOTAL]
        last = out[-1]
        if last["type"] != "text":
            last = out[-1] = {"type": "text", "text": last.get("altText", "")}
        room = limits.MAX_TEXT_UNITS - limits.utf16_len(TRUNCATED_NOTE)
        last["text"] = limits.truncate(last["text"], room) + TRUNCATED_NOTE
    quick = quick_reply(buttons)
    if quick and out:
        out[-1]["quickReply"] = quick
    elif quick:
        # Buttons without text: LINE needs a message to hang the quick replies on.
        out.append({"type": "text", "text": "請選擇：" if not english else "Please choose:",
                    "quickReply": quick})
    return out


def batches(messages: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Requests of 1-5 messages each, every one checked against LINE's limits."""
    size = limits.MAX_MESSAGES_PER_REQUEST
    chunks = [messages[i:i + size] for i in range(0, len(messages), size)]
    for chunk in chunks:
        limits.check_messages(chunk)
    return chunks
