"""When the NLU's intent should give way to "this is a market question".

The intent model sometimes puts a real question into a conversational intent: "are there new
battery rules we should know about?" came out as `start_over` (0.46), which wiped the owner's
conversation; "can we sell our vitamin gummies in the Philippines…" came out as `out_of_scope`
(0.68). The gazetteer knows better in such cases: a message that names what the packs are
about is a question. Pure, so both Python environments test it; the Rasa component
(bot/components/intent_guard.py) applies it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from market_entry.english_words import corrected
from market_entry.normalise import normalise

QUESTION_INTENT = "ask_market_question"

# Intents that end or reset something the owner built up: acted on only when the model is sure.
DESTRUCTIVE = frozenset({"start_over", "stop"})
DESTRUCTIVE_SURE = 0.75
# Small talk and refusals: a message naming a rule's subject is a question unless the model is
# very sure ("幫我寫一首關於日本茶的詩" is out of scope at 1.0 although it names a market and tea).
CONVERSATIONAL = frozenset({"out_of_scope", "greet", "goodbye", "thank", "bot_capabilities"})
CONVERSATIONAL_SURE = 0.9

KNOWLEDGE_LABELS = frozenset({"market", "product", "topic", "certification"})

# "想參加貿協組的拓銷團 要怎麼報名", "Does TAITRA help … How do we sign up?": how to use a
# Taiwan-side service (the support topic names 貿協/TAITRA), not a request for the list of
# events, which the owner asks as "有什麼展" / "which shows".
EVENTS_INTENT = "ask_events"
_HOW_TO_JOIN = re.compile(
    r"怎麼報名|如何報名|怎麼申請|如何申請|怎麼參加|如何參加|報名方式|申請方式|怎麼\s*apply|"
    r"\bhow (?:do|can|could|should) (?:we|i) (?:sign up|apply|join|register)\b|"
    r"\bhow to (?:sign up|apply|join|register)\b", re.IGNORECASE)
_TAITRA = re.compile(r"\bTAITRA\b|Taiwan External Trade", re.IGNORECASE)
# (the subsidy, also as owners mistype it: "參展補主 要怎麼申請")
_SUBSIDY = re.compile(r"補助|補貼|補主|\bsubsid", re.IGNORECASE)
# "are there new battery rules we should know about?": a product and a word for a rule
_RULE_WORD = re.compile(r"規定|法規|規範|法令|\b(?:rules?|regulations?|laws?|requirements?)\b",
                        re.IGNORECASE)
_WHICH_EVENTS = re.compile(
    r"什麼展|哪些展|哪個展|什麼活動|哪些活動|有哪些.{0,4}展|展覽清單|"
    r"\b(?:which|what|any|list)\b.{0,20}\b(?:shows?|fairs?|exhibitions?|events?|expos?)\b",
    re.IGNORECASE)


# "有沒有單位可以幫忙媒合國外buyer啊": who can help (TAITRA's matching service), not the list of
# events, unless an event is named.
_ASKS_FOR_AN_ORGANISATION = re.compile(
    r"有沒有(?:什麼)?(?:單位|機構|組織|窗口)|哪(?:個|些)(?:單位|機構|組織|窗口)|什麼(?:單位|機構|組織)|"
    r"誰可以幫|\b(?:which|any|what)(?: \w+)? (?:organi[sz]ations?|agenc(?:y|ies)|institutions?)\b|"
    r"\bwho can help\b", re.IGNORECASE)
_NAMES_AN_EVENT = re.compile(
    r"展|活動|洽談會|說明會|研討會|拓銷團|商機會|\b(?:expos?|fairs?|(?:trade)?shows?|exhibitions?|"
    r"events?|pavilions?|missions?|delegations?|meetings?|seminars?|webinars?)\b", re.IGNORECASE)


# "可以幫我轉給真人的貿易專員嗎", "I want talk to a real person about India market": an owner
# who asks for a person, in so many words, gets one, whatever else the message names (the
# intent model read both as market questions because they name a market). Not when the
# request is declined ("不用轉真人", "no need to talk to anyone").
HANDOFF_INTENT = "request_human"
YIELDS_TO_HANDOFF = frozenset({QUESTION_INTENT, EVENTS_INTENT}) | CONVERSATIONAL
_ASKS_FOR_A_PERSON = re.compile(
    r"(?<!不要)(?<!不用)(?<!不必)(?<!不想)(?<!不需要)"
    r"(?:轉|轉給|轉接|轉到|找|聯絡|聯繫)(?:一位|一個|個|你們的?|貴單位的?)?"
    r"(?:真人|真的人|專人|人工|客服人員|(?:貿易|經貿)?專員)|"
    r"(?:跟|和|與)(?:一位|你們的?)?(?:真人|專人|(?:貿易|經貿)?專員)(?:談|聊|說|討論|確認|聯絡|約)|"
    r"(?<!don't )(?<!not )(?<!no need to )\b(?:talk|speak|chat)\s+(?:to|with)\s+"
    r"(?:a |an |one of your |your |some )?(?:real |human |actual )?"
    r"(?:person|humans?|people|officers?|trade officers?|staff|agents?|someone)\b|"
    r"\b(?:real|human) (?:person|agent)\b", re.IGNORECASE)


# The reverse: a hand-off the model predicted for a message that names a rule's subject and says
# nothing about a person or contact is a question. "CBAM跟我們有關係嗎" and "Does CBAM mean we
# have to pay something?" came out as request_human (0.97) after a retrain that only added
# words to the gazetteer. Broad on purpose: any hint of wanting someone keeps the hand-off
# ("有負責日本的人嗎", "I'd like a call from your Japan team").
_MENTIONS_CONTACT = re.compile(
    r"專人|專員|真人|人工|負責|的人|人員|客服|打給|打電話|電話|聯繫|聯絡|約.{0,3}時間|開會|"
    r"見面|談|聊|諮詢|預約|轉給|轉接|幫忙看|幫我看|找.{0,2}人|派人|顧問|一對一|跟我說|"
    r"\b(?:person|people|someone|somebody|anyone|human|officers?|staff|agents?|team|desk|call|"
    r"contact|talk|speak|chat|meet|meeting|consult|consultant|advisor|expert|reach|help me)\b",
    re.IGNORECASE)


# Intents that need their own words in the message. A retrain moves a few unseen questions into
# them with high confidence ("Philippines foreign company minimum capital for selling to local
# market?" as screen_eligibility; "what about the tax" after a question on beer as
# bot_capabilities at 0.85): without any of these words, the message is a question.
_EVIDENCE = {
    "screen_eligibility": re.compile(
        r"資格|參加|參展|報名|夠格|能去|條件|符合|檢核|"
        r"\b(?:eligib\w*|qualif\w*|join|take part|register|exhibit|attend|participate|"
        r"conditions?)\b", re.IGNORECASE),
    # ("Can you plan a 3-day sightseeing trip in Tokyo for my family?" came out as ask_events)
    "ask_events": re.compile(
        r"展|活動|洽談|拓銷|媒合|博覽|商機|參加|報名|團|會|館|攤位|"
        # (whole words: "extra cash from export orders" is not an expo)
        r"\b(?:expos?|fairs?|(?:trade)?shows?|exhibit\w*|events?|matchmaking|missions?|"
        r"pavilions?|delegations?|meetings?|booths?|CES|MEDICA|FOODEX|Computex)\b",
        re.IGNORECASE),
    # ("How can we protect ourselves if they don't pay?" came out as decline_consent)
    "decline_consent": re.compile(
        r"不同意|不要|不用|不想|不願|拒絕|不了|免了|算了|先不|"
        r"\b(?:no|nope|nah|disagree|decline|refuse|not agree|don't agree|do not agree|"
        r"don't consent|do not consent|don't want|do not want|not now)\b", re.IGNORECASE),
    "bot_capabilities": re.compile(
        r"你|妳|您|機器人|服務|功能|怎麼用|使用|操作|開始|可以問|問什麼|哪些問題|"
        r"\b(?:you|your|bot|chatbot|help|use|work|services?|ask|questions)\b",
        re.IGNORECASE),
}


# Erasing the owner's data cannot be undone: it needs the owner to say so ("刪除我的資料",
# "forget my phone number"). "那有什麼方式保障" after a payment question came out as
# delete_my_data and the owner's referral data was erased.
DELETE_INTENT = "delete_my_data"
_ASKS_TO_ERASE = re.compile(
    r"刪|清掉|清除|移除|撤回|不要.{0,4}(?:保存|保留|留著|存)|"
    r"\b(?:delete|erase|remove|forget|withdraw|wipe)\b", re.IGNORECASE)


_SENTENCE_END = re.compile(r"[。？?！!\n]")
_ASIDE = re.compile(r"[（(][^）)]*[）)]")


# "那有沒有印度的展可以先去看看市場", "any exhibition in Dubai for solar inverter?": the list of
# events, although the model read a market question (not "有沒有參展補助", a subsidy question).
_ASKS_FOR_EVENTS = re.compile(
    _WHICH_EVENTS.pattern + r"|有沒有[^。？?，,]{0,10}(?:展|拓銷團|洽談會|媒合會)", re.IGNORECASE)
# An answer to "yes or no?" says so; a product named alone answers "which product?".
_SAYS_YES_OR_NO = re.compile(r"好|是|對|可以|沒問題|同意|要|不|沒|\b(?:ok|okay|yes|yeah|yep|sure|"
                             r"no|nope|not|fine|agree)\b", re.IGNORECASE)
YES_NO_INTENTS = frozenset({"affirm", "deny"})


def _asks_for_an_organisation(said: str) -> bool:
    """Who could help, with no event named in that sentence: "有沒有什麼單位可以幫忙介紹國外
    買主？我們自己跑展覽成本太高了" asks for TAITRA, and so does "有没有机构做商务配对（采购洽谈会
    之类的）" (an aside is an example, not the request)."""
    for sentence in _SENTENCE_END.split(said):
        if _ASKS_FOR_AN_ORGANISATION.search(sentence):
            # (one that can help, whatever it arranges: "any organisation in Taiwan that can
            # help … find overseas buyers or arrange meetings with them")
            return bool(_CAN_HELP.search(sentence)) or \
                not _NAMES_AN_EVENT.search(_ASIDE.sub(" ", sentence))
    return False


