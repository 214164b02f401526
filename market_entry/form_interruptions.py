"""Whether a message typed while a form waits for an answer is an answer at all.

Owners ask questions in the middle of a form ("對了，日本的食品標示要寫什麼？"). Such a message
must be answered — and the form resumed — never stored as a company name or read as "yes".
Both forms (screening, hand-off) ask this before reading an answer.
"""

from __future__ import annotations

import re

# Intents that are never an answer to a form question.
COMMANDS = frozenset({"stop", "delete_my_data", "request_human", "switch_language", "start_over",
                      "restart", "session_start", "bot_capabilities"})
# Intents that are questions when the text reads as one ("日本有補助嗎" vs "有").
QUESTIONS = frozenset({"ask_market_question", "ask_events", "out_of_scope", "screen_eligibility"})
COMMAND_CONFIDENCE = 0.8
# A language switch names a language ("English please", "請用中文"); "machinery" typed as an
# answer must not switch anything however the NLU scored it.
_LANGUAGE = re.compile(r"英文|英語|中文|國語|華語|english|chinese|mandarin|language|語言", re.I)

_QUESTION = re.compile(
    r"[?？]|嗎|吗|呢|什麼|什么|甚麼|怎麼|怎么|如何|哪些|哪裡|哪个|哪個|多少|是否|可不可以|能不能|要不要|"
    r"請問|请问|幾%|幾趴|幾成|多久|多少錢|\b(how|what|which|when|where|why|who)\b|"
    r"^\s*(do|does|did|can|could|should|is|are|will|would|may|any)\b", re.IGNORECASE)


def reads_as_question(text: str) -> bool:
    return bool(_QUESTION.search(text or ""))


ANSWERS = frozenset({"affirm", "deny"})
LONG_QUESTION = 8


def is_interruption(intent: str | None, confidence: float, text: str) -> bool:
    """True when the message is a question or a command rather than the requested answer: an
    intent that is never an answer, a question-shaped message with a question intent, or a
    longer message that reads as a question whatever the NLU made of it."""
    text = (text or "").strip()
    if text.startswith("/"):
        # A button: only a form's own buttons carry plain answers, and those are not payloads.
        return True
    if intent in COMMANDS and confidence >= COMMAND_CONFIDENCE:
        return intent != "switch_language" or bool(_LANGUAGE.search(text))
    if not reads_as_question(text) or intent in ANSWERS:
        return False
    return (intent in QUESTIONS and len(text) >= 4) or len(text) >= LONG_QUESTION
