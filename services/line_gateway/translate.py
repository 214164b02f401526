"""Pure translation between LINE and Rasa: which events reach the assistant and as what, and how
the assistant's REST-channel messages become LINE messages inside LINE's limits.

No I/O and no SDK objects here: plain dicts in LINE's JSON shape, so it is unit-tested in
milliseconds and the worker converts them to SDK requests at the edge.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

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
        """A short hash for logs, which never carry LINE ids."""
        return hashlib.sha256(self.id.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Plan:
    """What the worker does with one event."""

    action: str  # "rasa": ask the assistant `text`; "local": send `messages`; "ignore"
    text: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)


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


def plan(event: dict[str, Any]) -> Plan:
    kind = event.get("type")
    if kind == "follow":
        return Plan("rasa", text=GREET_PAYLOAD)
    if kind == "postback":
        data = (event.get("postback") or {}).get("data")
        if isinstance(data, str) and data.strip():
            return Plan("rasa", text=data)
        return Plan("ignore")
    if kind == "message":
        message = event.get("message") or {}
        if message.get("type") == "text":
            text = message.get("text")
            return Plan("rasa", text=text) if isinstance(text, str) and text.strip() else Plan("ignore")
        reply = NON_TEXT_REPLIES.get(message.get("type"), OTHER_MEDIA_REPLY)
        return Plan("local", messages=[{"type": "text", "text": reply}])
    return Plan("ignore")


# --- Rasa → LINE ------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff]")


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


def market_answer_flex(card: dict[str, Any], english: bool = False) -> dict[str, Any] | None:
    """A market answer's sources as a Flex bubble (source titles, links, last-checked date)."""
    sources = [s for s in card.get("sources") or [] if isinstance(s, dict)][:MAX_SOURCES_IN_CARD]
    if not sources:
        return None
    heading = "Official sources" if english else "官方資料來源"
    checked = card.get("checked")
    body: list[dict[str, Any]] = [
        {"type": "text", "text": heading, "weight": "bold", "size": "sm", "color": "#1DB446"}]
    for source in sources:
        title = str(source.get("title") or source.get("url") or "").strip()
        if title:
            body.append({"type": "text", "text": limits.truncate(title, 200), "wrap": True,
                         "size": "sm"})
    if checked:
        body.append({"type": "text", "size": "xs", "color": "#888888",
                     "text": f"Last checked: {checked}" if english else f"最後查核：{checked}"})
    if card.get("volatile"):
        body.append({"type": "text", "size": "xs", "color": "#C0392B", "wrap": True,
                     "text": "This rule changes often: check the source before acting."
                     if english else "此規定變動頻繁，行動前請再確認官方最新公告。"})
    buttons = []
    for number, source in enumerate(sources, start=1):
        if _valid_uri(source.get("url")):
            label = f"Open source {number}" if english else f"開啟來源 {number}"
            buttons.append({"type": "button", "style": "link", "height": "sm",
                            "action": {"type": "uri", "label": label, "uri": source["url"]}})
    bubble: dict[str, Any] = {"type": "bubble", "size": "mega",
                              "body": {"type": "box", "layout": "vertical", "spacing": "sm",
                                       "contents": body}}
    if buttons:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm",
                            "contents": buttons}
    if limits.bubble_bytes(bubble) > limits.MAX_BUBBLE_BYTES:
        return None
    titles = "；".join(str(s.get("title") or "") for s in sources if s.get("title"))
    alt = f"{heading}：{titles}" if titles else heading
    return {"type": "flex", "altText": limits.truncate(alt, limits.MAX_ALT_TEXT), "contents": bubble}


def _sources_text(card: dict[str, Any], english: bool) -> str | None:
    sources = [s for s in card.get("sources") or [] if isinstance(s, dict) and s.get("url")]
    if not sources:
        return None
    lines = ["Sources:" if english else "資料來源："]
    lines += [f"{s.get('title') or ''} {s['url']}".strip() for s in sources[:MAX_SOURCES_IN_CARD]]
    return "\n".join(lines)


def to_line_messages(rasa_messages: list[dict[str, Any]], flex: bool = True) -> list[dict[str, Any]]:
    """The assistant's REST-channel messages as LINE messages, in order, inside every limit:
    texts split at 5,000 UTF-16 units, buttons as quick replies on the last message, market
    answers' sources as a Flex bubble (or a text when Flex is off or does not fit), at most
    MAX_MESSAGES_TOTAL messages with a polite note when cut."""
    out: list[dict[str, Any]] = []
    buttons: list[dict[str, Any]] = []
    english = False
    for message in rasa_messages:
        if not isinstance(message, dict):
            continue
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            english = not _CJK.search(text)
            out += [{"type": "text", "text": piece} for piece in limits.split_text(text)]
        if isinstance(message.get("buttons"), list):
            buttons += [b for b in message["buttons"] if isinstance(b, dict)]
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("kind") == "market_answer":
            bubble = market_answer_flex(custom, english) if flex else None
            if bubble:
                out.append(bubble)
            else:
                fallback = _sources_text(custom, english)
                if fallback:
                    out.append({"type": "text", "text": limits.truncate(fallback, limits.MAX_TEXT_UNITS)})
        image = message.get("image")
        if isinstance(image, str) and _valid_uri(image):
            out.append({"type": "text", "text": image})
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
