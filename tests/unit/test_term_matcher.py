from functools import lru_cache

from market_entry.gazetteer import product_precedence, term_patterns
from market_entry.knowledge import load_knowledge
from market_entry.term_matcher import TermMatcher
from tests.conftest import real_knowledge_base


@lru_cache(maxsize=1)
def matcher() -> TermMatcher:
    return TermMatcher(term_patterns(real_knowledge_base()))


def found(text: str) -> set[tuple[str, str]]:
    return {(m.label, m.value) for m in matcher().find(text)}


def test_market_product_and_topic_in_a_taiwanese_question():
    assert found("我們是做小家電的，想賣到日本需要什麼認證？") == {
        ("product", "appliances"), ("market", "jp"), ("topic", "certification"),
    }


def test_longest_match_wins_within_a_label():
    assert ("market", "id") in found("想賣到印度尼西亞")
    assert ("market", "in") not in found("想賣到印度尼西亞")


def test_short_upper_case_aliases_are_case_sensitive_and_whole_words():
    assert ("market", "us") in found("export to the US")
    assert ("market", "us") not in found("please help us")
    assert ("market", "eu") not in found("we reuse packaging")
    assert ("market", "eu") in found("a business in europe")


def test_three_letter_market_names_match_in_lower_case_and_products_in_either_number():
    assert ("market", "us") in found("what cert need to sell in usa")
    assert ("market", "ae") in found("shipping to uae next month")
    assert ("certification", "eta") not in found("what is the eta of the shipment")
    assert ("product", "food") in found("export instant noodle to manila")
    assert ("product", "food") in found("our cookie and cracker line")


def test_english_matching_ignores_case_for_longer_words():
    assert {("market", "jp"), ("certification", "pse")} <= found("PSE mark for JAPAN")


def test_member_states_cities_groups_and_uncovered_countries():
    assert ("market", "eu") in found("出口德國")
    assert ("market", "jp") in found("東京的通路")
    assert ("market", "new_southbound") in found("新南向市場")
    assert ("market", "southeast_asia") in found("東南亞的關稅")
    assert ("market", "kr") in found("韓國的關稅")


def test_an_alias_added_to_a_pack_is_recognised(tmp_path):
    from tests.conftest import write_knowledge

    root = write_knowledge(tmp_path / "k")
    market = root / "markets/jp/market.yml"
    market.write_text(market.read_text("utf-8").replace("[日本,", "[扶桑國, 日本,"), "utf-8")
    matcher = TermMatcher(term_patterns(load_knowledge(root)))
    assert [(m.label, m.value, m.text) for m in matcher.find("扶桑國的認證")][0] == (
        "market", "jp", "扶桑國")


def test_misspelt_market_names_are_understood():
    from market_entry.answering import Answerer
    from market_entry.knowledge import KnowledgeStore
    from tests.conftest import REAL_KNOWLEDGE
    finder = Answerer(KnowledgeStore(REAL_KNOWLEDGE))
    for text, market in (("de minimis for shipments into the Philipines?", "ph"),
                         ("Malysia need what cert", "my"), ("Veitnam tariff", "vn"),
                         ("we sell to Mexcio", "mx"), ("Indonisia halal", "id")):
        assert [m.value for m in finder.find_terms(text) if m.label == "market"] == [market]
    for text in ("we ship to Indiana", "shipping conditions", "emissions reporting"):
        assert not [m for m in finder.find_terms(text) if m.label == "market"], text


def test_edit_distance_counts_a_swap_once():
    from market_entry.term_matcher import edit_distance
    assert edit_distance("veitnam", "vietnam", 2) == 1
    assert edit_distance("philipines", "philippines", 2) == 1
    assert edit_distance("abcdefgh", "zzzzzzzz", 2) == 3


def test_a_long_topic_word_misspelt_is_understood_and_real_words_are_left_alone():
    assert ("topic", "certification") in found("malaysia need what certficate")
    for text in ("our parent company", "imported goods", "an important meeting"):
        assert not [m for m in matcher().find(text) if m.label == "topic"], text


def test_a_pet_product_named_beside_a_food_word_is_the_product_meant() -> None:
    """"那如果是狗狗吃的肉乾呢" is about pet food: the conversation must not keep 肉乾 (food)."""
    kb = real_knowledge_base()
    matcher = TermMatcher(term_patterns(kb), product_precedence(kb))
    products = [m.value for m in matcher.find("那如果是狗狗吃的肉乾呢") if m.label == "product"]
    assert products == ["pet_products"]
    # A food word alone is still food.
    assert [m.value for m in matcher.find("肉乾可以賣日本嗎") if m.label == "product"] == ["food"]
