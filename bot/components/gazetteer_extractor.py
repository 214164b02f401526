"""Entity extractor for markets, products, certifications and topics, built from the packs.

The gazetteers come from the knowledge packs at load time and are rebuilt when the packs change,
so an alias staff add to a market file is recognised without touching NLU data or retraining
(the matcher itself is spaCy's PhraseMatcher, see market_entry.term_matcher). Matching runs on the
raw text, so it does not depend on word segmentation. It also tags the message's language as the
zero-width entity `msg_lang`, which fills the slot the bot's responses are chosen by.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge_location import knowledge_dir
from market_entry.gazetteer import product_precedence, term_patterns
from market_entry.knowledge import KnowledgeBase, KnowledgeError, KnowledgeStore
from market_entry.normalise import detect_language
from market_entry.term_matcher import TermMatcher

log = logging.getLogger(__name__)
LANGUAGE_ENTITY = "msg_lang"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"knowledge_dir": None, "reload_check_seconds": 2.0}

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GazetteerEntityExtractor:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._store = KnowledgeStore(
            knowledge_dir(config.get("knowledge_dir")),
            check_interval=float(config.get("reload_check_seconds", 2.0)),
        )
        self._matcher: TermMatcher | None = None
        self._store.on_reload(self._rebuild)
        try:
            self._store.get()
        except KnowledgeError as error:
            log.error("no valid knowledge packs, extracting no gazetteer entities: %s", error)

    def _rebuild(self, kb: KnowledgeBase) -> None:
        self._matcher = TermMatcher(term_patterns(kb), product_precedence(kb))
        log.info("gazetteer rebuilt with %d phrases", self._matcher.size)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples carry annotated entities; adding ours would duplicate them.
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        try:
            self._store.get()  # picks up edited packs (cheap stat, throttled)
        except KnowledgeError:
            pass
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            try:
                found = self.extract(text)
            except Exception as error:  # noqa: BLE001 - a message we cannot match still gets answered
                log.warning("gazetteer skipped a message: %s", type(error).__name__)
                continue
            entities = [*message.get(ENTITIES, []), *self.add_extractor_name(found)]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def extract(self, text: str) -> list[dict[str, Any]]:
        entities: list[dict[str, Any]] = []
        if self._matcher is not None:
            for match in self._matcher.find(text):
                entities.append({
                    "entity": match.label,
                    "value": match.value,
                    "start": match.start,
                    "end": match.end,
                    "confidence": 1.0,
                })
        entities.append({"entity": LANGUAGE_ENTITY, "value": detect_language(text),
                         "start": 0, "end": 0, "confidence": 1.0})
        return entities
