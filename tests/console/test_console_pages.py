"""Words, not codes, on every page and in the CSV; the export follows every filter of the queue;
LeadStore.all reads every lead record. Realistic leads: every market, product, timeline, size
band, consent answer, screening outcome and rule result the hand-off writes, an erased lead, a
matched case with its outcome, and an audit log of every kind of action."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import replace

import pytest

from market_entry.eligibility import RULE_TYPES
from market_entry.leads.model import (
    CONSENT_AGREED,
    CONSENT_DECLINED,
    SIZE_BANDS,
    STATUS_ERASED,
    STATUS_PURGED,
    TIMELINES,
)
from market_entry.leads.scoring import VALUE_NAMES
from market_entry.leads.store import LeadStore
from services.console.knowledge import ReferenceStore, desk_ids
from services.console.labels import AUDIT_ACTIONS, PACE, RULE_RESULTS, SCREENING
from services.console.settings import REPO
from services.console.workflow import ROLES, STATUSES
from tests.console.stack import EVENT_NAME, make_lead

REFERENCE = ReferenceStore(REPO / "knowledge").get()


def known_codes() -> set[str]:
    """Every code a lead, a case or the audit log can carry."""
    codes = {*REFERENCE.markets, *REFERENCE.products, *REFERENCE.events, *REFERENCE.factors,
             *desk_ids(), *STATUSES, STATUS_ERASED, STATUS_PURGED, *TIMELINES, *SIZE_BANDS,
             CONSENT_AGREED, CONSENT_DECLINED, *SCREENING, *RULE_TYPES, *RULE_RESULTS, *ROLES,
             *AUDIT_ACTIONS, *PACE}
    for values in VALUE_NAMES.values():
        codes.update(values)
    return {c for c in codes if len(c) > 1}


CODE = re.compile(r"(?<![A-Za-z0-9_.@/-])(" + "|".join(
    re.escape(c) for c in sorted(known_codes(), key=len, reverse=True)) + r")(?![A-Za-z0-9_.@-])")


def page_text(markup: str) -> str:
    """What a reader sees: no style sheet, no tags, no attribute values."""
    markup = re.sub(r"<style.*?</style>", " ", markup, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def raw_codes(text: str) -> list[str]:
    return sorted(set(CODE.findall(text)))


def test_the_code_pattern_finds_codes_and_spares_names():
    assert raw_codes("日本 jp、3_to_12_months；registered_company: met") == \
        ["3_to_12_months", "jp", "met", "registered_company"]
    assert raw_codes("ming.jp・ming@example.tw・/leads/abc・NT$1,200 MOU") == []


EXTRA = {  # name → (lead changes, conversation)
    "vn-eligible": dict(desk="emerging", markets=("vn", "th"), products=("food", "supplements"),
                        timeline="3_to_12_months", size_band="micro", company="越南食品行",
                        name="黃美玲", phone="0933-111-222", email="mei@example.com"),
    "us-not-eligible": dict(desk="us", markets=("us", "mx"), products=("auto_parts",),
                            timeline="later", size_band="medium", company="汽配工業",
                            name="周志明", phone="0955-666-777", email="chou@example.net"),
    "erased": dict(desk="jp", markets=("jp",), products=("cosmetics",), company="將刪除",
                   name="刪除者", phone="0977-000-111", email="gone@example.com"),
}


@pytest.fixture(scope="module")
def leads(stack):
    """More realistic leads beside the stack's, and one change of every kind."""
    store = LeadStore(stack.client())
    extra = {}
    for name, given in EXTRA.items():
        fields = dict(given)
        desk, markets = fields.pop("desk"), fields.pop("markets")
        lead = make_lead(desk, 55, 6, markets=markets, **fields)
        if name == "vn-eligible":
            lead = replace(lead, screening={"event": "vietnam-expo-2027", "outcome": "eligible",
                                            "rules": {"sme": "met", "registered_company": "met"}},
                           english_materials=True, export_experience=False)
        if name == "us-not-eligible":
            lead = replace(lead, screening={"event": "ces-2027", "outcome": "not_eligible",
                                            "rules": {"certifications": "not_met",
                                                      "no_fee_arrears": "met"}},
                           export_experience="unknown", english_materials=None)
        store.create(lead, f"conv-{name}", f"conv-{name}#1")
        extra[name] = lead
    store.erase("conv-erased")
    boss = stack.login("boss")
    officer = stack.login("ming.jp")
    lead = stack.leads["jp-high"].id
    form = {"csrf": officer.csrf}
    officer.post(f"{stack.base}/leads/{lead}/claim", data=form)
    for status in ("contacted", "qualified", "matched"):
        officer.post(f"{stack.base}/leads/{lead}/status", data=dict(form, status=status))
    officer.post(f"{stack.base}/leads/{lead}/outcome", data=dict(form, amount="1.5億", mou="1"))
    officer.post(f"{stack.base}/leads/{lead}/notes", data=dict(form, text="已簽 MOU"))
    boss.post(f"{stack.base}/leads/{stack.leads['jp-new'].id}/assign",
              data={"csrf": boss.csrf, "assignee": "amy.jp"})
    boss.get(stack.base + "/export.csv")
    boss.get(stack.base + "/kpi")
    boss.get(stack.base + "/api/leads")
    boss.get(f"{stack.base}/api/leads/{lead}")
    return {**stack.leads, **extra}


def test_queue_shows_words(stack, leads):
    for user in ("boss", "ming.jp"):
        page = stack.login(user).get(stack.base + "/queue").text
        assert raw_codes(page_text(page)) == [], user
    page = page_text(stack.login("boss").get(stack.base + "/queue").text)
    assert "越南、泰國" in page and "食品、保健食品" in page and "新興市場窗口" in page


