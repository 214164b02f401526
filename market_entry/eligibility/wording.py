"""What the screening form says: questions, re-asks and short answers' buttons (zh-TW, en)."""

from __future__ import annotations

QUESTIONS = {
    "selected_event": {"zh-TW": "想檢核哪一個活動的報名資格呢？請選擇：",
                       "en": "Which event would you like to check your eligibility for?"},
    "sector": {"zh-TW": "您的主要產品屬於哪個產業？", "en": "Which sector are your main products in?"},
    "ubn": {"zh-TW": "請提供公司的統一編號（8 碼數字）；沒有的話請回「沒有」。",
            "en": "What is your company's business number (統一編號, 8 digits)? Say \"none\" if "
                  "you have none."},
    "paid_in_capital": {"zh-TW": "貴公司的實收資本額大約多少？（例如「500萬」、「1.2億」）",
                        "en": "Roughly what is your paid-in capital? (e.g. \"NT$5 million\", "
                              "\"500萬\")"},
    "employees": {"zh-TW": "目前經常僱用的員工（有投保勞保）大約幾人？（例如「35人」）",
                  "en": "How many regular employees (with labour insurance) do you have? "
                        "(e.g. \"35\")"},
    "registered_trader": {"zh-TW": "公司是否已向國際貿易署登記為出進口廠商？",
                          "en": "Is the company registered as an importer/exporter with the "
                                "International Trade Administration?"},
    "export_experience": {"zh-TW": "公司過去有出口實績嗎？（例如「去年有出口到日本」）",
                          "en": "Has the company exported before? (e.g. \"yes, to Japan last "
                                "year\")"},
    "english_materials": {"zh-TW": "是否有英文型錄或英文網站？",
                          "en": "Do you have an English catalogue or website?"},
    "certifications_held": {"zh-TW": "要展出的產品是否已取得 {certs}？",
                            "en": "Do the products you would exhibit hold {certs}?"},
    "fee_arrears": {"zh-TW": "公司是否有積欠推廣貿易服務費？",
                    "en": "Does the company owe any trade-promotion service fee?"},
    "subsidised_same_show": {"zh-TW": "今年是否已就這個展覽申請或獲得政府補助？",
                             "en": "Have you already applied for or received a government subsidy "
                                   "for this show this year?"},
}

REASKS = {
    "checksum": {"zh-TW": "這組統一編號的檢查碼不正確，可能有一碼打錯了，請再確認一次。",
                 "en": "That business number's check digit does not add up; a digit may be "
                       "mistyped. Could you check it again?"},
    "ubn_format": {"zh-TW": "抱歉，統一編號是 8 碼數字（例如 04595257），請再輸入一次。",
                   "en": "Sorry, a business number has 8 digits (e.g. 04595257). Could you "
                         "type it again?"},
    "money": {"zh-TW": "抱歉，我沒看懂金額。請加上單位，例如「500萬」、「1.2億」或「NT$30,000,000」。",
              "en": "Sorry, I didn't catch the amount. Please include the unit, e.g. "
                    "\"NT$5 million\" or \"500萬\"."},
    "headcount": {"zh-TW": "抱歉，我沒看懂人數，請回答大約幾人，例如「35人」。",
                  "en": "Sorry, I didn't catch the number. Roughly how many people, e.g. \"35\"?"},
    "range": {"zh-TW": "這個人數似乎不太對，請再確認一次。",
              "en": "That number looks off; could you check it?"},
    "sector": {"zh-TW": "抱歉，我沒認出產業別，請按下方按鈕選擇，或回「其他」。",
               "en": "Sorry, I didn't recognise the sector. Please pick a button, or say "
                     "\"other\"."},
    "yes_no": {"zh-TW": "抱歉，請回答「是」、「否」或「不確定」。",
               "en": "Sorry, please answer yes, no or not sure."},
    "not_understood": {"zh-TW": "抱歉，我沒看懂，請再說一次。",
                       "en": "Sorry, I didn't understand. Could you say it again?"},
    "unknown_event": {"zh-TW": "抱歉，我找不到這個活動，請從下方選擇。",
                      "en": "Sorry, I couldn't find that event. Please pick one below."},
}

YES_NO_BUTTONS = {"zh-TW": ("是", "否", "不確定"), "en": ("Yes", "No", "Not sure")}

MISC = {
    "check_button": {"zh-TW": "檢核：{short}", "en": "Check: {short}"},
    "other_sector": {"zh-TW": "其他", "en": "Other"},
    "officer_button": {"zh-TW": "找經貿專員", "en": "Talk to an officer"},
    "events_button": {"zh-TW": "查詢商展活動", "en": "Trade events"},
    "list_intro": {"zh-TW": "以下是近期的活動（依日期排序）：",
                   "en": "Upcoming events, by date:"},
    "list_none": {"zh-TW": "目前沒有符合條件的活動。以下是其他近期的活動：",
                  "en": "No event matches that. Here are other upcoming events:"},
    "list_empty": {"zh-TW": "目前沒有即將舉辦的活動，經貿專員可以為您說明其他拓銷機會。",
                   "en": "There are no upcoming events right now; a trade officer can tell you "
                         "about other opportunities."},
    "list_more": {"zh-TW": "還有 {n} 個活動，可以告訴我市場、產業或月份來縮小範圍（例如「3月日本的食品展」）。",
                  "en": "{n} more events: tell me a market, sector or month to narrow the list "
                        "(e.g. \"food shows in Japan in March\")."},
    "list_outro": {"zh-TW": "想知道能不能報名？按「檢核」做資格檢核（約 1 分鐘，隨時可以說「不要了」停止）。",
                   "en": "Want to know if you can sign up? Press \"Check\" for a one-minute "
                         "eligibility check (say \"stop\" any time)."},
    "other_events": {"zh-TW": "其他可能適合您的活動：", "en": "Other events that may fit you:"},
    "closed_note": {"zh-TW": "提醒：這個活動的報名已截止，結果僅供下次報名參考。",
                    "en": "Note: registration for this event has closed; use this result for the "
                          "next edition."},
    "review_note": {"zh-TW": "以上為初步檢核，正式資格以主辦單位審核為準。需要的話，經貿專員可以協助您確認待確認的項目。",
                    "en": "This is a preliminary check; the organiser decides. A trade officer "
                          "can help with the open items."},
    "stopped": {"zh-TW": "好的，已停止資格檢核。您已回答的資料會保留，下次檢核其他活動時不用重填。",
                "en": "OK, I've stopped the eligibility check. Your answers are kept, so you "
                      "won't have to repeat them for another event."},
    "inform_outside": {"zh-TW": "謝謝您提供的資訊！若想檢核參展資格，請先選擇活動：",
                       "en": "Thanks for the information! To check your eligibility, pick an "
                             "event first:"},
}


def text(table: dict, key: str, lang: str, **values: object) -> str:
    texts = table[key]
    return (texts.get(lang) or texts["zh-TW"]).format(**values)
