"""The market-question dialogue, without Rasa: what an owner sees turn by turn."""

from datetime import date

import pytest

from market_entry.answering import (
    ANSWERED,
    ASK_MARKET,
    CHOICES,
    MARKET_SELECTED,
    NOT_COVERED_REPLY,
    OUT_OF_SCOPE,
    UNAVAILABLE,
    UNCLEAR,
    UNCOVERED_MARKET,
    Answerer,
    Context,
)
from market_entry.knowledge import KnowledgeStore
from tests.conftest import REAL_KNOWLEDGE


@pytest.fixture(scope="module")
def real():
    """The real packs, indexed once for the tests that ask about them (read-only)."""
    return Answerer(KnowledgeStore(REAL_KNOWLEDGE))


@pytest.fixture
def answerer(small_knowledge):
    return Answerer(KnowledgeStore(small_knowledge, today=lambda: date(2026, 11, 27)))


def test_answer_carries_source_date_and_follow_ups(answerer):
    reply = answerer.respond("我們是做小家電的，想賣到日本需要什麼認證？", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "jp-certification-pse"
    assert "PSE" in reply.text
    assert "資料來源：METI PSE https://www.meti.go.jp/policy/consumer_safety/" in reply.text
    assert "最後查核日期：2026-11-01" in reply.text
    payloads = [b.payload for b in reply.buttons]
    assert '/ask_market_question{"market":"jp","topic":"labelling"}' in payloads
    assert "/ask_events" in payloads and "/request_human" in payloads
    assert all(len(b.title) <= 20 for b in reply.buttons)
    assert reply.slots["market"] == "jp" and reply.slots["topic"] == "certification"


def test_english_answer(answerer):
    reply = answerer.respond("What certification do appliances need for Japan?", "en", Context())
    assert reply.entry.id == "jp-certification-pse"
    assert "Source: METI PSE" in reply.text and "Last checked: 2026-11-01" in reply.text


def test_english_falls_back_to_chinese_text_with_a_note(answerer):
    reply = answerer.respond("Do Bluetooth devices need approval in Japan?", "en", Context())
    assert reply.entry.id == "jp-certification-giteki"
    assert "only available in Traditional Chinese" in reply.text


def test_missing_market_is_asked_then_the_question_is_answered(answerer):
    first = answerer.respond("小家電出口需要什麼認證？", "zh-TW", Context())
    assert first.kind == ASK_MARKET
    assert {b.payload for b in first.buttons} >= {'/inform_market{"market":"jp"}'}
    pending = first.slots["pending_question"]
    second = answerer.respond("日本", "zh-TW", Context(pending_question=pending))
    assert second.kind == ANSWERED and second.entry.id == "jp-certification-pse"
    assert second.slots["pending_question"] is None


def test_market_button_payload_answers_the_pending_question(answerer):
    reply = answerer.respond('/inform_market{"market":"jp"}', "zh-TW",
                             Context(pending_question="小家電需要什麼認證"), {"market": "jp"})
    assert reply.entry.id == "jp-certification-pse"


def test_follow_up_uses_the_conversation_context(answerer):
    reply = answerer.respond("那標籤呢？", "zh-TW",
                             Context(market="jp", topic="certification", product="appliances"))
    assert reply.kind == ANSWERED and reply.entry.id == "jp-labelling-household"


def test_follow_up_without_product_lets_the_owner_choose(answerer):
    reply = answerer.respond("那標籤呢？", "zh-TW", Context(market="jp"))
    assert reply.kind == CHOICES
    assert {b.payload for b in reply.buttons} >= {
        '/ask_market_question{"entry_id":"jp-labelling-food"}',
        '/ask_market_question{"entry_id":"jp-labelling-household"}',
    }


def test_choice_button_answers_that_entry(answerer):
    reply = answerer.respond('/ask_market_question{"entry_id":"jp-labelling-food"}', "zh-TW",
                             Context(market="jp"), {"entry_id": "jp-labelling-food"})
    assert reply.entry.id == "jp-labelling-food"


def test_same_question_for_another_market(answerer):
    reply = answerer.respond("那美國呢？", "zh-TW",
                             Context(market="jp", last_question="小家電需要什麼認證"))
    assert reply.kind == NOT_COVERED_REPLY  # the small US pack has only tariffs


def test_uncovered_market_is_admitted_honestly(answerer):
    reply = answerer.respond("賣到巴西需要什麼認證？", "zh-TW", Context())
    assert reply.kind == UNCOVERED_MARKET
    assert "巴西" in reply.text and "日本" in reply.text
    assert reply.buttons[0].payload == "/request_human"


def test_uncovered_topic_says_so_and_offers_an_officer(answerer):
    reply = answerer.respond("日本的太空旅遊執照怎麼申請？", "zh-TW", Context())
    assert reply.kind == NOT_COVERED_REPLY
    assert "臺日窗口" in reply.text and "還沒有涵蓋" in reply.text
    assert reply.buttons[0].payload == "/request_human"


def test_a_group_with_one_pack_here_is_that_pack(answerer):
    # the small folder keeps only Vietnam of the emerging markets
    reply = answerer.respond("新興市場的食品規定", "zh-TW", Context())
    assert reply.kind == NOT_COVERED_REPLY and reply.market == "vn"


def test_market_alone_offers_topics(answerer):
    reply = answerer.respond("日本", "zh-TW", Context())
    assert reply.kind == MARKET_SELECTED
    assert any("topic" in b.payload for b in reply.buttons)


def test_topic_button(answerer):
    reply = answerer.respond('/ask_market_question{"market":"us","topic":"tariffs"}', "zh-TW",
                             Context(), {"market": "us", "topic": "tariffs"})
    assert reply.entry.id == "us-tariffs-overview"
    assert "變動頻繁" in reply.text  # volatile entries always warn


def test_simplified_chinese_is_understood(answerer):
    reply = answerer.respond("我们是做小家电的，想卖到日本需要什么认证？", "zh-TW", Context())
    assert reply.entry.id == "jp-certification-pse"


def test_certification_implies_its_only_market(answerer):
    reply = answerer.respond("PSE 要怎麼申請？", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "jp-certification-pse"


def test_no_valid_knowledge_is_said_plainly(tmp_path):
    (tmp_path / "k").mkdir()
    reply = Answerer(KnowledgeStore(tmp_path / "k")).respond("日本認證", "zh-TW", Context())
    assert reply.kind == UNAVAILABLE and "暫時無法使用" in reply.text


def test_unrelated_question_is_not_met_with_which_market(answerer):
    reply = answerer.respond("how do I cook fried rice", "en", Context())
    assert reply.kind == UNCLEAR and "rephrase" in reply.text


def test_generic_export_question_still_asks_for_the_market(answerer):
    assert answerer.respond("出口要注意哪些規定？", "zh-TW", Context()).kind == ASK_MARKET


TAIWAN_PACK = {
    "markets/tw/market.yml": "code: tw\nnames: {zh-TW: 臺灣支援資源, en: Taiwan-side support}\n"
                             "serves_all_markets: true\n",
    "markets/tw/support.yml": """\
entries:
  - id: tw-support-trade-show-subsidy
    topic: support
    title: {zh-TW: 參展補助, en: Trade-show subsidy}
    questions: {zh-TW: [出國參展有補助嗎？]}
    answer: {zh-TW: 國際貿易署提供參展補助。}
    sources: [{title: ITA, url: "https://www.trade.gov.tw/"}]
    checked: 2026-11-01
    review_by: 2027-05-01
""",
}


@pytest.fixture
def with_taiwan_pack(tmp_path):
    from tests.conftest import write_knowledge

    root = write_knowledge(tmp_path / "k", TAIWAN_PACK)
    return Answerer(KnowledgeStore(root, today=lambda: date(2026, 11, 27)))


def test_taiwan_side_entries_answer_for_every_market(with_taiwan_pack):
    for market in ("日本", "美國", "越南"):
        reply = with_taiwan_pack.respond(f"去{market}參展有補助嗎？", "zh-TW", Context())
        assert reply.kind == ANSWERED and reply.entry.id == "tw-support-trade-show-subsidy"
        assert reply.text.startswith("【臺灣支援資源｜支援資源】")


def test_taiwan_pack_is_not_a_destination(with_taiwan_pack):
    reply = with_taiwan_pack.respond("出口需要什麼認證？", "zh-TW", Context())
    assert reply.kind == ASK_MARKET
    assert all('"tw"' not in b.payload for b in reply.buttons)


def test_a_pack_serving_all_markets_may_not_have_aliases(tmp_path):
    from market_entry.knowledge import KnowledgeError, load_knowledge
    from tests.conftest import write_knowledge

    root = write_knowledge(tmp_path / "k", {
        "markets/tw/market.yml": TAIWAN_PACK["markets/tw/market.yml"] + "aliases: {zh-TW: [臺灣]}\n"})
    with pytest.raises(KnowledgeError, match="not a destination"):
        load_knowledge(root)


def test_a_region_with_one_pack_is_answered_from_it(real):
    reply = real.respond("中東電商要上哪個平台比較好？", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.market == "ae"
    reply = real.respond("新興市場的食品規定", "zh-TW", Context())
    assert reply.kind == ASK_MARKET and len(reply.buttons) == 8


def test_a_topic_follow_up_never_answers_with_another_products_rules():
    # The EU has no labelling entry for bicycles: the bicycles entry (GPSR, which says what
    # goes on the product) answers, never the food label
    real = Answerer(KnowledgeStore(REAL_KNOWLEDGE))
    reply = real.respond("what about labels", "en", Context(market="eu", product="bicycles",
                                                              last_question="We make bicycles"))
    assert reply.kind == ANSWERED and "bicycles" in reply.entry.products


def test_a_feature_the_owner_rules_out_does_not_pick_that_products_rule(real):
    reply = real.respond("腳踏車要出口到德國 需要打ce麻 一般的不是電動的", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "eu-certification-bicycles-gpsr"
    assert "GPSR" in reply.text
    reply = real.respond("電動腳踏車賣德國要CE嗎", "zh-TW", Context())
    assert reply.entry.id == "eu-certification-ebike-epac"


def test_a_product_named_in_the_owners_words_finds_its_certification(real):
    reply = real.respond("Our power adapters and extension sockets are going to a Malaysian "
                         "distributor. What certification is required?", "en", Context())
    assert reply.kind == ANSWERED and reply.entry.topic == "certification"
    assert "SIRIM" in reply.text


def test_the_asked_topic_beats_product_words(real):
    reply = real.respond("How do I look up the US import duty for bicycle derailleurs?", "en",
                         Context())
    assert reply.kind == ANSWERED and reply.entry.topic == "tariffs"


def test_a_market_switch_with_a_filler_word_rereads_the_earlier_question(real):
    first = real.respond("we sell skin care creams, already doing NPRA notification for malaysia",
                         "en", Context())
    assert first.kind == ANSWERED and first.market == "my"
    second = real.respond("ok and thailand?", "en", Context(
        market="my", product="cosmetics", topic=first.topic,
        last_question=first.slots["last_question"]))
    assert second.kind == ANSWERED and second.market == "th"
    assert "cosmetics" in second.entry.products


def test_two_questions_in_one_message_get_both_entries(real):
    reply = real.respond("We're exporting electric fans to Mexico. Is a NOM certificate "
                         "mandatory, and what about the label?", "en", Context())
    assert reply.kind == ANSWERED and reply.entry.topic == "certification"
    assert "[Mexico | Labelling]" in reply.text      # the second question's entry follows
    reply = real.respond("日本的PSE要多久？費用多少？", "zh-TW", Context())
    assert reply.text.count("【日本｜") == 1           # no topic of its own: nothing added


def test_two_subjects_joined_in_one_clause_get_both_entries(real):
    """"公司稅跟SST大概多少" after "我們要在吉隆坡設子公司": the SST and the company tax rate."""
    first = real.respond("我們要在吉隆坡設子公司", "zh-TW", Context())
    reply = real.respond("那稅呢 公司稅跟SST大概多少", "zh-TW", Context(
        market="my", topic=first.topic, last_question=first.slots["last_question"]))
    assert reply.kind == ANSWERED and "SST" in reply.text and "24%" in reply.text


def test_a_short_question_carries_the_product_named_earlier(real):
    first = real.respond("我們做小型除濕機跟空清機", "zh-TW", Context())
    assert first.kind == ASK_MARKET
    reply = real.respond("杜拜那邊要什麼認證", "zh-TW", Context(
        product="appliances", pending_question=first.slots["pending_question"]))
    assert reply.kind == ANSWERED and "appliances" in reply.entry.products
    # privacy law does not depend on the product: the pet shop gets the privacy entry
    reply = real.respond("隱私權要注意什麼法", "zh-TW", Context(
        market="us", product="pet_products", last_question="我們做寵物用品電商，自己架站賣美國消費者"))
    assert reply.kind == ANSWERED and reply.entry.topic == "data_protection"


def test_a_named_taiwan_programme_needs_no_market_in_a_long_question(real):
    reply = real.respond("We are 12 people making hand tools, capital NT$20 million. Can we use "
                         "export credit insurance and also the trade show subsidy?", "en", Context())
    assert reply.kind == ANSWERED and reply.entry.market == "tw"


def test_support_and_payment_questions_without_a_product_need_no_market(real):
    reply = real.respond("我們想開發東南亞、中東那些新興市場，政府那邊有沒有專門負責的窗口可以問？", "zh-TW",
                         Context())
    assert reply.kind == ANSWERED and reply.entry.market == "tw"
    reply = real.respond("付款條件怎麼談比較安全", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.market == "tw"
    assert real.respond("出口需要什麼認證", "zh-TW", Context()).kind == ASK_MARKET


def test_owners_asking_our_government_for_help_need_no_market(real):
    reply = real.respond("hi, we are small food compnay in tainan (dried fruits), want to start "
                         "export. which goverment office shoud we contact first?", "en", Context())
    assert reply.kind == ANSWERED and reply.entry.market == "tw"


def test_a_food_certification_question_gets_the_food_import_rules_not_another_products(real):
    """Packs file food and cosmetics approvals under import rules: "what certification" must
    not be answered by the certification entry on tyres or sunglasses."""
    for text, lang, market in (("我們的醬油想賣泰國 要什麼認證", "zh-TW", "th"),
                               ("茶葉出口歐盟要什麼認證嗎", "zh-TW", "eu"),
                               ("snacks to Japan, what certification needed?", "en", "jp")):
        reply = real.respond(text, lang, Context())
        assert reply.kind == ANSWERED and reply.entry.market == market, text
        assert reply.entry.topic == "regulated_import", (text, reply.entry.id)


def test_an_owner_setting_up_a_company_who_asks_its_taxes_gets_the_company_tax(real):
    first = real.respond("我們做螺絲和五金，一直是直接從台灣出口到馬來西亞。", "zh-TW", Context())
    reply = real.respond("如果在那邊開公司，要交什麼稅？", "zh-TW", Context(
        market="my", last_question="我們做螺絲和五金，一直是直接從台灣出口到馬來西亞。"))
    assert first.kind == ANSWERED and reply.kind == ANSWERED
    assert "24%" in reply.text
    # a tax named alone is that tax
    reply = real.respond("在日本設公司 消費稅怎麼算", "zh-TW", Context())
    assert reply.kind == ANSWERED and "23.2%" not in reply.text


def test_a_question_naming_nothing_that_points_back_is_read_with_the_one_before(real):
    earlier = "recently they keep ask us for emission data of our production and steel wire"
    assert real.respond(earlier, "en", Context(market="eu")).entry.id == "eu-carbon-esg-cbam"
    reply = real.respond("why? is this new rule? what we need to do", "en", Context(
        market="eu", product="fasteners_steel", topic="carbon_esg", last_question=earlier))
    assert reply.kind == ANSWERED and reply.entry.id == "eu-carbon-esg-cbam"


def test_an_entry_of_the_earlier_market_answers_for_the_market_it_also_serves(real):
    """Mexico's USMCA entry answers a question about entering the US from a plant in Mexico,
    never a US question in a conversation that is not about Mexico."""
    earlier = "We're thinking of building a plant in Mexico to supply US carmakers."
    asked = "Would parts made there enter the US duty-free?"
    reply = real.respond(asked, "en", Context(market="us", last_question=earlier))
    assert reply.kind == ANSWERED and reply.entry.id == "mx-tariffs-usmca-assembly-for-us"
    reply = real.respond(asked, "en", Context(market="us", last_question="We make car parts."))
    assert reply.entry is None or reply.entry.market != "mx"


def test_a_question_that_finds_nothing_alone_is_read_with_the_one_before(real):
    context = Context(market="ph", topic="ip", last_question="我們剛在菲律賓申請商標")
    reply = real.respond("聽說之後還要交什麼使用證明，期限多久？不交會怎樣？", "zh-TW", context)
    assert reply.kind == ANSWERED and reply.entry.id == "ph-ip-trademark-ipophl"
    assert "DAU" in reply.text and "3年" in reply.text
    # a new subject is not answered with the earlier question's entry
    context = Context(market="jp", topic="certification", last_question="日本電器要PSE嗎")
    reply = real.respond("婚姻簽證要怎麼辦", "zh-TW", context)
    assert reply.entry is None or reply.entry.id != "jp-certification-pse"


def test_a_rule_of_one_member_state_answers_only_when_that_state_is_named(real):
    triman = "eu-labelling-france-triman-info-tri"
    reply = real.respond("what about labels", "en", Context(
        market="eu", product="bicycles", last_question="We make bicycles for Germany"))
    assert reply.entry is not None and reply.entry.id != triman
    reply = real.respond("法國的包裝上要印Triman嗎", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == triman
    reply = real.respond("德國的包裝上要印Triman嗎", "zh-TW", Context())
    assert reply.entry is None or reply.entry.id != triman


def test_a_rule_a_partner_reports_is_the_question_not_the_partner(real):
    context = Context(market="vn", product="cosmetics", last_question="我們做保養品 想賣越南")
    reply = real.respond("河內代理商說要先備案才能進口 真的嗎", "zh-TW", context)
    assert reply.kind == ANSWERED and reply.entry.id == "vn-regulated-import-cosmetics"
    # dealing with the partner itself stays a channels question
    reply = real.respond("越南代理商說要簽獨家代理 合約要注意什麼", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.topic == "channels"


def test_a_bare_tax_follow_up_about_selling_goods_gets_the_duty_and_the_import_tax(real):
    # selling phone cases on Shopee Philippines: the taxes are duty and the 12% import VAT
    context = Context(market="ph", topic="channels", last_question="我們的手機殼想在菲律賓的Shopee賣")
    reply = real.respond("稅的部分呢", "zh-TW", context)
    assert reply.kind == ANSWERED and reply.entry.topic != "company_tax"
    assert "12%" in reply.text and "加值稅" in reply.text
    # setting up a subsidiary: the company's taxes, no import tax appended
    context = Context(market="my", topic="company_tax", last_question="我們要在吉隆坡設子公司")
    reply = real.respond("那稅呢", "zh-TW", context)
    assert reply.kind == ANSWERED and reply.entry.topic == "company_tax"
    assert reply.text.count("【") == 1


def test_payment_terms_find_the_insurance_for_those_terms(real):
    reply = real.respond("客人要O/A 90天 怕收不到錢 有什麼保險可以保嗎", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "tw-payment-eximbank-open-account"
    reply = real.respond("buyer from overseas want open account 60 days, how can i insure the "
                         "payment risk from taiwan side", "en", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "tw-payment-eximbank-open-account"
    # a market named: that market's own payment advice, which compares the terms
    reply = real.respond("新客戶是越南的，第一次下單就要求O/A 90天 這樣風險大嗎", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "vn-payment-credit-risk"


def test_procedures_at_home_answer_only_questions_that_name_them(real):
    # selling skincare in Ho Chi Minh City: Vietnam's rule, not TFDA's export certificate
    reply = real.respond("我們要在那邊賣保養品", "zh-TW", Context(market="vn"))
    assert reply.kind == ANSWERED and reply.entry.market == "vn"
    reply = real.respond("日本客戶要我們提供產地證明 去哪裡辦", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "tw-tariffs-certificate-of-origin"
    reply = real.respond("保養品要賣到越南 註冊要附自由販售證明 台灣這邊去哪申請", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.market == "tw"
    # a home procedure named with a market still answers ("出口到美國的貨也要繳推貿費嗎")
    reply = real.respond("出口到美國的貨也要繳推貿費嗎 還是只有import要", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "tw-customs-trade-promotion-service-fee"


def test_a_rule_the_owner_already_has_is_not_the_answer(real):
    reply = real.respond("我們的藍牙耳機想上日本亞馬遜，除了PSE之外還需要什麼認證？", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "jp-certification-giteki"


def test_without_a_market_a_destination_rule_is_not_answered_by_a_procedure_at_home(real):
    assert real.respond("我們做寵物凍乾零食，出口需要什麼認證？", "zh-TW", Context()).kind == ASK_MARKET
    # unless the owner asks about the Taiwan side
    reply = real.respond("我們做CNC控制器 出口前在台灣這邊要申請什麼輸出許可嗎", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "tw-customs-strategic-high-tech-export-control"


def test_a_product_alone_does_not_make_small_talk_a_trade_question(real):
    for text in ("明天台中会下雨吗？我要决定要不要晒茶叶", "幫我寫一首關於南投高山茶的七言絕句，要押韻"):
        assert real.respond(text, "zh-TW", Context()).kind in (UNCLEAR, OUT_OF_SCOPE), text
    assert real.respond("我們做茶葉的", "zh-TW", Context()).kind == ASK_MARKET


def test_where_the_owner_sells_is_the_setting_not_the_topic_asked(real):
    reply = real.respond("We make bicycle saddles and sell on Amazon.de. Amazon keeps asking us to "
                         "name a 'responsible person' in the EU. What rule is this?", "en", Context())
    assert reply.kind == ANSWERED and reply.entry.topic == "certification"
    assert "GPSR" in reply.text
    # a document issued at home, asked for by a buyer abroad
    reply = real.respond("Our buyer in Poland wants a certificate of origin for the bicycle parts we "
                         "make in Taichung. Where do we get one issued in Taiwan?", "en", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "tw-tariffs-certificate-of-origin"


def test_a_named_payment_term_beats_an_entry_about_another_term(real):
    # the O/A insurance shares the worries' wording; D/A was named
    reply = real.respond("對方要D/A 120天 這樣風險很大吧 有什麼辦法保障", "zh-TW", Context())
    assert reply.kind == ANSWERED and "documentary_collection" in reply.entry.certifications
    assert reply.entry.id != "tw-payment-eximbank-open-account"


def test_owners_words_for_pet_food_and_face_wash(real):
    context = Context(market="jp", product="food", last_question="我們做人吃的豬肉乾 想賣日本")
    reply = real.respond("那如果是賣狗狗吃的肉乾零食呢", "zh-TW", context)
    assert reply.kind == ANSWERED and "pet_products" in reply.entry.products
    reply = real.respond("我们的洗面奶要卖印尼，需要做什么备案？", "zh-CN", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "id-regulated-import-bpom-cosmetics"


def test_comparing_payment_terms_is_answered_from_the_taiwan_side(real):
    reply = real.respond("客戶說要用D/P 我們比較想要L/C 差在哪 哪個比較安全", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "tw-payment-terms-compared"


def test_where_the_owner_sells_does_not_lift_that_topics_entries(real):
    reply = real.respond("We sell our own brand of cycling gloves in Germany and France through "
                         "Amazon. Do we have to register our trademark separately in each EU "
                         "country?", "en", Context())
    assert reply.kind == ANSWERED and reply.entry.topic == "ip"


def test_a_follow_up_naming_the_market_reads_the_question_waiting_for_it(real):
    """"我們做寵物零食" (which market?) … "那日本呢 要什麼手續": Japan's pet-food import rules,
    not the company set-up procedures that "手續" alone would find."""
    first = real.respond("我們做寵物零食", "zh-TW", Context())
    reply = real.respond("那日本呢 要什麼手續", "zh-TW", Context(
        product="pet_products", pending_question=first.slots["pending_question"]))
    assert reply.kind == ANSWERED and reply.entry.id == "jp-regulated-import-pet-food"



def test_a_request_that_is_not_ours_is_declined_whatever_it_names(real):
    """A poem for the package after a Japan food question, the owner's own income tax, a
    translation: declined, never answered with the conversation's food labelling."""
    japan = Context(market="jp", topic="regulated_import", last_question="日本進口食品要符合什麼規定")
    for text, context in (("那可以順便幫我寫一首關於鳳梨酥的短詩嗎？放在包裝上當文案", japan),
                          ("老闆個人海外所得超過100萬 要申報最低稅負嗎", Context()),
                          ("帮我把这段翻成日文：本产品采用台湾高山茶", Context()),
                          ("好。那你可以幫我把我們的產品說明書翻成德文嗎？", Context(market="eu")),
                          ("Can you translate this manual to German for our EU customers?",
                           Context(market="eu"))):
        reply = real.respond(text, "en" if text.isascii() else "zh-TW", context)
        assert reply.kind == OUT_OF_SCOPE and reply.entry is None, text
        assert "market" not in reply.slots   # the conversation's market stays for what comes next
    # the same words inside a market-entry question are the owner's
    for text in ("標籤要翻譯成日文嗎", "是否要把成分表翻譯成日文", "印尼小包裹有免稅額嗎", "歐盟的電池護照什麼時候開始要？",
                 "攤位費跟機票好貴喔 政府有補助嗎", "日本天氣冷 電暖器要什麼認證"):
        assert real.respond(text, "zh-TW", Context()).kind != OUT_OF_SCOPE, text


def test_the_place_asked_about_is_not_the_covered_one_that_frames_it(real):
    """A covered market named as background (sold to before, compared with) does not make a
    question about a place without a pack answerable from that market's pack."""
    for text in ("瑞士不是歐盟吧？我們已經有CE的產品可以直接賣到瑞士嗎？",
                 "我們之前主要賣美國，現在有加拿大多倫多的超市想進貨，需要什麼進口許可？",
                 "our factory in vietnam, want to export to UK, what certification"):
        reply = real.respond(text, "en" if text.isascii() else "zh-TW", Context())
        assert reply.kind == UNCOVERED_MARKET and reply.entry is None, text
    # two covered markets: the one the owner moves on to
    reply = real.respond("我們已經在賣美國了，想再拓展日本，電器要什麼認證", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.market == "jp"


def test_a_place_without_a_pack_is_remembered_for_the_next_question(real):
    first = real.respond("我們是做機能布料的 想拓展韓國市場", "zh-TW", Context())
    assert first.kind == UNCOVERED_MARKET
    context = Context(**{k: v for k, v in first.slots.items() if k in ("market", "last_question")})
    for text in ("那邊要什麼認證", "他們也是用CE嗎"):
        reply = real.respond(text, "zh-TW", context)
        assert reply.kind == UNCOVERED_MARKET and "韓國" in reply.text, text
    # a covered market named next is answered, the earlier question re-read for it
    assert real.respond("那日本呢", "zh-TW", Context(
        last_question="韓國電器要什麼認證")).entry.market == "jp"
    # and Taiwan's own programmes need no market
    assert real.respond("參展有補助嗎", "zh-TW", context).kind == ANSWERED


def test_where_to_register_a_regulated_product_is_asked_of_the_import_rules(real):
    """The distributor or marketplace around the question is its setting: where cosmetics are
    notified or registered is the import rules' answer."""
    reply = real.respond("義大利有經銷商有興趣，但他說要先在歐盟系統通報才能賣，是要通報到哪裡？", "zh-TW",
                         Context(market="eu", product="cosmetics",
                                 last_question="我們有一系列天然成分的保養品，想賣到歐洲。"))
    assert reply.kind == ANSWERED and "CPNP" in reply.text
    reply = real.respond("想上美國Amazon賣。聽說美國化妝品最近有新法規要登錄，是什麼？", "zh-TW", Context())
    assert reply.kind == ANSWERED and "MoCRA" in reply.text


def test_the_place_asked_about_among_several(real):
    """The market the owner moves on to, the one goods go to from a factory elsewhere, and a
    country's name said as its language."""
    for text, market in (("我們主要賣中國大陸，現在想做越南，標籤要注意什麼", "vn"),
                         ("We mainly sell to China, now want Vietnam, what labelling rule?", "vn"),
                         ("我們越南廠做的電源供應器要賣印度 聽說要認證 是哪個", "in"),
                         ("我們越南工廠做鞋子 大部分出口美國 越南營所稅是幾趴", "vn"),
                         ("韓國賣得不錯，想開始做日本，電熱水壺要什麼認證", "jp")):
        reply = real.respond(text, "en" if text.isascii() else "zh-TW", Context())
        assert reply.kind == ANSWERED and reply.entry.market == market, text
    assert real.respond("日本賣得不錯，想開始做韓國，要什麼認證", "zh-TW", Context()).kind == UNCOVERED_MARKET
    assert real.respond("巴西呢 葡萄牙文標籤有規定嗎", "zh-TW", Context(
        last_question="墨西哥的NOM標籤要怎麼弄")).kind == UNCOVERED_MARKET
    # (the model's entity for 西班牙 is a language too)
    reply = real.respond("成分標籤一定要用西班牙文嗎？", "zh-TW", Context(market="mx"), {"market": "eu"})
    assert reply.kind == ANSWERED and reply.entry.market == "mx"


def test_product_registration_and_export_paperwork_are_read_as_such(real):
    reply = real.respond("鳳梨酥出口到杜拜要做什麼產品註冊？是哪個單位管的？", "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.topic == "regulated_import"
    reply = real.respond("公司要先做什麼出口登記嗎？", "zh-TW", Context(
        market="id", last_question="我們是第一次出口，要賣到印尼"))
    assert reply.kind == ANSWERED and reply.entry.id == "tw-customs-importer-exporter-registration"
    reply = real.respond("我們做CNC控制器，聽說有些高科技的東西出口需要特別的許可證，要怎麼知道？",
                         "zh-TW", Context())
    assert reply.kind == ANSWERED and reply.entry.id == "tw-customs-strategic-high-tech-export-control"


def test_taiwan_side_answers_for_a_place_without_a_pack_only_what_is_done_at_home(real):
    """Whether Türkiye wants a certificate of origin is Türkiye's rule (not covered); where
    to get one, or insuring a Saudi buyer, is answered from Taiwan's side."""
    assert real.respond("出口到土耳其的纺织品要缴多少关税？需要原产地证明吗？", "zh-TW",
                        Context()).kind == UNCOVERED_MARKET
    for text in ("出口到沙烏地，產地證明要去哪裡辦？", "土耳其客戶要產地證明 台灣這邊怎麼申請"):
        reply = real.respond(text, "zh-TW", Context())
        assert reply.kind == ANSWERED and reply.entry.market == "tw", text
