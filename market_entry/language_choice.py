"""Which language the assistant answers in.

An explicit choice ("請用英文") wins for the rest of the conversation; otherwise the assistant
answers in the language of the message, Traditional Chinese by default.
"""

from __future__ import annotations

import re

from market_entry.normalise import detect_language, normalise

_ENGLISH = re.compile(r"英文|英語|english", re.IGNORECASE)
_CHINESE = re.compile(r"中文|國語|華語|繁體|chinese|mandarin", re.IGNORECASE)


def reply_language(preferred: str | None, message: str | None) -> str:
    if preferred in ("zh-TW", "en"):
        return preferred
    return detect_language(message or "")


def requested_language(message: str, current: str) -> str:
    """The language asked for in a switch request; a bare "change language" toggles."""
    text = normalise(message)
    wants_en, wants_zh = bool(_ENGLISH.search(text)), bool(_CHINESE.search(text))
    if wants_en and not wants_zh:
        return "en"
    if wants_zh and not wants_en:
        return "zh-TW"
    if wants_en and wants_zh:
        # "不要英文，用中文" / "English instead of Chinese": the later mention is the wish.
        last_en = max(m.start() for m in _ENGLISH.finditer(text))
        last_zh = max(m.start() for m in _CHINESE.finditer(text))
        return "en" if last_en > last_zh else "zh-TW"
    return "zh-TW" if current == "en" else "en"


# Words in a Latin-script message that do not say the owner writes English (amounts, ids, marks).
_NEUTRAL_WORDS = {"nt", "ntd", "twd", "usd", "ubn", "pse", "ce", "fcc", "bis", "sni", "ok"}
_LATIN = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff]")


def is_decisive(text: str) -> bool:
    """Whether a message says which language the owner writes in: CJK characters or an English
    word. "NT$30,000,000", "04595257" and button payloads ("/ask_events") do not."""
    if not text or text.startswith("/"):
        return False
    if _CJK.search(text):
        return True
    return any(w.lower() not in _NEUTRAL_WORDS for w in _LATIN.findall(text))


def conversation_language(preferred: str | None, user_texts: list[str],
                          pinned: str | None = None) -> str:
    """The one reply-language policy: an explicit choice wins; then a language pinned by a
    running form (the hand-off keeps the language its notice was shown in, so a romanised name
    or an e-mail address does not switch it); then the latest message that says which language
    the owner writes in; Traditional Chinese by default."""
    if preferred in ("zh-TW", "en"):
        return preferred
    if pinned in ("zh-TW", "en"):
        return pinned
    for text in reversed(user_texts):
        if is_decisive(text):
            return detect_language(text)
    return "zh-TW"
