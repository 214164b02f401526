"""The words that shape how a question is read live in knowledge/question_words.yml: staff can
add one without touching code, and a broken file is reported with its file and line."""

from __future__ import annotations

import pytest

from market_entry.knowledge.loader import KnowledgeError, load_knowledge
from market_entry.question_words import QuestionWords, word_pattern
from tests.conftest import REAL_KNOWLEDGE, write_knowledge


def test_chinese_words_match_anywhere_and_english_words_whole():
    pattern = word_pattern(["公司", "set up", "LLC"])
    assert pattern.search("我們想在曼谷設立子公司")
    assert pattern.search("we want to set up an office")
    assert pattern.search("an llc in delaware")
    assert not pattern.search("a setup wizard") and not pattern.search("LLCs-free")
    assert not word_pattern([]).search("anything")


def test_the_real_words_load():
    words = QuestionWords.of(load_knowledge(REAL_KNOWLEDGE))
    assert words.is_setting("Amazon") and words.is_setting("蝦皮")
    assert not words.is_setting("認證")
    assert words.trade.search("想出口到越南") and not words.trade.search("明天會下雨嗎")
    assert words.company_setup.search("我們要在吉隆坡設子公司")
    assert words.not_our_job.search("幫我寫一首詩") and words.not_our_job.search("what's the weather today")
    assert not words.not_our_job.search("weather resistant outdoor furniture to the EU")


def test_a_word_staff_add_is_used(tmp_path):
    root = write_knowledge(tmp_path / "knowledge")
    path = root / "question_words.yml"
    path.write_text(path.read_text("utf-8").replace("[亞馬遜,", "[Shopee, 亞馬遜,"), "utf-8")
    assert QuestionWords.of(load_knowledge(root)).is_setting("shopee")


def test_a_missing_group_is_reported_with_the_file(tmp_path):
    root = write_knowledge(tmp_path / "knowledge")
    path = root / "question_words.yml"
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("  - id: trade")], "utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(root)
    assert "knowledge/question_words.yml:1" in str(error.value)
    assert "'trade'" in str(error.value)
