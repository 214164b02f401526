"""The custom NLU components, run in-process the way Rasa's graph runs them."""

from __future__ import annotations

from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.domain_tokenizer import DomainTokenizer
from bot.components.gazetteer_extractor import GazetteerEntityExtractor


def tokenizer(knowledge) -> DomainTokenizer:
    return DomainTokenizer({**DomainTokenizer.get_default_config(), "knowledge_dir": str(knowledge)})


def extractor(knowledge, seconds: float = 0.0) -> GazetteerEntityExtractor:
    return GazetteerEntityExtractor({"knowledge_dir": str(knowledge), "reload_check_seconds": seconds})


def test_tokenizer_converts_simplified_and_segments_taiwanese_words(small_knowledge):
    message = Message({TEXT: "我们是做小家电的，想卖到日本需要什么认证？"})
    tokenizer(small_knowledge).process([message])
    assert message.get(TEXT).startswith("我們是做小家電的")
    words = [t.text for t in message.get(TOKENS_NAMES[TEXT])]
    assert "小家電" in words and "認證" in words


def test_tokenizer_keeps_annotation_offsets_in_training_data(small_knowledge):
    example = Message({TEXT: "U盘卖到日本", "intent": "ask_market_question",
                       ENTITIES: [{"entity": "market", "value": "jp", "start": 4, "end": 6}]})
    tokenizer(small_knowledge).process_training_data(TrainingData([example]))
    assert example.get(TEXT)[4:6] == "日本"


def test_tokenizer_fingerprint_follows_the_packs(small_knowledge):
    config = {"knowledge_dir": str(small_knowledge)}
    before = DomainTokenizer.fingerprint_addon(config)
    (small_knowledge / "markets/jp/extra.yml").write_text("entries: []\n", encoding="utf-8")
    assert DomainTokenizer.fingerprint_addon(config) != before


def test_extractor_finds_gazetteer_entities_and_the_language(small_knowledge):
    message = Message({TEXT: "我們是做小家電的，想賣到日本需要什麼認證？"})
    extractor(small_knowledge).process([message])
    found = {(e["entity"], e["value"]) for e in message.get(ENTITIES)}
    assert {("product", "appliances"), ("market", "jp"), ("topic", "certification"),
            ("msg_lang", "zh-TW")} <= found
    assert all(e["extractor"] == "GazetteerEntityExtractor" for e in message.get(ENTITIES))
    english = Message({TEXT: "Do I need the PSE mark?"})
    extractor(small_knowledge).process([english])
    assert ("msg_lang", "en") in {(e["entity"], e["value"]) for e in english.get(ENTITIES)}


def test_alias_added_to_a_pack_is_recognised_without_retraining(small_knowledge):
    component = extractor(small_knowledge)
    message = Message({TEXT: "扶桑國的認證"})
    component.process([message])
    assert ("market", "jp") not in {(e["entity"], e["value"]) for e in message.get(ENTITIES)}
    market = small_knowledge / "markets/jp/market.yml"
    market.write_text(market.read_text("utf-8").replace("[日本,", "[扶桑國, 日本,"), "utf-8")
    message = Message({TEXT: "扶桑國的認證"})
    component.process([message])
    assert ("market", "jp") in {(e["entity"], e["value"]) for e in message.get(ENTITIES)}


def test_extractor_leaves_training_data_alone(small_knowledge):
    example = Message({TEXT: "日本", "intent": "inform_market"})
    extractor(small_knowledge).process_training_data(TrainingData([example]))
    assert not example.get(ENTITIES)


def test_intent_guard_replaces_the_intent_and_leaves_no_tie_for_the_fallback():
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

    from bot.components.intent_guard import IntentGuard

    message = Message({TEXT: "想參加貿協組的海外拓銷團 要怎麼報名"})
    message.set(INTENT, {"name": "ask_events", "confidence": 0.6})
    message.set(INTENT_RANKING_KEY, [{"name": "ask_events", "confidence": 0.6},
                                     {"name": "ask_market_question", "confidence": 0.3},
                                     {"name": "greet", "confidence": 0.1}])
    message.set(ENTITIES, [{"entity": "topic", "value": "support"}])
    [guarded] = IntentGuard().process([message])
    assert guarded.get(INTENT)["name"] == "ask_market_question"
    assert [r["name"] for r in guarded.get(INTENT_RANKING_KEY)] == ["ask_market_question", "greet"]
