"""`knowledge_tool gaps` against a real Redis filled the way the action server fills it."""

from __future__ import annotations

import pytest
import redis

from market_entry.knowledge_tool import main
from market_entry.unanswered import record_unanswered
from tests.e2e.harness import throwaway_redis


@pytest.fixture
def redis_url(tmp_path):
    process, url = throwaway_redis(tmp_path)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_gaps_groups_similar_questions_and_suggests_market_and_topic(capsys, small_knowledge,
                                                                      redis_url):
    client = redis.Redis.from_url(redis_url)
    for _ in range(3):
        record_unanswered(client, "日本的太空衣標示怎麼寫？", "jp")
    record_unanswered(client, "太空衣的標示要寫什麼", "jp")
    record_unanswered(client, "How do I label a space suit for Japan?", None)
    record_unanswered(client, "日本的無人機認證？我的電話 0912-345-678", "jp")
    record_unanswered(client, "巴西關稅多少", None)
    record_unanswered(client, "巴西進口關稅怎麼查", "jp")
    record_unanswered(client, "可以幫我介紹一下嗎", None)
    record_unanswered(client, "越南的包裝標示", None)
    code = main(["--root", str(small_knowledge), "gaps", "--redis-url", redis_url])
    out = capsys.readouterr().out
    assert code == 0
    blocks = out.strip().split("\n\n")
    assert blocks[0] == "10 unanswered question(s) asked, in 6 group(s), most asked first."
    # the biggest group: two ways of asking how to label space suits for Japan
    assert blocks[1].splitlines() == [
        "   4 asked (2 questions)  日本 (jp) / 標示 (labelling) – 2 entries on this topic: add one "
        "that answers these",
        "      shared: 太空衣標示",
        "        3 × 日本的太空衣標示怎麼寫?",
        "        1 × 太空衣的標示要寫什麼"]
    # Brazil has no pack: the question names it, whatever market the conversation was about
    assert blocks[2].splitlines()[0] == (
        "   2 asked (2 questions)  巴西 (br) / 關稅與貿易協定 (tariffs) – no pack for this market")
    assert "0912" not in out and "日本的無人機認證?我的電話 <number>" in out
    assert "日本 (jp) / 產品認證與標準 (certification) – 2 entries on this topic" in out
    # the same gap asked in English shares no words with the Chinese questions: its own group,
    # with the market and topic found from the English aliases
    assert "   1 asked (1 question)  日本 (jp) / 標示 (labelling)" in out
    assert "（未指定市場） market not known / topic not recognised" in out
    assert "越南 (vn) / 標示 (labelling) – no entry yet: add one" in out


def test_gaps_with_nothing_recorded(capsys, small_knowledge, redis_url):
    assert main(["--root", str(small_knowledge), "gaps", "--redis-url", redis_url]) == 0
    assert capsys.readouterr().out == "No unanswered questions recorded.\n"
