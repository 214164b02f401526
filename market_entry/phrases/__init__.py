"""What the assistant says from the action server, in Traditional Chinese first and English.

Kept apart from the logic so wording can be reviewed (and later moved to YAML for staff) without
touching code. Placeholders use str.format names.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "answer_header": {"zh-TW": "【{market}｜{topic}】{title}", "en": "[{market} | {topic}] {title}"},
    "source_line": {"zh-TW": "資料來源：{title} {url}", "en": "Source: {title} {url}"},
    "checked_line": {"zh-TW": "最後查核日期：{checked}", "en": "Last checked: {checked}"},
    "volatile_note": {
        "zh-TW": "⚠️ 此項規定變動頻繁，以上為 {checked} 查核官方來源時的內容；實際適用請以官方公告為準，或請經貿專員協助確認。",
        "en": "⚠️ This rule changes often. The above reflects the official source as checked on {checked}; confirm the current status with the source or a trade officer.",
    },
    "english_missing": {
        "zh-TW": "",
        "en": "(This entry is only available in Traditional Chinese for now.)",
    },
    "ask_market": {
        "zh-TW": "請問您想了解哪個市場呢？",
        "en": "Which market would you like to know about?",
    },
    "ask_group_member": {
        "zh-TW": "{group}包含以下市場，請問您想了解哪一個？",
        "en": "Which of the {group} do you mean?",
    },
    "choose_entry": {
        "zh-TW": "我找到幾個相關的主題，請選擇最接近您問題的一項：",
        "en": "I found a few related topics. Please pick the one closest to your question:",
    },
    "not_covered": {
        "zh-TW": "抱歉，{market}的知識庫目前還沒有涵蓋這個問題。為了不提供不正確的資訊，建議由{desk}的經貿專員協助您，或您也可以換個方式再問一次。",
        "en": "Sorry, our {market} knowledge pack does not cover this question yet. Rather than guess, I can refer you to a trade officer at the {desk}, or you can rephrase the question.",
    },
    "not_covered_any": {
        "zh-TW": "抱歉，目前的知識庫還沒有涵蓋這個問題。為了不提供不正確的資訊，建議由經貿專員協助您，或您也可以換個方式再問一次。",
        "en": "Sorry, our knowledge packs do not cover this question yet. Rather than guess, I can refer you to a trade officer, or you can rephrase the question.",
    },
    "uncovered_market": {
        "zh-TW": "抱歉，目前還沒有{market}的市場知識庫，我不想提供未經查證的資訊。目前涵蓋的市場有：{covered}。若需要{market}的協助，可以請經貿專員為您服務。",
        "en": "Sorry, there is no knowledge pack for {market} yet, and I would rather not give you unverified information. Markets covered today: {covered}. A trade officer can help you with {market}.",
    },
    "market_selected": {
        "zh-TW": "好的，我們來看{market}。您想了解哪方面呢？例如：",
        "en": "Sure, let's look at {market}. What would you like to know? For example:",
    },
    "no_knowledge": {
        "zh-TW": "抱歉，市場知識庫暫時無法使用，請稍後再試，或請經貿專員協助您。",
        "en": "Sorry, the market knowledge is unavailable right now. Please try again shortly, or ask a trade officer.",
    },
    "rephrase": {
        "zh-TW": "抱歉，我不太確定您的意思。可以換個說法嗎？例如「賣小家電到日本需要什麼認證？」。您是不是想問：",
        "en": "Sorry, I'm not sure what you mean. Could you rephrase? For example \"What certification do appliances need for Japan?\". Did you mean:",
    },
    "rephrase_no_suggestion": {
        "zh-TW": "抱歉，我不太確定您的意思。可以換個說法嗎？例如「賣小家電到日本需要什麼認證？」或「越南的標示規定」。",
        "en": "Sorry, I'm not sure what you mean. Could you rephrase? For example \"What certification do appliances need for Japan?\" or \"Vietnam labelling rules\".",
    },
    "fallback_officer": {
        "zh-TW": "看來我沒辦法理解您的問題，很抱歉。要不要請經貿專員協助您？",
        "en": "I'm sorry I couldn't understand your question. Would you like a trade officer to help?",
    },
    "handoff": {
        "zh-TW": "好的，您的問題由「{desk}」負責。線上轉介（含個資同意）即將開放；在此之前，您可以透過經濟部國際貿易署（https://www.trade.gov.tw/）或外貿協會（https://www.taitra.org.tw/）洽詢經貿專員。",
        "en": "Sure. Your question belongs to the {desk}. Online referral (with personal-data consent) is coming soon; until then you can reach trade officers through the International Trade Administration (https://www.trade.gov.tw/) or TAITRA (https://www.taitra.org.tw/).",
    },
    "handoff_no_market": {
        "zh-TW": "好的，雙邊平台設有臺美、臺日、臺歐及新興市場窗口。線上轉介（含個資同意）即將開放；在此之前，您可以透過經濟部國際貿易署（https://www.trade.gov.tw/）或外貿協會（https://www.taitra.org.tw/）洽詢經貿專員。",
        "en": "Sure. The bilateral platforms have Taiwan–US, Taiwan–Japan, Taiwan–EU and emerging-markets desks. Online referral (with personal-data consent) is coming soon; until then you can reach trade officers through the International Trade Administration (https://www.trade.gov.tw/) or TAITRA (https://www.taitra.org.tw/).",
    },
    "language_switched": {
        "zh-TW": "好的，接下來我會用繁體中文回覆您。",
        "en": "Sure, I'll reply in English from now on.",
    },
    "message_too_long": {
        "zh-TW": "抱歉，您的訊息太長了（上限 {limit} 字）。請精簡後再傳一次。",
        "en": "Sorry, your message is too long (limit {limit} characters). Please shorten it and send it again.",
    },
    # Button labels: at most 20 characters (LINE quick-reply limit).
    "button_events": {"zh-TW": "查詢商展活動", "en": "Trade events"},
    "button_officer": {"zh-TW": "找經貿專員", "en": "Talk to an officer"},
    "button_topic": {"zh-TW": "{market}：{topic}", "en": "{market}: {topic}"},
    "button_topics_of": {"zh-TW": "{market}有哪些主題", "en": "Topics for {market}"},
}


def say(key: str, lang: str, **values: object) -> str:
    texts = PHRASES[key]
    template = texts.get(lang) or texts["zh-TW"]
    return template.format(**values)


def clip_label(label: str, limit: int = 20) -> str:
    """Button labels must fit LINE's quick-reply limit; cut with an ellipsis when longer."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
