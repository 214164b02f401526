"""Which events to offer an owner, relative to today, and how to say it.

Past events are never listed; events whose registration closed are never offered as open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from market_entry.events.model import (
    CLOSED,
    NOT_YET_OPEN,
    OPEN,
    Catalogue,
    Event,
)
from market_entry.normalise import normalise
from market_entry.phrases import say

SHOWN_AT_MOST = 5


@dataclass(frozen=True)
class Query:
    market: str | None = None
    sector: str | None = None
    month: tuple[int, int] | None = None   # (year, month)
    kind: str | None = None
    open_only: bool = False


@dataclass(frozen=True)
class Listed:
    event: Event
    registration: str


# "攤位費政府有補助嗎？", "any support for joining a Taiwan Pavilion?" are questions for the
# packs (Taiwan-side support), not a list of events.
_SUBSIDY = re.compile(r"補助|補貼|津貼|补助|补贴|subsid|funding|grant|\bany support\b|"
                      r"\bsupport (for|to)\b", re.IGNORECASE)
# A typed request for events names one; "想去德國賣茶要注意什麼" misread as ask_events does not.
_EVENT_WORD = re.compile(
    r"展|媒合|洽談|洽谈|商洽|拓銷|拓销|參展|参展|活動|活动|場次|说明会|說明會|研討會|研讨会|參加|参加|"
    r"報名|报名|商機|商机|采购|採購|買主|买主|"
    r"\b(fairs?|expos?|exhibitions?|shows?|events?|matchmaking|pavilions?|missions?|sessions?|"
    r"webinars?|seminars?|attend|join|register|booths?|buyers?)\b", re.IGNORECASE)


def is_question_for_the_packs(message: str) -> bool:
    """A message classified as a request for events that the knowledge packs should answer
    instead: a subsidy question, or a typed question naming no event at all."""
    if message.startswith("/"):
        return False
    return bool(_SUBSIDY.search(message)) or (len(message) > 6 and not _EVENT_WORD.search(message))


def list_events(catalogue: Catalogue, today: date, query: Query = Query()) -> list[Listed]:
    out = []
    for event in sorted(catalogue.events, key=lambda e: (e.starts, e.id)):
        if event.is_past(today):
            continue
        if query.market and event.market != query.market:
            continue
        if query.sector and query.sector not in event.sectors:
            continue
        if query.kind and event.kind != query.kind and not (
                query.kind == "matchmaking" and event.kind == "online_matchmaking"):
            continue
        if query.month and not _in_month(event, *query.month):
            continue
        status = event.registration(today)
        if query.open_only and status != OPEN:
            continue
        out.append(Listed(event, status))
    return out


def _in_month(event: Event, year: int, month: int) -> bool:
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1)
    return event.starts < last and event.ends >= first


_MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"]
_MONTHS_ZH = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
_KIND_WORDS = (
    ("online_matchmaking", ("線上", "視訊", "online", "virtual")),
    ("trade_mission", ("拓銷團", "考察團", "trade mission", "mission")),
    ("taiwan_pavilion", ("臺灣館", "台灣館", "taiwan pavilion", "pavilion")),
    ("matchmaking", ("洽談", "媒合", "採購會", "matchmaking", "buyer meeting")),
)
_OPEN_WORDS = ("可以報名", "可報名", "報名中", "還能報名", "開放報名", "現在報名", "還可以報",
               "open for registration", "can still register", "registration open",
               "open now", "still open")


def parse_query(text: str, today: date, market: str | None = None,
                sector: str | None = None) -> Query:
    """Month, kind and "open now" from the owner's words; market and sector come from the NLU."""
    clean = normalise(text or "").lower()
    return Query(market=market, sector=sector, month=_month(clean, today),
                 kind=_kind(clean), open_only=any(w in clean for w in _OPEN_WORDS))


def _next(today: date, month: int) -> tuple[int, int]:
    return (today.year if month >= today.month else today.year + 1, month)


def _month(clean: str, today: date) -> tuple[int, int] | None:
    if "下個月" in clean or "下月" in clean or "next month" in clean:
        return (today.year + (today.month == 12), today.month % 12 + 1)
    if "這個月" in clean or "本月" in clean or "this month" in clean:
        return (today.year, today.month)
    match = re.search(r"(?<!\d)(1[0-2]|0?[1-9])\s*月", clean)
    if match:
        return _next(today, int(match.group(1)))
    for i, zh in reversed(list(enumerate(_MONTHS_ZH))):
        if re.search(r"(?<![一二三四五六七八九十])" + zh + "月", clean):
            return _next(today, i + 1)
    for i, name in enumerate(_MONTHS_EN):
        if re.search(r"\b(" + name + "|" + name[:3] + r")\b", clean) and name != "may" or \
                re.search(r"\bin may\b", clean) and name == "may":
            return _next(today, i + 1)
    return None


def _kind(clean: str) -> str | None:
    for kind, words in _KIND_WORDS:
        if any(w in clean for w in words):
            return kind
    return None


def match_event(catalogue: Catalogue, text: str, today: date,
                listed: list[str] | None = None) -> Event | None:
    """The event an owner named: by id, by its number in the last list, or by (part of) name."""
    clean = normalise(text or "").strip().lower()
    if not clean:
        return None
    direct = catalogue.get(clean)
    if direct:
        return direct
    number = re.fullmatch(r"(?:第\s*)?(\d{1,2})\s*(?:個|號|場)?|(?:no\.?\s*)?(\d{1,2})", clean)
    if number and listed:
        index = int(number.group(1) or number.group(2)) - 1
        if 0 <= index < len(listed):
            return catalogue.get(listed[index])
    best, best_len = None, 0
    for event in catalogue.events:
        if event.is_past(today):
            continue
        for word in event.words():
            low = normalise(word).lower()
            if len(low) >= 3 and (low in clean or (len(clean) >= 4 and clean in low)):
                length = min(len(low), len(clean))
                if length > best_len:
                    best, best_len = event, length
    return best


def _end(event: Event) -> str:
    end = event.ends
    return end.strftime("%m-%d") if end.year == event.starts.year else end.isoformat()


def registration_text(listed: Listed, lang: str) -> str:
    event, status = listed.event, listed.registration
    if status == OPEN:
        return say("events.registration_open", lang, deadline=event.registration_deadline)
    if status == NOT_YET_OPEN:
        return say("events.registration_not_yet_open", lang, opens=event.registration_opens,
                   deadline=event.registration_deadline)
    assert status == CLOSED
    return say("events.registration_closed", lang)


def describe(listed: Listed, lang: str, place: str, number: int | None = None) -> str:
    """One event as the listing shows it; every word comes from the phrase catalogue."""
    event = listed.event
    city = event.city.get("en" if lang == "en" else "zh-TW") or event.city.get("zh-TW", "")
    lines = [say("events.line_head", lang, number=f"{number}. " if number else "",
                 title=event.title(lang), place=place, city=city, start=event.starts.isoformat(),
                 end=_end(event), kind=say(f"events.kind.{event.kind}", lang))]
    details = [registration_text(listed, lang)]
    if event.fee_twd is not None:
        details.append(say("events.fee_free", lang) if event.fee_twd == 0 else
                       say("events.fee_about", lang, fee=f"{event.fee_twd:,}"))
    if event.subsidy:
        details.append(say("events.subsidy_available", lang))
    lines.append(say("events.details", lang,
                     details=say("events.details_separator", lang).join(details)))
    if not event.confirmed:
        lines.append(say("events.estimate_note", lang))
    lines.append(say("events.link", lang, url=event.url))
    return "\n".join(lines)
