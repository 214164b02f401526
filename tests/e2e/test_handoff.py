"""The lead hand-off through the REST channel of the real servers: consent, the form, the lead in
Redis (read with market_entry.leads.store), declining, corrections, bad answers, erasure."""

from __future__ import annotations

import json
import urllib.request

import pytest
import redis

from market_entry.leads.store import LeadStore
from tests.e2e.harness import buttons, texts

pytestmark = pytest.mark.servers

MAX_TURNS = 16

ANSWERS = [("公司名稱", "大同精密有限公司"), ("聯絡人姓名", "王小明"), ("職稱", "業務經理"),
           ("電子郵件", "ming@example.com"), ("出口經驗", "有"), ("公司規模", "30人"),
           ("協助的事項", "想找日本的代理商"), ("進入市場", "3個月內"),
           ("統一編號", "04595257"), ("聯絡電話", "0912345678")]


def store(services) -> LeadStore:
    return LeadStore(redis.Redis.from_url(services.redis_url))


def tracker_slots(services, sender) -> dict:
    request = urllib.request.Request(
        f"{services.rasa_url}/conversations/{sender}/tracker?token={services.token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["slots"]


def start_handoff(services, sender):
    replies = services.chat(sender, "我們是做小家電的，想賣到日本需要什麼認證？")
    assert "PSE" in texts(replies)
    replies = services.chat(sender, "我想找專人")
    assert "蒐集目的" in texts(replies) and "臺日窗口" in texts(replies)
    titles = [b["title"] for b in buttons(replies)]
    assert "同意" in titles and "不同意" in titles
    return replies


def fill_form(services, sender, replies, bad_first: bool = False):
    """Answers every question; with bad_first, a bad UBN and a bad phone come first."""
    bad = {"統一編號": "12345678", "聯絡電話": "12345"} if bad_first else {}
    reasked = []
    turns = 0
    while "請確認以下資料" not in texts(replies):
        turns += 1
        assert turns < MAX_TURNS, texts(replies)
        text = texts(replies)
        cue, answer = next((c, a) for c, a in ANSWERS if c in text)
        if cue in bad:
            answer = bad.pop(cue)
            replies = services.chat(sender, answer)
            reasked.append(texts(replies))
            continue
        replies = services.chat(sender, answer)
    return replies, reasked


def test_consent_form_correction_and_the_lead_in_redis(services, sender):
    start_handoff(services, sender)
    replies = services.chat(sender, "/give_consent")
    assert "謝謝您的同意" in texts(replies)
    # product and market are known from the question: they are not asked
    replies, reasked = fill_form(services, sender, replies, bad_first=True)
    assert "不正確" in reasked[0] and "統一編號" in reasked[0]
    assert "無法辨識" in reasked[1] and "0912-345-678" in reasked[1]
    summary = texts(replies)
    assert "王小明" in summary and "0912-345-678" in summary and "日本" in summary
    replies = services.chat(sender, "電話改成 0987-654-321")
    assert "0987-654-321" in texts(replies) and "請確認以下資料" in texts(replies)
    replies = services.chat(sender, "確認送出")
    assert "臺日窗口" in texts(replies) and "2 個工作天" in texts(replies), texts(replies)

    leads = store(services)
    ids = leads.conversation_leads(sender)
    assert len(ids) == 1
    lead = leads.get(ids[0])
    assert lead.desk == "jp" and lead.id in [q.id for q in leads.queue("jp", 500)]
    assert lead.contact.phone == "0987-654-321" and lead.contact.ubn == "04595257"
    assert lead.contact.name == "王小明" and lead.contact.email == "ming@example.com"
    assert lead.consent.agreed and lead.consent.notice_version == "2026-12-v1"
    assert lead.timeline == "within_3_months" and lead.size_band == "small"
    assert lead.markets == ("jp",) and lead.products == ("appliances",)
    assert lead.score == sum(i.points for i in lead.explanation) and lead.explanation
    assert any(i.factor == "asked_for_person" and i.points > 0 for i in lead.explanation)
    assert {"from": "owner", "text": "我想找專人"} in lead.transcript
    assert any(t["from"] == "bot" for t in lead.transcript)
    assert lead.summary

    # delete my data: the lead is anonymised, out of the queue, the slots are cleared
    replies = services.chat(sender, "刪除我的資料")
    assert "已刪除" in texts(replies)
    erased = leads.get(ids[0])
    assert erased.status == "erased" and not erased.has_personal_data
    assert erased.id not in [q.id for q in leads.queue("jp", 500)]
    slots = tracker_slots(services, sender)
    assert slots["phone"] is None and slots["contact_name"] is None and slots["company"] is None


def test_declining_stores_nothing_and_answers_continue(services, sender):
    start_handoff(services, sender)
    replies = services.chat(sender, "/decline_consent")
    assert "不會儲存" in texts(replies)
    assert store(services).conversation_leads(sender) == []
    replies = services.chat(sender, "那標籤呢？")
    assert "標示" in texts(replies) or "標籤" in texts(replies), texts(replies)
    slots = tracker_slots(services, sender)
    assert slots["handoff_consent"] == "declined" and slots["consent_record"] is None
    assert slots["phone"] is None and slots["contact_name"] is None
