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
    assert reconsidered_intent("out_of_scope", 0.87, ["product"],
                               "are there new battery rules we should know about?") == QUESTION_INTENT
    assert reconsidered_intent("out_of_scope", 0.87, ["product"], "電池好用嗎") is None


def test_other_intents_are_left_alone():
    assert reconsidered_intent("request_human", 0.5, ["topic", "market"]) is None
    assert reconsidered_intent("request_human", 0.5, ["market"], "有負責日本的人嗎") is None


def test_a_hand_off_for_a_question_that_wants_no_one_is_the_question():
    """A retrain read "CBAM跟我們有關係嗎" as a request for a person (0.97)."""
    for text in ("CBAM跟我們有關係嗎", "Does CBAM mean we have to pay something?"):
        assert reconsidered_intent("request_human", 0.97, ["certification"], text) \
            == QUESTION_INTENT, text
    # any mention of a person or contact keeps it, as does a message naming no rule's subject
    for text in ("I'd like a call from your Japan team", "請找懂歐盟法規的人跟我聯繫",
                 "可以請臺日窗口的人打給我嗎", "I need a person to help with our US tariff case"):
        assert reconsidered_intent("request_human", 0.9, ["market"], text) is None, text
    assert reconsidered_intent("request_human", 0.9, [], "幫我轉一下") is None
    assert reconsidered_intent("ask_events", 0.5, ["market"]) is None


def test_how_to_join_a_taiwan_side_service_is_a_question_not_the_events_list():
    for text in ("想參加貿協組的海外拓銷團 要怎麼報名", "贸协有没有组团去东南亚拓销的啊 怎么报名",
                 "Does TAITRA help small food companies meet foreign buyers? How do we sign up?"):
        assert reconsidered_intent("ask_events", 0.8, ["topic"], text, ["support"]) \
            == QUESTION_INTENT, text
    assert reconsidered_intent("ask_events", 1.0, ["topic"], "我們明年想去參加國外展覽 政府有沒有參展補主 要怎麼申請",
                               ["channels"]) == QUESTION_INTENT
    # the owner wants the list of events
    assert reconsidered_intent("ask_events", 0.8, ["topic"], "貿協有什麼展可以參加 怎麼報名",
                               ["support"]) is None
    assert reconsidered_intent("ask_events", 0.8, ["market"], "日本的展怎麼報名", []) is None


def test_an_owner_asking_for_a_person_gets_one_whatever_the_message_names():
    for text in ("我們出口馬來西亞的案子有點複雜，可以幫我轉給真人的貿易專員嗎？",
                 "可以轉真人嗎", "我想跟你們的專員談一下印度的案子",
                 "I want talk to a real person about India market, we plan to open office in Chennai",
                 "Honestly this is getting complicated — can I talk to one of your trade officers?",
                 "問題太多了，想直接跟貿易專員約時間討論，請問要怎麼安排？"):
        assert reconsidered_intent(QUESTION_INTENT, 0.7, ["market"], text) == "request_human", text


def test_a_declined_or_unrelated_mention_of_a_person_is_not_a_hand_off():
    for text in ("不用轉真人 我自己看就好", "你們的貿易專員會收費嗎",
                 "no need to talk to anyone, just tell me the tariff for Japan",
                 "你是真人還是機器人"):
        assert reconsidered_intent(QUESTION_INTENT, 0.7, ["market"], text) is None, text
    # a hand-off or consent answer is never turned into another hand-off
    assert reconsidered_intent("decline_consent", 0.7, [], "不要轉真人") is None


def test_data_is_erased_only_when_the_owner_asks_for_it():
    # a payment follow-up the model read as delete_my_data
    assert reconsidered_intent("delete_my_data", 0.6, [], "那有什麼方式保障") == QUESTION_INTENT
    for text in ("刪除我的資料", "请删除我的个人资料", "不要保存我的聯絡方式", "forget my phone number and email",
                 "withdraw my consent and delete my information"):
        assert reconsidered_intent("delete_my_data", 0.6, [], text) is None, text
    assert reconsidered_intent("delete_my_data", 1.0, [], "/delete_my_data") is None


def test_forms_and_small_talk_need_their_own_words():
    """A retrain put these unseen questions into the screening form or "what can you do"."""
    for intent, text in (
            ("screen_eligibility", "Philippines foreign company minimum capital for selling to local market?"),
            ("screen_eligibility", "日本客人問我們有沒有invoice的登録番号，這是什麼？"),
            ("bot_capabilities", "what about the tax"),
            ("bot_capabilities", "We just make bicycle bags, what is this?"),
            ("decline_consent", "How can we protect ourselves if they don't pay?"),
            ("ask_events", "Can you plan a 3-day sightseeing trip in Tokyo for my family?"),
            # ("expo" inside "export" is no event)
            ("ask_events", "which taiwan stocks will go up? we have extra cash from export orders"),
            # (who helps with matching is TAITRA's service, not the events list)
            ("ask_events", "有沒有單位可以幫忙媒合國外buyer啊 我們做螺絲螺帽的"),
            # (shows named in another sentence, or as an example, are not what is asked)
            ("ask_events", "有沒有什麼單位可以幫忙介紹國外買主？我們自己跑展覽成本太高了"),
            ("ask_events", "台湾有没有机构做商务配对（采购洽谈会之类的）？"),
            ("ask_events", "Which Taiwan organization can help us find overseas buyers?")):
        assert reconsidered_intent(intent, 0.97, [], text) == QUESTION_INTENT, text
    for intent, text in (("screen_eligibility", "我們夠格參加日本的洽談會嗎"),
                         ("screen_eligibility", "do we qualify for this trade show"),
                         ("bot_capabilities", "你可以做什麼"),
                         ("bot_capabilities", "what kind of questions can I ask"),
                         ("bot_capabilities", "/bot_capabilities"),
                         ("decline_consent", "我不同意你們收集資料"), ("decline_consent", "no, I don't consent"),
                         ("ask_events", "美國CES有組臺灣館嗎"), ("ask_events", "any online buyer meetings for food companies"),
                         ("ask_events", "which tradeshows in Japan for tea?"), ("ask_events", "any expos in Dubai"),
                         ("ask_events", "有沒有單位辦日本的食品展拓銷團")):
        assert reconsidered_intent(intent, 0.97, [], text) is None, text


def test_a_question_for_the_list_of_events_gets_the_events():
    """The model read these as market questions; they ask which shows to go to."""
    for labels, text in ((["market"], "那有沒有印度的展可以先去看看市場"),
                         (["market", "product"], "any exibition in Dubai for solar inverter? we want go next year")):
        assert reconsidered_intent(QUESTION_INTENT, 0.9, labels, text) == "ask_events", text
    for labels, text in (([], "有沒有參展補助"), (["market", "topic"], "日本食品展的樣品要報關嗎"),
                         (["support"], "有沒有單位可以幫忙媒合國外buyer")):
        assert reconsidered_intent(QUESTION_INTENT, 0.9, labels, text) is None, text


def test_a_product_named_alone_is_a_question_not_a_yes():
    assert reconsidered_intent("affirm", 0.8, ["product"], "電熱水壺") == QUESTION_INTENT
    assert reconsidered_intent("affirm", 0.8, ["product"], "好 電熱水壺") is None
    assert reconsidered_intent("affirm", 0.8, [], "好的") is None


def test_which_lab_to_use_is_a_question_not_a_hand_off():
    assert reconsidered_intent("request_human", 0.9, [], "要找哪种实验室测") == QUESTION_INTENT
    assert reconsidered_intent("request_human", 0.9, [], "可以幫我轉給專員嗎") is None
