"""Realistic owner questions over every market, each answered with its expected entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.e2e.harness import card, texts

pytestmark = pytest.mark.servers
QUESTIONS = Path(__file__).parent / "questions"


def question_set() -> list[tuple[str, str, str]]:
    cases = []
    for path in sorted(QUESTIONS.glob("*.yml")):
        for item in yaml.safe_load(path.read_text("utf-8"))["questions"]:
            cases.append((item["text"], item["lang"], item["expect"]))
    return cases


def test_the_question_set_is_big_enough():
    cases = question_set()
    assert len(cases) >= 30
    assert {lang for _, lang, _ in cases} == {"zh-TW", "en", "zh-CN"}


@pytest.mark.parametrize(("text", "lang", "expect"), question_set(), ids=lambda v: str(v)[:40])
def test_question_gets_its_entry(services, sender, text, lang, expect):
    replies = services.chat(sender, text)
    answer = card(replies)
    assert answer is not None, f"no answer card; bot said: {texts(replies)[:400]}"
    assert answer["entry_id"] == expect
    body = texts(replies)
    assert answer["sources"][0]["url"] in body
    assert answer["checked"] in body
