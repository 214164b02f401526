"""Turns a market question the intent model put into a conversational intent back into one.

Runs after DIETClassifier and before FallbackClassifier; the rule itself is
market_entry.intent_guard (pure, tested in both environments). The replaced intent keeps its
confidence, so the fallback threshold still applies to an unsure message.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from market_entry.intent_guard import reconsidered_intent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentGuard:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name, confidence = intent.get("name"), intent.get("confidence") or 0.0
            if not name:
                continue
            entities = message.get(ENTITIES) or []
            labels = [e.get("entity") for e in entities]
            topics = [str(e.get("value")) for e in entities if e.get("entity") == "topic"]
            replacement = reconsidered_intent(name, float(confidence), labels,
                                              message.get(TEXT) or "", topics)
            if replacement is None:
                continue
            message.set(INTENT, {"name": replacement, "confidence": confidence},
                        add_to_output=True)
            # The replaced intent leaves the ranking: left beside its replacement at the same
            # confidence, the fallback's ambiguity check would see a tie.
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                       if r.get("name") not in (replacement, name)]
            message.set(INTENT_RANKING_KEY,
                        [{"name": replacement, "confidence": confidence}, *ranking],
                        add_to_output=True)
        return messages