def test_every_lead_page_shows_words(stack, leads):
    boss = stack.login("boss")
    for name, lead in leads.items():
        page = page_text(boss.get(f"{stack.base}/leads/{lead.id}").text)
        assert raw_codes(page) == [], name
    jp = page_text(boss.get(f"{stack.base}/leads/{leads['jp-old'].id}").text)
    assert "微型（未滿5人）" in jp and "3 到 12 個月" in jp and "同意" in jp
    assert EVENT_NAME in jp and "公司或商業登記：符合" in jp and "產業別：不符合" in jp
    assert "出口實績：待確認" in jp and "需人工確認" in jp
    us = page_text(boss.get(f"{stack.base}/leads/{leads['us-not-eligible'].id}").text)
    assert "不符合資格" in us and "產品認證：不符合" in us and "200人以上" not in us
    assert "中型（50–199人）" in us and "12 個月以後" in us and "汽車零組件" in us
    erased = page_text(boss.get(f"{stack.base}/leads/{leads['erased'].id}").text)
    assert "已依當事人要求刪除個資" in erased and "刪除者" not in erased


def test_kpi_page_shows_words(stack, leads):
    for user in ("boss", "ming.jp"):
        page = page_text(stack.login(user).get(stack.base + "/kpi").text)
        assert raw_codes(page) == [], user


def test_audit_log_shows_words(stack, leads):
    page = page_text(stack.login("boss").get(stack.base + "/audit").text)
    assert raw_codes(page) == []
    for words in ("登入", "查看案件佇列", "查看案件", "認領案件", "指派案件", "變更狀態",
                  "新增備註", "登錄媒合成果", "查看績效指標", "匯出 CSV", "新案件 → 已聯繫",
                  "已確認需求 → 已媒合", "負責人：amy.jp", "NT$150,000,000；MOU 已簽；POC 未簽"):
        assert words in page, words


def export_rows(session, base, **params) -> list[dict]:
    response = session.get(base + "/export.csv", params=params)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_shows_words(stack, leads):
    boss = stack.login("boss")
    text = boss.get(stack.base + "/export.csv").content.decode("utf-8-sig")
    assert raw_codes(text) == []
    rows = {row["案件編號"]: row for row in export_rows(boss, stack.base)}
    vn = rows[leads["vn-eligible"].id]
    assert vn["窗口"] == "新興市場窗口" and vn["目標市場"] == "越南、泰國"
    assert vn["產品"] == "食品、保健食品" and vn["公司規模"] == "微型（未滿5人）"
    assert vn["預計時程"] == "3 到 12 個月" and vn["活動資格初審"].endswith("：符合資格")
    matched = rows[leads["jp-high"].id]
    assert matched["狀態"] == "已媒合" and matched["媒合金額（新臺幣）"] == "150000000"
    assert matched["MOU"] == "已簽" and matched["POC"] == "未簽"
    erased = rows[leads["erased"].id]            # anonymised records stay in the export
    assert erased["狀態"] == "已依當事人要求刪除個資" and erased["聯絡人"] == ""


def test_a_supervisor_exports_only_the_desk_filtered_to(stack, leads):
    boss = stack.login("boss")
    for desk, name in (("eu", "臺歐窗口"), ("us", "臺美窗口"), ("emerging", "新興市場窗口")):
        rows = export_rows(boss, stack.base, desk=desk)
        assert rows and {row["窗口"] for row in rows} == {name}, desk
    everything = export_rows(boss, stack.base)
    assert len({row["窗口"] for row in everything}) == 4


def test_the_export_follows_every_filter_of_the_queue(stack, leads):
    boss = stack.login("boss")
    cases = [
        {"desk": "jp", "status": "matched"},
        {"desk": "jp", "score": "60"},
        {"market": "us", "score": "50"},
        {"status": "new", "desk": "us"},
        {"desk": "jp", "from": "2000-01-01", "to": "2099-12-31", "market": "jp"},
    ]
    for params in cases:
        queue = boss.get(stack.base + "/api/leads", params=params).json()["leads"]
        exported = export_rows(boss, stack.base, **params)
        assert {row["案件編號"] for row in exported} >= {lead["id"] for lead in queue}, params
        for row in exported:
            lead = leads_by_id(leads)[row["案件編號"]]
            if "desk" in params:
                assert lead.desk == params["desk"]
            if "market" in params:
                assert params["market"] in lead.markets
            if "score" in params:
                assert lead.score >= int(params["score"])
        if params.get("status") == "matched":
            assert [row["案件編號"] for row in exported] == [leads["jp-high"].id]
    # the queue's export link carries the very same filters
    page = boss.get(stack.base + "/queue", params={"desk": "eu", "score": "5", "junk": "x"}).text
    assert 'href="/export.csv?desk=eu&amp;score=5"' in page
    officer = stack.login("ming.jp")             # an officer cannot widen their desk
    assert {row["窗口"] for row in export_rows(officer, stack.base, desk="us")} == {"臺日窗口"}


def leads_by_id(leads: dict) -> dict:
    return {lead.id: lead for lead in leads.values()}


def test_the_lead_store_reads_every_record_once(stack, leads):
    store = LeadStore(stack.client())
    for batch in (1, 2, 500):
        found = [lead.id for lead in store.all(batch=batch)]
        assert sorted(found) == sorted(lead.id for lead in leads.values()), batch
    erased = next(lead for lead in store.all() if lead.id == leads["erased"].id)
    assert erased.status == STATUS_ERASED and not erased.has_personal_data
