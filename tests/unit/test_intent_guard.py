"""When a conversational intent gives way to "this is a market question"."""

from market_entry.intent_guard import QUESTION_INTENT, reconsidered_intent


def test_an_unsure_restart_naming_a_product_is_a_question():
    # "are there new battery rules we should know about?" must not wipe the conversation
    assert reconsidered_intent("start_over", 0.46, ["product", "msg_lang"]) == QUESTION_INTENT


def test_a_sure_restart_stays_a_restart():
    assert reconsidered_intent("start_over", 0.98, ["market"]) is None
    assert reconsidered_intent("start_over", 0.5, ["msg_lang"]) is None


def test_out_of_scope_naming_a_market_and_product_is_a_question_unless_sure():
    assert reconsidered_intent("out_of_scope", 0.68, ["market", "product"]) == QUESTION_INTENT
    # "幫我寫一首關於日本茶的詩": the model is sure, the poem stays out of scope
    assert reconsidered_intent("out_of_scope", 1.0, ["market", "product"]) is None
    # a market alone is not a rule's subject ("墨西哥治安好嗎")
    assert reconsidered_intent("out_of_scope", 0.6, ["market"]) is None


def test_other_intents_are_left_alone():
    assert reconsidered_intent("request_human", 0.5, ["topic", "market"]) is None
    assert reconsidered_intent("ask_events", 0.5, ["market"]) is None
