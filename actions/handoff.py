"""The lead hand-off: the PDPA notice and consent, the contact form, the summary with corrections,
the lead (market_entry.leads), the modest offer, and "delete my data".

Personal data only goes to slots (the tracker store), the lead store and the spool; logs name lead
ids, desks, scores and counts only.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import adapters, runtime
from actions.events import latest_entity
from actions.screening import language as screening_language
from actions.screening import market_aliases
from market_entry.answer_parsing import UNKNOWN, parse_headcount, parse_money
from market_entry.eligibility.answers import read_answer
from market_entry.leads.config import load_consent_notice, load_scoring
from market_entry.leads.contact import (
    build_contact,
    clean_text,
    parse_company_ubn,
    parse_email,
    parse_phone,
)
from market_entry.leads.model import (
    CONSENT_AGREED,
    CONSENT_DECLINED,
    ConsentRecord,
    Lead,
    new_lead_id,
    utc_now,
)
from market_entry.leads.routing import desk_for
from market_entry.leads.scoring import facts_from_answers, score_lead
from market_entry.leads.spool import UNREACHABLE, Spool, save_lead
from market_entry.leads.store import LeadStore, idempotency_key
from market_entry.phrases import say

log = logging.getLogger(__name__)

# The questions of the hand-off form, in order; ubn and export_experience are shared with the
# screening, so what the owner already said there is not asked again.
FIELDS = ("company", "ubn", "contact_name", "job_title", "phone", "email", "lead_products",
          "lead_markets", "export_experience", "size_band", "help_wanted", "timeline")
FORM_SLOTS = ("handoff_answer", *FIELDS, "handoff_confirmed")
SKIP_WORDS = ("無", "沒有", "略過", "跳過", "不提供", "skip", "none", "no email", "n/a", "-")
CONFIRM_WORDS = ("確認", "正確", "沒問題", "送出", "對", "是", "ok", "okay", "confirm", "correct",
                 "yes", "submit", "looks good")
TRANSCRIPT_LIMIT = 60


def language(tracker: Tracker) -> str:
    """The hand-off's language: chosen, or the conversation's when the notice was shown (an
    e-mail address or a romanised name typed into the form must not switch it)."""
    preferred = tracker.get_slot("preferred_language")
    if preferred in ("zh-TW", "en"):
        return preferred
    return tracker.get_slot("handoff_lang") or screening_language(tracker)


def _zh(lang: str) -> bool:
    return lang != "en"


def T(lang: str, zh: str, en: str) -> str:  # noqa: N802 - reads like a phrase table
    return zh if _zh(lang) else en


# -- shared objects ----------------------------------------------------------------------------

def _kb():
    try:
        return runtime.store().get()
    except Exception:  # noqa: BLE001
        return None


def scoring_config():
    return load_scoring(runtime.knowledge_dir())


def consent_notice():
    return load_consent_notice(runtime.knowledge_dir())


def deliver_spooled(spool: Spool, store) -> None:
    """Redis answered: deliver anything spooled during an earlier outage (best effort)."""
    try:
        spool.replay(store)
    except Exception as error:  # noqa: BLE001 - the owner's own lead is already saved
        log.warning("spool replay skipped: %s", type(error).__name__)


def spool_dir() -> Path:
    return Path(os.environ.get("LEADS_SPOOL_DIR") or runtime.REPO_ROOT / ".data" / "spool")


def lead_store() -> LeadStore | None:
    client = runtime.redis_client()
    return LeadStore(client) if client is not None else None


# -- scoring and the modest offer --------------------------------------------------------------

def _list(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [value] if isinstance(value, str) and value else []


def lead_products(tracker: Tracker) -> list[str]:
    return _list(tracker.get_slot("lead_products")) or _list(tracker.get_slot("product"))


def lead_markets(tracker: Tracker) -> list[str]:
    return _list(tracker.get_slot("lead_markets")) or _list(tracker.get_slot("market"))


def score_of(tracker: Tracker, config=None):
    config = config or scoring_config()
    facts = facts_from_answers(
        tracker.get_slot("screening_outcome"), tracker.get_slot("export_experience"),
        tracker.get_slot("english_materials"), tracker.get_slot("timeline"), _kb(),
        lead_products(tracker), lead_markets(tracker),
        bool(tracker.get_slot("handoff_asked")))
    return score_lead(facts, config)


def maybe_offer(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str,
                extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Offers a trade officer once per conversation, when the score reaches the threshold."""
    if tracker.get_slot("handoff_offered") or tracker.get_slot("handoff_consent") in (
            "asked", "agreed") or tracker.get_slot("lead_id"):
        return []
    try:
        config = scoring_config()
        if extra:
            tracker = _with_slots(tracker, extra)
        score = score_of(tracker, config)
    except Exception as error:  # noqa: BLE001 - an offer must never cost the owner the answer
        log.warning("hand-off score unavailable: %s", type(error).__name__)
        return []
    if score.total < config.threshold:
        return []
    dispatcher.utter_message(
        text=T(lang, "看起來您的出口規劃已相當具體，需要的話可以請經貿專員與您聯繫。",
               "Your export plans look well under way; a trade officer can contact you if you "
               "like."),
        buttons=[{"title": T(lang, "找經貿專員", "Talk to a trade officer"),
                  "payload": "/request_human"}])
    log.info("hand-off offered (score %s)", score.total)
    return [SlotSet("handoff_offered", True)]