_CAN_HELP = re.compile(r"幫忙|幫助|協助|\bhelp\b", re.IGNORECASE)
# "要找哪种实验室测": which lab or body to use is a question, not a request for a person.
_ASKS_WHICH_PROVIDER = re.compile(
    r"哪(?:種|個|家|間|些)[^。？?]{0,4}(?:實驗室|檢測|測試|認證機構|驗證機構)|"
    r"\bwhich (?:labs?|laborator(?:y|ies)|test(?:ing)? labs?|certification bod(?:y|ies))\b",
    re.IGNORECASE)


def asks_for_a_person(text: str) -> bool:
    return bool(_ASKS_FOR_A_PERSON.search(normalise(text)))


def reconsidered_intent(intent: str, confidence: float, entity_labels: Iterable[str],
                        text: str = "", topics: Iterable[str] = ()) -> str | None:
    """The intent to use instead of `intent`, or None to keep it. `topics`: the values of the
    message's topic entities."""
    if text.strip().startswith("/"):
        return None   # a button's payload says exactly what it means
    if intent in YIELDS_TO_HANDOFF and text and asks_for_a_person(text):
        return HANDOFF_INTENT
    if intent == DELETE_INTENT and text and not _ASKS_TO_ERASE.search(normalise(text)):
        return QUESTION_INTENT
    if intent in _EVIDENCE and text and not _EVIDENCE[intent].search(normalise(text)):
        return QUESTION_INTENT
    if intent == EVENTS_INTENT and text and _asks_for_an_organisation(normalise(text)):
        return QUESTION_INTENT
    labels = set(entity_labels) & KNOWLEDGE_LABELS
    if intent == HANDOFF_INTENT and text and _ASKS_WHICH_PROVIDER.search(normalise(text)):
        return QUESTION_INTENT
    if intent == QUESTION_INTENT and text and not labels & {"topic", "certification"}:
        said = corrected(normalise(text))
        if _ASKS_FOR_EVENTS.search(said) and not _SUBSIDY.search(said) and \
                not _HOW_TO_JOIN.search(said) and not _asks_for_an_organisation(said):
            return EVENTS_INTENT
    if not labels:
        return None
    if intent in YES_NO_INTENTS and text and not _SAYS_YES_OR_NO.search(normalise(text)):
        # "想賣日本" … "需要什麼認證" … "電熱水壺": the product asked about, not a yes
        return QUESTION_INTENT
    if intent == HANDOFF_INTENT and text and not _MENTIONS_CONTACT.search(normalise(text)):
        return QUESTION_INTENT
    if intent == EVENTS_INTENT and text:
        said = normalise(text)
        if ("support" in set(topics) or _TAITRA.search(said) or _SUBSIDY.search(said)) and \
                _HOW_TO_JOIN.search(said) and not _WHICH_EVENTS.search(said):
            return QUESTION_INTENT

    if intent in DESTRUCTIVE and confidence < DESTRUCTIVE_SURE:
        return QUESTION_INTENT
    asks_about_a_rule = bool(labels & {"topic", "certification"}) or \
        {"market", "product"} <= labels or \
        ("product" in labels and bool(_RULE_WORD.search(normalise(text))))
    if intent in CONVERSATIONAL and confidence < CONVERSATIONAL_SURE and asks_about_a_rule:
        return QUESTION_INTENT
    return None
