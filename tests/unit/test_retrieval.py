from datetime import date

import pytest

from market_entry.gazetteer import domain_words, term_patterns
from market_entry.knowledge import load_knowledge
from market_entry.retrieval import ANSWER, NOT_COVERED, Query, Retriever
from market_entry.segmentation import Segmenter
from market_entry.term_matcher import TermMatcher


@pytest.fixture
def tools(small_knowledge):
    kb = load_knowledge(small_knowledge, today=date(2026, 11, 27))
    return Retriever(kb, Segmenter(domain_words(kb))), TermMatcher(term_patterns(kb))


def search(tools, text, **query):
    retriever, matcher = tools
    return retriever.search(Query(text, **query), matcher.find(text))


def test_best_entry_answers(tools):
    result = search(tools, "我們是做小家電的，想賣到日本需要什麼認證", market="jp",
                    topics=("certification",), products=("appliances",))
    assert result.decision == ANSWER
    assert result.best.entry.id == "jp-certification-pse"


def test_certification_name_alone_is_enough(tools):
    result = search(tools, "技適要怎麼申請", market="jp", certifications=("giteki",))
    assert result.best.entry.id == "jp-certification-giteki"


def test_close_candidates_travel_with_the_answer_as_related(tools):
    result = search(tools, "標籤", market="jp", topics=("labelling",))
    assert result.decision == ANSWER
    shown = {result.best.entry.id, *(e.id for e in tools[0].related(result))}
    assert shown == {"jp-labelling-food", "jp-labelling-household"}


def test_context_product_breaks_the_tie(tools):
    result = search(tools, "那標籤呢", market="jp", topics=("labelling",), products=("appliances",))
    assert result.decision == ANSWER and result.best.entry.id == "jp-labelling-household"


def test_unknown_subject_is_not_covered(tools):
    result = search(tools, "日本的太空旅遊執照怎麼申請", market="jp")
    assert result.decision == NOT_COVERED
    assert "太空" in "".join(result.unknown_words)


def test_other_markets_are_never_answered(tools):
    result = search(tools, "小家電 PSE 認證", market="us", certifications=("pse",))
    assert result.decision == NOT_COVERED
    assert all(c.entry.market == "us" for c in result.candidates)


def test_english_question(tools):
    result = search(tools, "What goes on a food label?", market="jp", topics=("labelling",),
                    products=("food",))
    assert result.best.entry.id == "jp-labelling-food"


def test_drafts_are_never_retrieved(tmp_path):
    from tests.conftest import ENTRY_TEMPLATE_IP, write_knowledge

    root = write_knowledge(tmp_path / "k", {"markets/jp/ip.yml": ENTRY_TEMPLATE_IP + "    status: draft\n"})
    kb = load_knowledge(root, today=date(2026, 11, 27))
    retriever = Retriever(kb, Segmenter(domain_words(kb)))
    result = retriever.search(Query("日本商標怎麼註冊", market="jp", topics=("ip",)))
    assert all(c.entry.id != "jp-ip-trademark" for c in result.candidates)


def hybrid(tools, text, semantic, **query):
    from market_entry.semantic import HYBRID
    retriever, matcher = tools
    return retriever.search(Query(text, **query), matcher.find(text), semantic, HYBRID)


def test_meaning_alone_must_clear_a_higher_bar(tools):
    # No word of the question is in the entry: a meaning score just over the bar is not enough
    # ("歐盟的武器出口管制" sits near REACH by meaning, and is not about it) ...
    question = "日本的宇宙旅行執照"
    assert hybrid(tools, question, {"jp-certification-pse": 0.33}, market="jp").decision \
        == NOT_COVERED
    # ... a clearly higher one is (a paraphrase that shares no word with the entry)
    assert hybrid(tools, question, {"jp-certification-pse": 0.45}, market="jp").decision == ANSWER