def _with_slots(tracker: Tracker, extra: dict[str, Any]) -> Tracker:
    return Tracker(tracker.sender_id, {**tracker.slots, **extra}, tracker.latest_message,
                   tracker.events, tracker.is_paused(), tracker.followup_action,
                   tracker.active_loop, tracker.latest_action_name)


# -- notice and consent ------------------------------------------------------------------------

def consent_buttons(lang: str) -> list[dict[str, str]]:
    return [{"title": T(lang, "同意", "I agree"), "payload": "/give_consent"},
            {"title": T(lang, "不同意", "I do not agree"), "payload": "/decline_consent"}]


def desk_name(desk: str, lang: str) -> str:
    kb = _kb()
    if kb is not None and desk in kb.desks:
        return kb.desks[desk].name(lang)
    return desk


class ActionHandoff(Action):
    """The owner asked for a person (or pressed an offer): name the desk, show the PDPA notice,
    ask for consent. Nothing personal is collected before the answer."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = adapters.language(tracker)
        try:
            desk = runtime.answerer().desk_for(tracker.get_slot("market"), lang)
        except Exception:  # noqa: BLE001 - no knowledge: still point to the officers
            desk = None
        intro = (T(lang, f"好的，您的問題由「{desk}」負責。", f"Sure. Your question belongs to the {desk}.")
                 if desk else T(lang, "好的，雙邊平台設有臺美、臺日、臺歐及新興市場窗口。",
                                "Sure. The bilateral platforms have Taiwan–US, Taiwan–Japan, "
                                "Taiwan–EU and emerging-markets desks."))
        try:
            notice = consent_notice()
        except Exception as error:  # noqa: BLE001 - without a notice, no collection at all
            log.warning("consent notice unavailable: %s", type(error).__name__)
            text = say("handoff", lang, desk=desk) if desk else say("handoff_no_market", lang)
            dispatcher.utter_message(text=text)
            return []
        dispatcher.utter_message(text=intro + T(
            lang, "窗口人員需要您的聯絡資料才能與您聯繫，請先閱讀以下個資蒐集告知：",
            " A desk officer needs your contact details to reach you; please read this notice "
            "first:"))
        dispatcher.utter_message(text=notice.text(lang), buttons=consent_buttons(lang))
        return [SlotSet("handoff_consent", "asked"), SlotSet("handoff_asked", True),
                SlotSet("handoff_lang", lang),
                SlotSet("handoff_notice_version", notice.version)]


class ActionConsent(Action):
    """The answer to the notice: agreed starts the form (rule), declined stores nothing."""

    def name(self) -> str:
        return "action_consent"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        version = tracker.get_slot("handoff_notice_version")
        if intent == "decline_consent":
            dispatcher.utter_message(text=T(
                lang, "好的，我們尊重您的決定，不會儲存您的任何個人資料。您仍可繼續詢問各市場的問題。",
                "Understood: nothing personal will be stored. You can keep asking market "
                "questions as before."))
            log.info("hand-off consent declined")
            return [SlotSet("handoff_consent", CONSENT_DECLINED)]
        if tracker.get_slot("handoff_consent") != "asked" or not version:
            # "同意" without a notice on screen: show the notice first.
            return await ActionHandoff().run(dispatcher, tracker, domain)
        record = {"notice_version": version, "time": utc_now().isoformat(),
                  "answer": CONSENT_AGREED}
        dispatcher.utter_message(text=T(
            lang, "謝謝您的同意。接下來請提供幾項資料（已在對話中提過的就不再問）；隨時可說「取消」。",
            "Thank you. A few questions follow (I skip what you already told me); say \"stop\" "
            "at any time."))
        log.info("hand-off consent given (notice %s)", version)
        return [SlotSet("handoff_consent", CONSENT_AGREED), SlotSet("consent_record", record),
                SlotSet("handoff_confirmed", None)]


# -- reading answers ---------------------------------------------------------------------------

TIMELINE_WORDS = (
    ("within_3_months", ("3個月內", "三個月內", "3 個月內", "馬上", "盡快", "儘快", "within 3",
                         "asap", "soon", "this quarter")),
    ("3_to_12_months", ("3到12", "3 到 12", "三到十二", "半年", "今年", "明年", "一年內",
                        "3 to 12", "3-12", "this year", "next year", "within a year")),
    ("later", ("12個月以後", "12 個月以後", "一年以後", "一年後", "以後", "later", "more than 12")),
    ("unknown", ("不確定", "還不確定", "未定", "不知道", "not sure", "don't know", "unknown",
                 "undecided")),
)
SIZE_BUTTONS = {
    "zh-TW": [("微型（5人以下）", "micro"), ("小型（5–49人）", "small"),
              ("中型（50–199人）", "medium"), ("200人以上", "large")],
    "en": [("Micro (under 5)", "micro"), ("Small (5–49)", "small"),
           ("Medium (50–199)", "medium"), ("200 or more", "large")],
}
SIZE_NAMES = {band: {"zh-TW": zh, "en": en} for (zh, band), (en, _) in
              zip(SIZE_BUTTONS["zh-TW"], SIZE_BUTTONS["en"], strict=True)}
SIZE_NAMES["unknown"] = {"zh-TW": "未提供", "en": "not given"}
TIMELINE_BUTTONS = {
    "zh-TW": ["3個月內", "3到12個月", "12個月以後", "還不確定"],
    "en": ["within 3 months", "3 to 12 months", "later than 12 months", "not sure"],
}


def band_from_headcount(count: int) -> str:
    return "micro" if count < 5 else "small" if count < 50 else "medium" if count < 200 \
        else "large"


def band_from_capital(amount: int) -> str:
    return "micro" if amount <= 5_000_000 else "small" if amount <= 30_000_000 \
        else "medium" if amount <= 100_000_000 else "large"


def size_band_of(employees, capital) -> str | None:
    if isinstance(employees, int) and not isinstance(employees, bool):
        return band_from_headcount(employees)
    if isinstance(capital, int) and not isinstance(capital, bool):
        return band_from_capital(capital)
    return None


def read_size(text: str) -> str | None:
    low = text.lower()
    for lang in ("zh-TW", "en"):
        for title, band in SIZE_BUTTONS[lang]:
            if text.strip() == title:
                return band
    for word, band in (("微型", "micro"), ("micro", "micro"), ("小型", "small"),
                       ("small", "small"), ("中型", "medium"), ("medium", "medium"),
                       ("大型", "large"), ("large", "large")):
        if word in low:
            return band
    if re.search(r"資本|capital|萬|億|million", low):
        amount = parse_money(text)
        if amount is not None:
            return band_from_capital(amount)
    count = parse_headcount(text)
    if count is not None:
        return band_from_headcount(count)
    if any(w in low for w in ("不確定", "不知道", "not sure", "不提供", "skip")):
        return "unknown"
    return None


def read_timeline(text: str) -> str | None:
    low = text.lower().replace(" ", "")
    for value, words in TIMELINE_WORDS:
        if any(w.replace(" ", "") in low for w in words):
            return value
    return None


def _skipped(text: str) -> bool:
    return text.strip().lower() in SKIP_WORDS


def read_field(field: str, text: str, tracker: Tracker) -> tuple[Any, str | None]:
    """The value of one answer, or the name of the problem to re-ask about."""
    text = (text or "").strip()
    if not text:
        return None, "empty"
    if field == "company":
        value = clean_text(text)
        return (value, None) if len(value) >= 2 else (None, "company")
    if field == "ubn":
        if _skipped(text) or any(w in text.lower() for w in ("還沒有", "尚無", "don't have")):
            return False, None
        value = parse_company_ubn(text)
        return (value, None) if value else (None, "ubn")
    if field in ("contact_name", "job_title"):
        value = clean_text(text, 60)
        return (value, None) if value else (None, field)
    if field == "phone":
        phone = parse_phone(text)
        return (phone.display, None) if phone else (None, "phone")
    if field == "email":
        if _skipped(text):
            return "", None
        email = parse_email(text)
        return (email, None) if email else (None, "email")
    if field == "lead_products":
        product = latest_entity(tracker, "product")
        value = [product] if product else [clean_text(text, 60)]
        return (value, None) if value[0] else (None, "empty")
    if field == "lead_markets":
        aliases = market_aliases()
        low = text.lower()
        found = [code for alias, code in sorted(aliases.items(), key=lambda a: -len(a[0]))
                 if alias and alias.lower() in low]
        entity = latest_entity(tracker, "market")
        codes = list(dict.fromkeys(([entity] if entity else []) + found))
        return (codes, None) if codes else ([clean_text(text, 60)], None)
    if field == "export_experience":
        value, problem = read_answer("export_experience", text, market_aliases=market_aliases())
        return (value, None) if not problem else (None, "yes_no")
    if field == "size_band":
        value = read_size(text)
        return (value, None) if value else (None, "size_band")
    if field == "help_wanted":
        value = clean_text(text, 300)
        return (value, None) if value else (None, "empty")
    if field == "timeline":
        value = read_timeline(text)
        return (value, None) if value else (None, "timeline")
    raise KeyError(field)


CORRECTIONS = (
    ("phone", r"電話|手機|phone|mobile"),
    ("email", r"e-?mail|信箱|電子郵件"),
    ("ubn", r"統一編號|統編|ubn|business number"),
    ("company", r"公司名稱|公司|company"),
    ("job_title", r"職稱|job title|title"),
    ("contact_name", r"姓名|名字|聯絡人|name"),
    ("lead_products", r"產品|product"),
    ("lead_markets", r"市場|market"),
    ("help_wanted", r"需求|協助|help"),
    ("timeline", r"時程|timeline"),
    ("size_band", r"規模|size"),
)
_CHANGE = re.compile(r"改成|改為|改为|换成|換成|更正為|更正为|應該是|应该是|是|為|:|：|"
                     r"\bchange(?:d)? to\b|\bshould be\b|\bto\b|\bis\b", re.IGNORECASE)


def read_correction(text: str) -> tuple[str, str] | None:
    """"電話改成 0912-345-678" → ("phone", "0912-345-678")."""
    for field, pattern in CORRECTIONS:
        match = re.search(pattern, text, re.IGNORECASE)
        if not match:
            continue
        rest = text[match.end():]
        change = _CHANGE.search(rest)
        if change is None:
            continue
        value = rest[change.end():].strip(" ：:，,。")
        if value:
            return field, value
    return None


def is_confirmation(text: str) -> bool:
    low = text.strip().lower().rstrip("!！。.")
    return low in CONFIRM_WORDS or low in ("確認送出", "confirm and send")


# -- the form ----------------------------------------------------------------------------------

REASKS = {
    "company": ("請告訴我公司名稱，例如「大同精密股份有限公司」。", "Please tell me the company name."),
    "ubn": ("這個統一編號好像不正確（應為 8 位數字且檢查碼正確），請再確認一次；若尚無統編，請回覆「無」。",
            "That Unified Business Number does not look right (8 digits with a valid check "
            "digit). Please check it, or reply \"none\" if you have none."),
    "contact_name": ("請告訴我聯絡人的姓名。", "Please tell me the contact person's name."),
    "job_title": ("請告訴我您的職稱，例如「業務經理」。", "Please tell me your job title."),
    "phone": ("抱歉，這個電話號碼格式我無法辨識。請提供臺灣的手機或市話，例如 0912-345-678 或 02-2345-6789 分機 123。",
              "Sorry, I couldn't read that phone number. Please give a Taiwan mobile or landline, "
              "e.g. 0912-345-678 or 02-2345-6789 ext. 123."),
    "email": ("這個電子郵件格式好像不正確，請再確認一次（不提供請回覆「無」）。",
              "That e-mail address does not look right; please check it (or reply \"none\")."),
    "yes_no": ("請回答「有」或「沒有」。", "Please answer yes or no."),
    "size_band": ("請選擇公司規模，或告訴我員工人數（例如「30人」）。",
                  "Please choose a size, or tell me the number of employees (e.g. \"30\")."),
    "timeline": ("請選擇預計進入市場的時程。", "Please choose when you plan to enter the market."),
    "empty": ("可以再說一次嗎？", "Could you say that again?"),
}
QUESTIONS = {
    "company": ("請問貴公司名稱？", "What is your company's name?"),
    "ubn": ("請問公司的統一編號（8 碼）？尚無統編請回覆「無」。",
            "What is the company's Unified Business Number (8 digits)? Reply \"none\" if you "
            "have none."),
    "contact_name": ("請問聯絡人姓名？", "Who should the officer contact (name)?"),
    "job_title": ("請問您的職稱？", "What is your job title?"),
    "phone": ("請問聯絡電話？（手機或市話，可含分機）",
              "What phone number can the officer call? (mobile or landline, extension allowed)"),
    "email": ("請問電子郵件？（不提供請回覆「無」）", "What e-mail address? (reply \"none\" to skip)"),
    "lead_products": ("請問想外銷的產品是？", "Which products do you want to export?"),
    "lead_markets": ("請問目標市場是哪裡？", "Which markets are you targeting?"),
    "export_experience": ("請問公司過去有出口經驗嗎？", "Has the company exported before?"),
    "size_band": ("請問公司規模（員工人數）？", "How large is the company (employees)?"),
    "help_wanted": ("請簡述希望窗口協助的事項。", "Briefly, what would you like the desk to help with?"),
    "timeline": ("預計什麼時候進入市場？", "When do you plan to enter the market?"),
}


def _say(table: dict, key: str, lang: str) -> str:
    zh, en = table[key]
    return T(lang, zh, en)


def prefilled(tracker: Tracker) -> dict[str, Any]:
    """What the conversation already established for the form."""
    found: dict[str, Any] = {}
    if tracker.get_slot("lead_products") is None and tracker.get_slot("product"):
        found["lead_products"] = [tracker.get_slot("product")]
    if tracker.get_slot("lead_markets") is None and tracker.get_slot("market"):
        found["lead_markets"] = [tracker.get_slot("market")]
    if tracker.get_slot("size_band") is None:
        band = size_band_of(tracker.get_slot("employees"), tracker.get_slot("paid_in_capital"))
        if band:
            found["size_band"] = band
    return found


class ValidateHandoffForm(FormValidationAction):
    """Reads each answer, re-asks politely when it is not valid, skips what is known, and handles
    the confirmation and corrections."""

    def name(self) -> str:
        return "validate_handoff_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in ("stop", "delete_my_data"):
            return []
        lang = language(tracker)
        message = (tracker.latest_message.get("text") or "").strip()
        requested = tracker.get_slot("requested_slot")
        updates: dict[str, Any] = {}
        if requested is None:
            updates.update(prefilled(tracker))
        elif requested == "handoff_confirmed" and message:
            correction = read_correction(message)
            if correction is not None:
                field, value_text = correction
                value, problem = read_field(field, value_text, tracker)
                if problem:
                    dispatcher.utter_message(text=_say(REASKS, problem, lang))
                else:
                    updates[field] = value
            elif is_confirmation(message):
                updates["handoff_confirmed"] = True
            else:
                dispatcher.utter_message(text=T(
                    lang, "請按「確認送出」，或直接告訴我要修改的項目，例如「電話改成 0912-345-678」。",
                    "Press \"Confirm\", or tell me what to change, e.g. \"phone change to "
                    "0912-345-678\"."))
        elif requested in FIELDS and message and not message.startswith("/"):
            value, problem = read_field(requested, message, tracker)
            if problem:
                dispatcher.utter_message(text=_say(REASKS, problem, lang))
            else:
                updates[requested] = value
        values = {name: tracker.get_slot(name) for name in FORM_SLOTS}
        values.update(updates)
        next_slot = next((f for f in FIELDS if values.get(f) is None), None)
        if next_slot is None and not values.get("handoff_confirmed"):
            next_slot = "handoff_confirmed"
        events = [SlotSet(k, v) for k, v in updates.items()]
        events.append(SlotSet("handoff_answer", None))
        events.append(SlotSet("requested_slot", next_slot))
        return events


def _place(code: str, lang: str) -> str:
    kb = _kb()
    try:
        return kb.place_name(code, lang) if kb else code
    except Exception:  # noqa: BLE001
        return code


def _product(ident: str, lang: str) -> str:
    kb = _kb()
    if kb is not None and ident in kb.products:
        return kb.products[ident].name(lang)
    return ident


def _yes_no_text(value, lang: str) -> str:
    if value is True:
        return T(lang, "有", "yes")
    if value is False:
        return T(lang, "沒有", "no")
    return T(lang, "未提供", "not given")


def summary_lines(slots: dict[str, Any], lang: str) -> list[str]:
    sep = "、" if _zh(lang) else ", "
    timeline = slots.get("timeline") or "unknown"
    timeline_names = dict(zip(("within_3_months", "3_to_12_months", "later", "unknown"),
                              TIMELINE_BUTTONS["en" if lang == "en" else "zh-TW"], strict=True))
    ubn = slots.get("ubn")
    rows = [
        (T(lang, "公司名稱", "Company"), slots.get("company") or ""),
        (T(lang, "統一編號", "UBN"), ubn if isinstance(ubn, str) and ubn != UNKNOWN
         else T(lang, "無", "none")),
        (T(lang, "聯絡人", "Contact"), slots.get("contact_name") or ""),
        (T(lang, "職稱", "Job title"), slots.get("job_title") or ""),
        (T(lang, "電話", "Phone"), slots.get("phone") or ""),
        (T(lang, "電子郵件", "E-mail"), slots.get("email") or T(lang, "未提供", "not given")),
        (T(lang, "產品", "Products"), sep.join(_product(p, lang)
                                               for p in _list(slots.get("lead_products")))),
        (T(lang, "目標市場", "Markets"), sep.join(_place(m, lang)
                                                for m in _list(slots.get("lead_markets")))),
        (T(lang, "出口經驗", "Export experience"), _yes_no_text(slots.get("export_experience"),
                                                               lang)),
        (T(lang, "公司規模", "Size"), SIZE_NAMES.get(slots.get("size_band") or "unknown",
                                                   SIZE_NAMES["unknown"])[
            "en" if lang == "en" else "zh-TW"]),
        (T(lang, "需求", "Help wanted"), slots.get("help_wanted") or ""),
        (T(lang, "時程", "Timeline"), timeline_names.get(timeline, timeline)),
    ]
    colon = "：" if _zh(lang) else ": "
    return [f"・{k}{colon}{v}" if _zh(lang) else f"- {k}{colon}{v}" for k, v in rows]


def ask(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    lang = language(tracker)
    if slot == "handoff_confirmed":
        slots = {name: tracker.get_slot(name) for name in (*FIELDS,)}
        head = T(lang, "請確認以下資料：", "Please check these details:")
        tail = T(lang, "正確請按「確認送出」；要修改請直接說，例如「電話改成 0912-345-678」。",
                 "If correct, press \"Confirm\"; to change something, say e.g. \"phone change to "
                 "0912-345-678\".")
        dispatcher.utter_message(
            text="\n".join([head, *summary_lines(slots, lang), tail]),
            buttons=[{"title": T(lang, "確認送出", "Confirm"),
                      "payload": T(lang, "確認送出", "confirm")}])
        return
    buttons: list[dict[str, str]] = []
    if slot == "export_experience":
        buttons = [{"title": b, "payload": b} for b in (T(lang, "有", "yes"), T(lang, "沒有", "no"))]
    elif slot == "size_band":
        buttons = [{"title": t, "payload": t} for t, _ in SIZE_BUTTONS["en" if lang == "en"
                                                                       else "zh-TW"]]
    elif slot == "timeline":
        buttons = [{"title": t, "payload": t} for t in TIMELINE_BUTTONS["en" if lang == "en"
                                                                        else "zh-TW"]]
    dispatcher.utter_message(text=_say(QUESTIONS, slot, lang), buttons=buttons)


def _ask_action(slot: str) -> type[Action]:
    class AskAction(Action):
        def name(self) -> str:
            return f"action_ask_handoff_form_{slot}"

        async def run(self, dispatcher, tracker, domain):
            ask(slot, dispatcher, tracker)
            return []

    AskAction.__name__ = f"ActionAskHandoff_{slot}"
    return AskAction


# Form-specific names (action_ask_<form>_<slot>): Rasa prefers them to the screening's
# action_ask_ubn / action_ask_export_experience, which the two forms share as slots.
ASK_ACTIONS = [_ask_action(slot) for slot in (*FIELDS, "handoff_confirmed")]
for _action in ASK_ACTIONS:
    globals()[_action.__name__] = _action


# -- the lead ----------------------------------------------------------------------------------

def transcript(tracker: Tracker) -> list[dict[str, str]]:
    out = []
    for event in tracker.events:
        kind = event.get("event")
        text = event.get("text")
        if kind in ("user", "bot") and text:
            out.append({"from": "owner" if kind == "user" else "bot", "text": text})
    return out[-TRANSCRIPT_LIMIT:]


def summary_text(tracker: Tracker, lang: str = "zh-TW") -> str:
    parts = []
    markets = lead_markets(tracker)
    products = lead_products(tracker)
    if products:
        parts.append("產品：" + "、".join(_product(p, lang) for p in products))
    if markets:
        parts.append("市場：" + "、".join(_place(m, lang) for m in markets))
    if tracker.get_slot("last_question"):
        parts.append("最近的問題：" + str(tracker.get_slot("last_question"))[:120])
    outcome = (tracker.get_slot("screening_outcome") or {})
    if outcome.get("event") or outcome.get("outcome"):
        parts.append(f"活動初審：{outcome.get('event', '')} {outcome.get('outcome', '')}".strip())
    if tracker.get_slot("help_wanted"):
        parts.append("需求：" + str(tracker.get_slot("help_wanted")))
    return "；".join(parts)


def build_lead(tracker: Tracker) -> Lead:
    config = scoring_config()
    kb = _kb()
    markets = lead_markets(tracker)
    products = lead_products(tracker)
    desk = desk_for(markets, kb.markets if kb else {}, config.default_desk)
    score = score_of(tracker, config)
    ubn = tracker.get_slot("ubn")
    contact, _ = build_contact({
        "company": tracker.get_slot("company") or "",
        "ubn": ubn if isinstance(ubn, str) and ubn != UNKNOWN else "",
        "name": tracker.get_slot("contact_name") or "",
        "title": tracker.get_slot("job_title") or "",
        "phone": tracker.get_slot("phone") or "",
        "email": tracker.get_slot("email") or "",
    })
    record = tracker.get_slot("consent_record") or {}
    export = tracker.get_slot("export_experience")
    english = tracker.get_slot("english_materials")
    return Lead(
        id=new_lead_id(), created=utc_now().isoformat(), desk=desk, score=score.total,
        explanation=score.items, contact=contact,
        consent=ConsentRecord(record.get("notice_version", ""), record.get("time", ""),
                              record.get("answer", "")),
        products=tuple(products), markets=tuple(markets),
        export_experience=export if export in (True, False, UNKNOWN) else None,
        english_materials=english if english in (True, False, UNKNOWN) else None,
        size_band=tracker.get_slot("size_band") or "unknown",
        help_wanted=tracker.get_slot("help_wanted") or "",
        timeline=tracker.get_slot("timeline") or "unknown",
        screening=dict(tracker.get_slot("screening_outcome") or {}),
        summary=summary_text(tracker),
        transcript=tuple(transcript(tracker)),
    )


class ActionHandoffSubmit(Action):
    """Creates the lead once per hand-off (the idempotency key is the conversation and the
    hand-off's number), then tells the owner which desk calls back and when."""

    def name(self) -> str:
        return "action_handoff_submit"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        record = tracker.get_slot("consent_record") or {}
        if not tracker.get_slot("handoff_confirmed") or record.get("answer") != CONSENT_AGREED:
            return []
        number = int(tracker.get_slot("handoff_count") or 0) + 1
        lead = build_lead(tracker)
        store = lead_store()
        spool = Spool(spool_dir())
        key = idempotency_key(tracker.sender_id, number)
        if store is None:
            spool.append(lead, tracker.sender_id, key)
            stored, lead_id = "spool", lead.id
        else:
            result = save_lead(store, spool, lead, tracker.sender_id, key)
            stored, lead_id = result.stored, result.lead_id
            if stored != "spool":
                deliver_spooled(spool, store)
        days = scoring_config().working_days(lead.desk)
        desk = desk_name(lead.desk, lang)
        text = T(lang, f"已為您轉介給「{desk}」，窗口人員將於 {days} 個工作天內與您聯繫。",
                 f"Done: the {desk} will contact you within {days} working days.")
        if stored == "spool":
            text += T(lang, "（系統暫時忙碌，您的資料已安全保存，將在稍後自動送達窗口。）",
                      " (Our system is busy right now; your details are saved safely and will "
                      "be delivered to the desk shortly.)")
        text += T(lang, "\n如需刪除您的資料，隨時說「刪除我的資料」。",
                  "\nTo delete your data at any time, say \"delete my data\".")
        dispatcher.utter_message(text=text)
        log.info("hand-off %d: lead %s for desk %s via %s (score %s)", number, lead_id, lead.desk,
                 stored, lead.score)
        return [SlotSet("handoff_count", float(number)), SlotSet("lead_id", lead_id),
                SlotSet("handoff_confirmed", None), SlotSet("handoff_consent", None),
                SlotSet("handoff_offered", True)]


class ActionDeleteMyData(Action):
    """Erases the owner's leads (Redis and spool) and the conversation's slots."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        erased = 0
        failed = False
        store = lead_store()
        if store is not None:
            try:
                erased += store.erase(tracker.sender_id)
            except UNREACHABLE:
                failed = True
        erased += Spool(spool_dir()).erase(tracker.sender_id)
        log.info("delete my data: %d lead(s) erased%s", erased, " (store unreachable)"
                 if failed else "")
        if failed:
            text = T(lang, "抱歉，系統暫時無法完成刪除，請稍後再說一次「刪除我的資料」。對話中的資料已清除。",
                     "Sorry, I could not finish the deletion right now; please say \"delete my "
                     "data\" again later. The details kept in this conversation were cleared.")
        else:
            text = T(lang, "已刪除您在本對話中提供的個人資料與轉介聯絡資料。",
                     "Your personal data from this conversation and your referral contact "
                     "details have been deleted.")
        dispatcher.utter_message(text=text)
        keep = [SlotSet("handoff_count", tracker.get_slot("handoff_count") or 0.0)]
        for name in ("preferred_language", "detected_language"):
            if tracker.get_slot(name) is not None:
                keep.append(SlotSet(name, tracker.get_slot(name)))
        return [AllSlotsReset(), *keep]
