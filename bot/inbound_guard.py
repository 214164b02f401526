"""Every message a channel receives passes here before the assistant sees it.

Text is cleaned and a typed `/intent{...}` payload accepted only in a shape our buttons send
(market_entry.inbound); an unreadable or over-long message gets a polite reply instead of
reaching the NLU; and when handling fails after that — Redis restarting under the tracker or
lock store, say — the owner is asked to send the message again rather than getting silence.
Log lines name what happened, never the owner's text (Rasa's own handler would log it).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.knowledge_location import knowledge_dir
from market_entry.events import EventStore
from market_entry.inbound import DEFAULT_MAX_CHARS, EMPTY, TOO_LONG, inbound
from market_entry.knowledge import KnowledgeStore
from market_entry.language_choice import detect_language
from market_entry.phrases import say

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def max_message_chars() -> int:
    try:
        return max(1, int(os.environ.get("MAX_MESSAGE_CHARS", DEFAULT_MAX_CHARS)))
    except ValueError:
        return DEFAULT_MAX_CHARS


@lru_cache(maxsize=1)
def _stores() -> tuple[KnowledgeStore, EventStore]:
    return KnowledgeStore(knowledge_dir(), check_interval=2.0), EventStore(knowledge_dir(), 2.0)


def known_value(name: str, value: str) -> bool:
    """Whether a button of ours could carry `value` for entity `name`."""
    if name == "language":
        return value in ("zh-TW", "en")
    knowledge, events = _stores()
    try:
        if name == "selected_event":
            return events.get().get(value) is not None
        kb = knowledge.get()
    except Exception:  # noqa: BLE001 - without valid data no payload value can be vouched for
        return False
    tables = {"market": (kb.markets, kb.countries, kb.groups), "topic": (kb.topics,),
              "product": (kb.products,)}
    if name == "entry_id":
        return kb.entry(value) is not None
    return any(value in table for table in tables.get(name, ()))


def guard_messages(on_new_message: OnNewMessage) -> OnNewMessage:
    async def guarded(message: UserMessage) -> Any:
        checked = inbound(message.text, known_value, max_message_chars())
        lang = _language(message)
        if checked.problem == TOO_LONG:
            log.info("message refused: too long")
            return await _reply(message, say("system.message_too_long", lang,
                                              limit=max_message_chars()))
        if checked.problem == EMPTY:
            log.info("message refused: nothing readable")
            return await _reply(message, say("system.message_unreadable", lang))
        if checked.text != message.text:
            log.info("message cleaned before the assistant (%s)",
                     "payload read as text" if str(message.text).startswith("/") else "text")
        message.text = checked.text
        try:
            return await on_new_message(message)
        except Exception as error:  # noqa: BLE001 - the owner gets an answer, the log no text
            log.error("message not handled: %s (conversation %s)", type(error).__name__,
                      _digest(message.sender_id))
            return await _reply(message, say("system.retry_later", lang))

    return guarded


def _language(message: UserMessage) -> str:
    text = message.text if isinstance(message.text, str) else ""
    return detect_language(text[:200]) if text and not text.startswith("/") else "zh-TW"


async def _reply(message: UserMessage, text: str) -> None:
    await message.output_channel.send_text_message(message.sender_id, text)


def _digest(sender: Any) -> str:
    return hashlib.sha256(str(sender).encode("utf-8")).hexdigest()[:12]
