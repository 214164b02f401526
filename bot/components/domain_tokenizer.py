"""Tokenizer for Taiwanese Traditional Chinese mixed with English.

Normalises each message first (Simplified → Taiwan Traditional, full-width → ASCII) so pasted
mainland text is understood rather than misread, then segments with jieba on a Simplified
projection plus the domain words of the knowledge packs (see market_entry.segmentation).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge_location import knowledge_dir
from market_entry.gazetteer import domain_words
from market_entry.knowledge import KnowledgeError, load_knowledge
from market_entry.knowledge.loader import fingerprint
from market_entry.normalise import normalise
from market_entry.segmentation import Segmenter

log = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class DomainTokenizer(Tokenizer):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            "knowledge_dir": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["jieba"]  # opencc's module and distribution names differ; Rasa checks both

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The segmentation depends on the packs' words: a changed pack invalidates the cache."""
        try:
            return fingerprint(knowledge_dir(config.get("knowledge_dir")))
        except OSError:
            return None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DomainTokenizer:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        words: list[str] = []
        try:
            words = domain_words(load_knowledge(knowledge_dir(config.get("knowledge_dir"))))
        except KnowledgeError as error:
            log.error("knowledge packs invalid, segmenting without domain words: %s", error)
        self._segmenter = Segmenter(words)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if isinstance(text, str):
                # Entity annotations hold character offsets: keep the length.
                example.set(TEXT, normalise(text, keep_length=True))
        return super().process_training_data(training_data)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                message.set(TEXT, normalise(text))
        return super().process(messages)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        tokens = [Token(t.text, t.start) for t in self._segmenter.tokenize(text)]
        return self._apply_token_pattern(tokens)
