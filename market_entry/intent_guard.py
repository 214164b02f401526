"""When the NLU's intent should give way to "this is a market question".

The intent model sometimes puts a real question into a conversational intent: "are there new
battery rules we should know about?" came out as `start_over` (0.46), which wiped the owner's
conversation; "can we sell our vitamin gummies in the Philippines…" came out as `out_of_scope`
(0.68). The gazetteer knows better in such cases: a message that names what the packs are
about is a question. Pure, so both Python environments test it; the Rasa component
(bot/components/intent_guard.py) applies it.
"""

from __future__ import annotations

from collections.abc import Iterable

QUESTION_INTENT = "ask_market_question"

# Intents that end or reset something the owner built up: acted on only when the model is sure.
DESTRUCTIVE = frozenset({"start_over", "stop"})
DESTRUCTIVE_SURE = 0.75
# Small talk and refusals: a message naming a rule's subject is a question unless the model is
# very sure ("幫我寫一首關於日本茶的詩" is out of scope at 1.0 although it names a market and tea).
CONVERSATIONAL = frozenset({"out_of_scope", "greet", "goodbye", "thank", "bot_capabilities"})
CONVERSATIONAL_SURE = 0.9

KNOWLEDGE_LABELS = frozenset({"market", "product", "topic", "certification"})


def reconsidered_intent(intent: str, confidence: float, entity_labels: Iterable[str]) -> str | None:
    """The intent to use instead of `intent`, or None to keep it."""
    labels = set(entity_labels) & KNOWLEDGE_LABELS
    if not labels:
        return None
    if intent in DESTRUCTIVE and confidence < DESTRUCTIVE_SURE:
        return QUESTION_INTENT
    asks_about_a_rule = bool(labels & {"topic", "certification"}) or \
        {"market", "product"} <= labels
    if intent in CONVERSATIONAL and confidence < CONVERSATIONAL_SURE and asks_about_a_rule:
        return QUESTION_INTENT
    return None
