"""The words of knowledge/question_words.yml, ready to look for in a normalised message.

They shape how a question is read, not what it is about (where the owner sells, whether the
conversation is about setting up a company, whether a message is about trade at all), so staff
keep them beside the vocabulary instead of in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from market_entry.knowledge.model import KnowledgeBase


@dataclass(frozen=True)
class QuestionWords:
    setting: frozenset[str]          # casefolded: a topic word that is one of these is a setting
    broad: frozenset[str]            # casefolded: a topic word too general to name the topic
    company_setup: re.Pattern[str]
    trade: re.Pattern[str]
    not_our_job: re.Pattern[str]     # a request that is not about entering a market at all

    @classmethod
    def of(cls, kb: KnowledgeBase) -> QuestionWords:
        def words(word_id: str) -> list[str]:
            term = kb.question_words.get(word_id)
            return [w for group in term.aliases.values() for w in group] if term else []

        return cls(
            setting=frozenset(w.casefold() for w in words("setting")),
            broad=frozenset(w.casefold() for w in words("broad")),
            company_setup=word_pattern(words("company_setup")),
            trade=word_pattern(words("trade")),
            not_our_job=word_pattern(words("not_our_job")),
        )

    @classmethod
    def none(cls) -> QuestionWords:
        return cls(frozenset(), frozenset(), word_pattern(()), word_pattern(()), word_pattern(()))

    def is_setting(self, word: str) -> bool:
        return word.strip().casefold() in self.setting

    def gives_way(self, word: str) -> bool:
        """A topic word that yields to another topic named in the same message: where the
        owner sells, or a word too general to say which rules ("privacy compliance")."""
        folded = word.strip().casefold()
        return folded in self.setting or folded in self.broad


def word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Chinese words anywhere; English words (and spaced phrases) as whole words only."""
    chinese = [re.escape(w) for w in words if not w.isascii()]
    english = sorted((re.escape(w) for w in words if w.isascii()), key=len, reverse=True)
    parts = chinese + ([rf"\b(?:{'|'.join(english)})\b"] if english else [])
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)
