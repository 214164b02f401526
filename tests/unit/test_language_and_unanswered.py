from market_entry.language_choice import reply_language, requested_language
from market_entry.unanswered import record_unanswered, scrub


def test_explicit_choice_wins_over_detection():
    assert reply_language("en", "日本認證") == "en"
    assert reply_language("auto", "Japan certification?") == "en"
    assert reply_language(None, "日本認證") == "zh-TW"


def test_switch_requests():
    assert requested_language("請用英文", "zh-TW") == "en"
    assert requested_language("English please", "zh-TW") == "en"
    assert requested_language("說中文", "en") == "zh-TW"
    assert requested_language("不要英文，用中文", "en") == "zh-TW"
    assert requested_language("change language", "zh-TW") == "en"
    assert requested_language("換語言", "en") == "zh-TW"


def test_personal_data_is_masked():
    text = scrub("我是王小明 0912-345-678 wang@example.com 統編 04595257 日本認證")
    assert "0912" not in text and "example.com" not in text and "04595257" not in text
    assert "日本認證" in text


class FakeSortedSets:
    def __init__(self):
        self.data = {}

    def zincrby(self, name, amount, value):
        bucket = self.data.setdefault(name, {})
        bucket[value] = bucket.get(value, 0) + amount
        return bucket[value]


def test_unanswered_questions_are_counted_per_market():
    client = FakeSortedSets()
    record_unanswered(client, "日本太空旅遊？", "jp")
    record_unanswered(client, "日本太空旅遊？", "jp")
    assert client.data == {"unanswered:jp": {"日本太空旅遊?": 2}}
