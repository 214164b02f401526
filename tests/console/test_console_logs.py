"""Log hygiene: no line the console logs may hold contact data, message text or a lead's free
text — on the happy path, on refused and invalid requests, on an unexpected failure (a corrupt
lead record whose bad value *is* personal data), and while Redis is down. The console runs as
a subprocess; everything it writes (stdout and stderr) is scanned."""

from __future__ import annotations

import json
from dataclasses import replace

import requests

from market_entry.leads.model import new_lead_id
from tests.console.stack import PASSWORD, make_lead

NOTE = "客戶李先生手機 0988-123-456，請週五回電"
CORRUPT_PHONE = "0966-555-444"
CORRUPT_NAME = "錯誤資料王小美"


def secrets_of(stack) -> set[str]:
    values = {NOTE, "0988-123-456", CORRUPT_PHONE, CORRUPT_NAME, PASSWORD}
    for lead in stack.leads.values():
        contact = lead.contact
        values |= {contact.name, contact.phone, contact.email, contact.company, lead.help_wanted,
                   lead.summary, *(turn["text"] for turn in lead.transcript)}
    return {v for v in values if v}


def exercise(stack) -> None:
    """Every page, every change, and the ways they fail."""
    boss, officer = stack.login("boss"), stack.login("ming.jp")
    lead = stack.leads["jp-high"].id
    for session in (boss, officer):
        for path in ("/queue", "/kpi", "/export.csv", "/api/leads", "/api/me", "/audit",
                     "/queue?market=jp&status=new&score=10&from=2026-01-01&desk=jp"):
            session.get(stack.base + path)
        for seeded in stack.leads.values():
            session.get(f"{stack.base}/leads/{seeded.id}")
            session.get(f"{stack.base}/api/leads/{seeded.id}")
    form = {"csrf": officer.csrf}
    post = lambda action, **data: officer.post(  # noqa: E731 - short local helper
        f"{stack.base}/leads/{lead}/{action}", data={**form, **data}, allow_redirects=False)
    post("claim")
    post("notes", text=NOTE)
    post("notes", text=NOTE * 200)                          # too long: 400
    post("status", status="matched")                        # not allowed: 409
    for status in ("contacted", "qualified", "matched"):
        post("status", status=status)
    post("outcome", amount="0912-345-678")                  # a phone number as amount: 400
    post("outcome", amount="120萬", mou="1")
    officer.post(f"{stack.base}/leads/{lead}/notes", data={"text": NOTE})      # no CSRF: 403
    officer.post(f"{stack.base}/api/leads/{lead}/status", data="0912-345-678",
                 headers={"X-CSRF-Token": officer.csrf, "Content-Type": "application/json"})
    us = stack.leads["us-one"].id
    officer.get(f"{stack.base}/leads/{us}")                 # another desk: 404
    boss.post(f"{stack.base}/leads/{lead}/assign", data={"csrf": boss.csrf,
                                                          "assignee": "陳小明"})
    for username in ("ming@example.tw", "0912-345-678", "陳小明"):   # failed logins
        stack.post_login(requests.Session(), username, NOTE)
    requests.get(stack.base + "/queue?next=0912-345-678")   # logged out


def plant_corrupt_lead(stack) -> str:
    """A record whose creation time is personal data: reading it raises an error that quotes
    the value (datetime's ValueError), which must not reach the log."""
    lead = replace(make_lead("jp"), id=new_lead_id(), created=f"{CORRUPT_PHONE} {CORRUPT_NAME}")
    stack.client().set(f"leads:lead:{lead.id}", json.dumps(
        {"lead": lead.to_dict(), "conversation": "x", "idem": "y"}, ensure_ascii=False))
    return lead.id


def assert_clean(stack) -> str:
    log = stack.log_text()
    leaked = sorted(value for value in secrets_of(stack) if value in log)
    assert leaked == [], f"the console's log holds {leaked}"
    for account in ("ming.jp", "amy.jp", "john.us"):
        assert account not in log
    return log


def test_no_personal_data_in_the_log_on_any_path(stack):
    exercise(stack)
    corrupt = plant_corrupt_lead(stack)
    boss = stack.login("boss")
    page = boss.get(f"{stack.base}/leads/{corrupt}")
    assert page.status_code == 500 and CORRUPT_PHONE not in page.text
    assert boss.get(stack.base + "/export.csv").status_code == 500     # reads every record
    log = assert_clean(stack)
    assert "unexpected ValueError on GET /leads/" in log           # the failure is still logged
    stack.client().delete(f"leads:lead:{corrupt}")


def test_no_personal_data_in_the_log_while_redis_is_down(stack):
    boss = stack.login("boss")
    stack.redis_process.terminate()
    stack.redis_process.wait(timeout=10)
    assert requests.get(stack.base + "/health").status_code == 503
    for path in ("/queue", "/kpi", "/export.csv", f"/leads/{stack.leads['jp-high'].id}"):
        response = boss.get(stack.base + path, allow_redirects=False)
        assert response.status_code == 503 and "資料庫暫時無法連線" in response.text, path
    response = boss.post(f"{stack.base}/leads/{stack.leads['jp-high'].id}/notes",
                         data={"csrf": boss.csrf, "text": NOTE}, allow_redirects=False)
    assert response.status_code == 503
    assert boss.get(stack.base + "/api/leads").json() == {"error": "database unavailable"}
    refused = requests.post(stack.base + "/login", data={"username": "ming@example.tw",
                                                         "password": NOTE}, allow_redirects=False)
    assert refused.status_code == 403                       # no session, so no CSRF token
    log = assert_clean(stack)
    assert "Redis unreachable on GET /queue" in log
