"""The lead hand-off through the REST channel of the real servers: consent, the form, the lead in
Redis (read with market_entry.leads.store), declining, corrections, bad answers, erasure.

The form's question is read from the tracker (`requested_slot`), and replies are compared with
the phrase catalogue (`say(key, ...)`), the consent notice and the packs, never with wording.
"""

from __future__ import annotations

import json
import urllib.request
from functools import lru_cache
from pathlib import Path

import pytest
import redis

from market_entry.knowledge import load_knowledge
from market_entry.leads.config import load_consent_notice, load_scoring
from market_entry.leads.store import LeadStore
from market_entry.phrases import say
from tests.e2e.harness import buttons, card, texts

pytestmark = pytest.mark.servers

ZH = "zh-TW"
MAX_TURNS = 16

# The answer to each question of the form, by the slot it asks for.
ANSWERS = {"company": "大同精密有限公司", "contact_name": "王小明", "job_title": "業務經理",
           "email": "ming@example.com", "export_experience": "有", "size_band": "30人",
           "help_wanted": "想找日本的代理商", "timeline": "3個月內",
           "ubn": "04595257", "phone": "0912345678"}
BAD = {"ubn": "12345678", "phone": "12345"}


@lru_cache(maxsize=2)
def _kb(root: Path):
    return load_knowledge(root)


def desk_name(services, market: str, lang: str = ZH) -> str:
    kb = _kb(services.knowledge)
    return kb.desks[kb.markets[market].desk].name(lang)


def summary_line(field: str, value: str, lang: str = ZH) -> str:
    return say("handoff.summary_line", lang, label=say(f"handoff.label.{field}", lang), value=value)


def store(services) -> LeadStore:
    return LeadStore(redis.Redis.from_url(services.redis_url))


def tracker_slots(services, sender) -> dict:
    request = urllib.request.Request(
        f"{services.rasa_url}/conversations/{sender}/tracker?token={services.token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["slots"]


def start_handoff(services, sender):
    replies = services.chat(sender, "我們是做小家電的，想賣到日本需要什麼認證？")
    assert card(replies)["entry_id"] == "jp-certification-pse"
    replies = services.chat(sender, "我想找專人")
    text = texts(replies)
    assert say("handoff.intro_desk", ZH, desk=desk_name(services, "jp")) in text
    assert say("handoff.notice_intro", ZH) in text
    assert load_consent_notice(services.knowledge).text(ZH) in text
    offered = {b["payload"]: b["title"] for b in buttons(replies)}
    assert offered.get("/give_consent") == say("handoff.button_agree", ZH)
    assert offered.get("/decline_consent") == say("handoff.button_decline", ZH)
    assert tracker_slots(services, sender)["handoff_consent"] == "asked"
    return replies


def fill_form(services, sender, replies, bad_first: bool = False):
    """Answers every question the form asks (read from requested_slot) until the summary; with
    bad_first, a bad UBN and a bad phone come first. Returns the summary and the replies to
    the bad answers, by slot."""
    bad = dict(BAD) if bad_first else {}
    reasked: dict[str, str] = {}
    asked: list[str] = []
    for _ in range(MAX_TURNS):
        requested = tracker_slots(services, sender)["requested_slot"]
        if requested == "handoff_confirmed":
            assert say("handoff.confirm_head", ZH) in texts(replies), texts(replies)
            return replies, reasked, asked
        assert requested in ANSWERS, (requested, texts(replies))
        assert say(f"handoff.ask.{requested}", ZH) in texts(replies), texts(replies)
        asked.append(requested)
        if requested in bad:
            replies = services.chat(sender, bad.pop(requested))
            reasked[requested] = texts(replies)
            continue
        replies = services.chat(sender, ANSWERS[requested])
    raise AssertionError(f"no summary after {MAX_TURNS} turns: {texts(replies)}")


def test_consent_form_correction_and_the_lead_in_redis(services, sender):
    start_handoff(services, sender)
    replies = services.chat(sender, "/give_consent")
    assert say("handoff.agreed", ZH) in texts(replies)
    replies, reasked, asked = fill_form(services, sender, replies, bad_first=True)
    # product and market are known from the question: they are not asked
    assert "lead_products" not in asked and "lead_markets" not in asked
    for slot_name in ("ubn", "phone"):
        assert say(f"handoff.reask.{slot_name}", ZH) in reasked[slot_name]
        assert say(f"handoff.ask.{slot_name}", ZH) in reasked[slot_name]  # and asked again
    summary = texts(replies)
    assert summary_line("contact_name", "王小明") in summary
    assert summary_line("phone", "0912-345-678") in summary
    assert summary_line("lead_markets", _kb(services.knowledge).markets["jp"].name(ZH)) in summary
    confirm = say("handoff.button_confirm", ZH)
    assert confirm in [b["title"] for b in buttons(replies)]

    replies = services.chat(sender, "電話改成 0987-654-321")
    assert say("handoff.confirm_head", ZH) in texts(replies)
    assert summary_line("phone", "0987-654-321") in texts(replies)
    assert tracker_slots(services, sender)["phone"] == "0987-654-321"
    replies = services.chat(sender, confirm)
    days = load_scoring(services.knowledge).working_days("jp")
    assert say("handoff.submitted", ZH, desk=desk_name(services, "jp"), days=days) in texts(replies)
    assert say("handoff.delete_hint", ZH) in texts(replies)

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
    assert say("handoff.deleted", ZH) in texts(replies)
    erased = leads.get(ids[0])
    assert erased.status == "erased" and not erased.has_personal_data
    assert erased.id not in [q.id for q in leads.queue("jp", 500)]
    slots = tracker_slots(services, sender)
    assert slots["phone"] is None and slots["contact_name"] is None and slots["company"] is None


def test_declining_stores_nothing_and_answers_continue(services, sender):
    start_handoff(services, sender)
    replies = services.chat(sender, "/decline_consent")
    assert say("handoff.declined", ZH) in texts(replies)
    assert store(services).conversation_leads(sender) == []
    replies = services.chat(sender, "那標籤呢？")
    assert card(replies) is not None, texts(replies)
    assert card(replies)["entry_id"] == "jp-labelling-household-goods"
    slots = tracker_slots(services, sender)
    assert slots["handoff_consent"] == "declined" and slots["consent_record"] is None
    assert slots["phone"] is None and slots["contact_name"] is None


def test_question_typed_into_the_form_is_answered_and_the_form_resumes(services, sender):
    start_handoff(services, sender)
    replies = services.chat(sender, "/give_consent")
    assert tracker_slots(services, sender)["requested_slot"] == "company"
    replies = services.chat(sender, "日本的食品標示要寫什麼？")
    assert card(replies) is not None and card(replies)["entry_id"] == "jp-labelling-food", \
        texts(replies)
    assert say("handoff.ask.company", ZH) in texts(replies)   # the form asks again
    slots = tracker_slots(services, sender)
    assert slots["requested_slot"] == "company" and slots["company"] is None
    replies = services.chat(sender, ANSWERS["company"])
    assert tracker_slots(services, sender)["company"] == ANSWERS["company"]
    assert say("handoff.ask.ubn", ZH) in texts(replies)
