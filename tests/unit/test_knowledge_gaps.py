"""Grouping unanswered questions into gaps (no Redis: a fake sorted-set reader)."""

from __future__ import annotations

from market_entry.knowledge.gaps import (
    NO_MARKET,
    NO_TOPIC,
    Question,
    features,
    gaps_report,
    group_questions,
    similarity,
)

MARKETS = {"日本": "jp", "japan": "jp", "巴西": "br", "越南": "vn"}
TOPICS = {"標示": "labelling", "label": "labelling", "關稅": "tariffs", "認證": "certification"}


def market_of(question: str):
    found = [(word, code) for word, code in MARKETS.items() if word in question.lower()]
    return (found[0][1] if found else None), [word for word, _ in found]


def topic_of(question: str):
    return next((t for word, t in TOPICS.items() if word in question.lower()), None)


class FakeRedis:
    def __init__(self, sets: dict[str, dict[str, int]]) -> None:
        self.sets = sets

    def scan_iter(self, match: str):
        prefix = match.rstrip("*")
        return [k.encode() for k in self.sets if k.startswith(prefix)]

    def zrevrange(self, name, start, end, withscores):
        key = name.decode() if isinstance(name, bytes) else name
        items = sorted(self.sets[key].items(), key=lambda kv: -kv[1])
        return [(q.encode(), float(n)) for q, n in items]


def test_features_drop_question_words_and_the_market():
    assert features("日本的太空衣標示怎麼寫？", ignore=["日本"]) == {"太空", "空衣", "衣標", "標示", "寫"}
    assert features("How do I label space suits for Japan?", ignore=["japan"]) == {
        "label", "space", "suits"}
    assert "number" not in features("我的電話 <number>")


def test_similar_questions_share_content():
    a = features("日本的太空衣標示怎麼寫？")
    b = features("太空衣要怎麼標示")
    c = features("日本食品標示規定？")
    assert similarity(a, b) >= 0.5 > similarity(a, c)


def test_groups_by_market_similarity_and_topic_most_asked_first():
    questions = [
        Question("日本的太空衣標示怎麼寫?", 3, "jp"),
        Question("太空衣的標示要寫什麼", 1, "jp"),          # same gap, market from the record
        Question("太空衣 label for Japan?", 1, NO_MARKET),  # market from the words
        Question("日本的無人機認證?我的電話 <number>", 1, "jp"),
        Question("巴西關稅多少", 2, NO_MARKET),
        Question("巴西進口關稅怎麼查", 1, "jp"),             # names Brazil: that is the market
        Question("可以幫我介紹一下嗎", 1, NO_MARKET),
    ]
    groups = group_questions(questions, market_of, topic_of)
    summary = [(g.total, g.size, g.market, g.topic) for g in groups]
    assert summary == [
        (5, 3, "jp", "labelling"),
        (3, 2, "br", "tariffs"),
        (1, 1, "jp", "certification"),
        (1, 1, NO_MARKET, NO_TOPIC),
    ]
    assert groups[0].questions[0] == ("日本的太空衣標示怎麼寫?", 3)
    assert "太空衣" in groups[0].terms[0]
    assert groups[1].terms == ["關稅"]


def test_different_topics_are_never_grouped():
    questions = [Question("越南食品關稅", 1, "vn"), Question("越南食品標示", 1, "vn")]
    groups = group_questions(questions, market_of, topic_of)
    assert sorted(g.topic for g in groups) == ["labelling", "tariffs"]


def test_the_same_question_recorded_under_two_markets_counts_once_where_it_belongs():
    questions = [Question("日本關稅多少", 2, "jp"), Question("日本關稅多少", 1, NO_MARKET)]
    groups = group_questions(questions, market_of, topic_of)
    assert [(g.market, g.total, g.questions) for g in groups] == [("jp", 3, [("日本關稅多少", 3)])]


def test_report_reads_the_sorted_sets_and_limits_examples():
    client = FakeRedis({"unanswered:jp": {f"日本太空衣標示問題{i}": 10 - i for i in range(8)},
                        "leads:created": {"x": 1}})
    groups = gaps_report(client, market_of, topic_of, examples=3)
    assert len(groups) == 1 and groups[0].size == 8 and len(groups[0].questions) == 3
    assert groups[0].total == sum(range(3, 11))
    assert groups[0].questions[0] == ("日本太空衣標示問題0", 10)
