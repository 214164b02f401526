from market_entry.language_choice import is_language_request, reply_language, requested_language
from market_entry.leads.offer import asks_for_person
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


def test_a_language_named_in_a_question_is_no_switch_request():
    for request in ("請用英文回答", "English please", "can you talk in english", "中文"):
        assert is_language_request(request), request
    for question in ("標示要用中文嗎", "Our Chinese competitors sell cheaper in the US",
                     "日本的標籤要日文嗎", "Do we need an English manual for the EU?"):
        assert not is_language_request(question), question


def test_asking_for_a_person_inside_a_question():
    for message in ("我們想去日本賣茶，可以找專人聊嗎？", "請專人聯絡我們", "有沒有人可以打電話給我",
                    "Can someone contact me about Japan?", "I'd like to talk to an officer"):
        assert asks_for_person(message), message
    for message in ("我需要找顧問嗎", "how do I find an agent in the US", "日本的食品標示要寫什麼"):
        assert not asks_for_person(message), message


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
