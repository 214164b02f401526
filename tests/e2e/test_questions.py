"""Realistic owner questions over every market, each answered with its expected entry.

Each question in questions/*.yml has `text`, `lang` (zh-TW, en or zh-CN), `expect` (the entry
id) and, for questions about Taiwan's own programmes (subsidies, SME status, export insurance,
the desks), `taiwan_side: true`: the answer comes from the Taiwan-side pack (market code tw),
whether or not the owner named a destination market. `also` lists entries that answer the
question equally well (the general rule and the market's own note on it, say): they pass too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from market_entry.phrases import say
from tests.e2e.harness import card, texts

pytestmark = pytest.mark.servers
QUESTIONS = Path(__file__).parent / "questions"
TAIWAN_SIDE = "tw"


def question_set() -> list[tuple[str, str, str, bool]]:
    return [case[:4] for case in _cases()]


def _cases() -> list[tuple[str, str, str, bool, tuple[str, ...]]]:
    cases = []
    for path in sorted(QUESTIONS.glob("*.yml")):
        for item in yaml.safe_load(path.read_text("utf-8"))["questions"]:
            cases.append((item["text"], item["lang"], item["expect"],
                          bool(item.get("taiwan_side", False)), tuple(item.get("also", ()))))
    return cases


def test_the_question_set_is_big_enough():
    cases = question_set()
    assert len(cases) >= 106
    assert {lang for _, lang, _, _ in cases} == {"zh-TW", "en", "zh-CN"}
    # the Taiwan-side flag and the expected entry agree
    for text, _, expect, taiwan_side in cases:
        assert taiwan_side == expect.startswith(f"{TAIWAN_SIDE}-"), text


@pytest.mark.parametrize(("text", "lang", "expect", "taiwan_side", "also"), _cases(),
                         ids=lambda v: str(v)[:40])
def test_question_gets_its_entry(services, sender, text, lang, expect, taiwan_side, also):
    replies = services.chat(sender, text)
    answer = card(replies)
    assert answer is not None, f"no answer card; bot said: {texts(replies)[:400]}"
    assert answer["entry_id"] in (expect, *also)
    if taiwan_side and answer["entry_id"] == expect:
        assert answer["market"] == TAIWAN_SIDE
    reply_lang = "en" if lang == "en" else "zh-TW"   # pasted Simplified gets Traditional
    body = texts(replies)
    for source in answer["sources"]:
        assert say("answer.source_line", reply_lang, title=source["title"], url=source["url"]) in body
    assert say("answer.checked_line", reply_lang, checked=answer["checked"]) in body
