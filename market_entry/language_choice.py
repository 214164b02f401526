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


_REQUEST = re.compile(
    r"(請|请|麻煩|可以|改|換|换|用|說|讲|講|回答|回覆|回复|介面|介面語言)\s*(用)?\s*(英文|英語|中文|國語|華語|繁體)|"
    r"(英文|中文)\s*(回答|回覆|回复|版|就好|可以嗎|好嗎)|"
    r"\b(english|chinese|mandarin)\s*(please|pls|version|only)\b|"
    r"\b(in|into|to)\s+(english|chinese|mandarin)\b|"
    r"\b(speak|talk|reply|answer|respond|write|switch|change|use|do)\b.*\b(english|chinese|language)\b|"
    r"^\s*(english|chinese|中文|英文|繁體中文|language)\s*[.!?！？。]*\s*$",
    re.IGNORECASE)


# The language of a label, a manual or a contract is a market question, not a reply language.
_CONTENT = re.compile(
    r"標示|標籤|标签|标示|包裝|包装|說明書|说明书|文件|合約|合同|網站|网站|商標|商标|品名|成分|型錄|"
    r"\b(label|labels|labelling|labeling|packaging|manual|manuals|document|documents|contract|"
    r"website|trademark|brand|ingredients?|catalogue|catalog|invoice|competitors?|market)\b",
    re.IGNORECASE)


def is_language_request(message: str) -> bool:
    """Whether a message asks to change the reply language ("請用英文", "English please"),
    as opposed to mentioning a language ("our Chinese competitors", "標示要用中文嗎")."""
    text = normalise(message or "")
    return bool(_REQUEST.search(text)) and not _CONTENT.search(text)


def mentions_content_language(message: str) -> bool:
    """"標示要用中文嗎": a language named about something the owner will produce or meet."""
    return bool(_CONTENT.search(normalise(message or "")))


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
