"""Every route of the console over HTTP against a real Redis: access control (logged out,
another desk, roles), CSRF, lockout, the workflow, notes, outcomes, KPIs, CSV, audit, logs."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
import requests

from services.console.accounts import Accounts
from services.console.cases import TAIPEI
from tests.console.stack import EVENT_NAME, PASSWORD, REPO, ConsoleStack

PAGES = ["/", "/queue", "/kpi", "/audit", "/export.csv", "/leads/{jp}"]
API_GETS = ["/api/me", "/api/leads", "/api/leads/{jp}"]
POSTS = ["/logout", "/leads/{jp}/claim", "/leads/{jp}/assign", "/leads/{jp}/status",
         "/leads/{jp}/notes", "/leads/{jp}/outcome"]
LEAD_POSTS = {  # route → a valid form (besides csrf)
    "claim": {}, "assign": {"assignee": "amy.jp"}, "status": {"status": "contacted"},
    "notes": {"text": "已電話聯繫"}, "outcome": {"amount": "1000"},
}


def url(stack: ConsoleStack, path: str, lead: str = "jp-high") -> str:
    return stack.base + path.format(jp=stack.leads[lead].id)


def test_health_answers_without_login(stack):
    response = requests.get(stack.base + "/health")
    assert response.status_code == 200 and response.json() == {"status": "ok", "redis": True}


@pytest.mark.parametrize("path", PAGES)
def test_pages_redirect_to_login_when_logged_out(stack, path):
    response = requests.get(url(stack, path), allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "高分精機" not in response.text


@pytest.mark.parametrize("path", API_GETS + ["/api/leads/{jp}/status"])
def test_api_answers_401_when_logged_out(stack, path):
    method = requests.post if path.endswith("/status") else requests.get
    response = method(url(stack, path), allow_redirects=False)
    assert response.status_code == 401


@pytest.mark.parametrize("path", POSTS)
def test_posts_do_nothing_when_logged_out(stack, path):
    response = requests.post(url(stack, path), data={"status": "contacted"}, allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert stack.client().hget(f"console:lead:{stack.leads['jp-high'].id}", "status") is None


def test_every_route_is_covered_by_these_tests(stack):
    from services.console.app import create_app
    from services.console.settings import Settings

    app = create_app(Settings(secret_key="x" * 40), client=stack.client())
    routes = {(r.method, r.resource.canonical) for r in app.router.routes()}
    tested = {("GET", p.replace("{jp}", "{lead_id}")) for p in PAGES + API_GETS}
    tested |= {("POST", p.replace("{jp}", "{lead_id}")) for p in POSTS}
    tested |= {("POST", "/api/leads/{lead_id}/status"), ("GET", "/health"), ("GET", "/login"),
               ("POST", "/login")}
    routes = {r for r in routes if r[0] != "HEAD"}
    assert routes == tested


def test_login_cookie_flags_and_session_rotation(stack):
    session = requests.Session()
    page = session.get(stack.base + "/login")
    anonymous = session.cookies["console_session"]
    assert "HttpOnly" in page.headers["Set-Cookie"] and "SameSite=Lax" in page.headers["Set-Cookie"]
    assert "Secure" not in page.headers["Set-Cookie"]          # CONSOLE_SECURE_COOKIES=0 here
    response = stack.post_login(session, "ming.jp", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/queue"
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert session.cookies["console_session"] != anonymous    # a new id at login
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert session.get(stack.base + "/queue").status_code == 200


def test_forged_cookie_is_not_a_session(stack):
    session = stack.login("ming.jp")
    token = session.cookies["console_session"].split(".")[0]
    forged = requests.get(stack.base + "/queue", cookies={"console_session": token + ".0000"},
                          allow_redirects=False)
    assert forged.status_code == 302


def test_wrong_password(stack):
    response = stack.post_login(requests.Session(), "ming.jp", "wrong-password-123")
    assert response.status_code == 401 and "帳號或密碼錯誤" in response.text
    response = stack.post_login(requests.Session(), "nobody", "wrong-password-123")
    assert response.status_code == 401


def test_lockout_after_five_failures(stack):
    for _ in range(4):
        assert stack.post_login(requests.Session(), "locked.jp", "bad-password-xx").status_code == 401
    assert stack.post_login(requests.Session(), "locked.jp", "bad-password-xx").status_code == 429
    # locked: even the right password is refused, for 15 minutes
    response = stack.post_login(requests.Session(), "locked.jp", PASSWORD)
    assert response.status_code == 429 and "鎖定" in response.text
    ttl = stack.client().ttl("console:failures:locked.jp")
    assert 14 * 60 < ttl <= 15 * 60
    stack.client().delete("console:failures:locked.jp")       # the lockout ends
    assert stack.post_login(requests.Session(), "locked.jp", PASSWORD).status_code == 302


def test_login_without_csrf_is_refused(stack):
    session = requests.Session()
    session.get(stack.base + "/login")
    response = session.post(stack.base + "/login", data={"username": "ming.jp",
                                                         "password": PASSWORD},
                            allow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize("action", list(LEAD_POSTS))
def test_posts_without_or_with_a_wrong_csrf_token_are_refused(stack, action):
    session = stack.login("boss")
    target = url(stack, f"/leads/{{jp}}/{action}", "jp-low")
    assert session.post(target, data=LEAD_POSTS[action], allow_redirects=False).status_code == 403
    bad = dict(LEAD_POSTS[action], csrf="not-the-token")
    assert session.post(target, data=bad, allow_redirects=False).status_code == 403
    api = session.post(url(stack, "/api/leads/{jp}/status", "jp-low"), json={"status": "contacted"})
    assert api.status_code == 403
    state = stack.client().hgetall(f"console:lead:{stack.leads['jp-low'].id}")
    assert not state and not stack.client().exists(f"console:notes:{stack.leads['jp-low'].id}")
    logout = session.post(stack.base + "/logout", allow_redirects=False)
    assert logout.status_code == 403 and session.get(stack.base + "/api/me").status_code == 200


def test_officer_queue_is_their_desk_sorted_by_score_then_age(stack):
    session = stack.login("ming.jp")
    ids = [lead["id"] for lead in session.get(stack.base + "/api/leads").json()["leads"]]
    names = {lead.id: name for name, lead in stack.leads.items()}
    assert [names[i] for i in ids] == ["jp-high", "jp-old", "jp-new", "jp-low"]
    page = session.get(stack.base + "/queue").text
    assert "高分精機" in page and "美國通商" not in page and "歐洲精品" not in page
    assert page.index("高分精機") < page.index("老字號食品") < page.index("新創科技")


def test_supervisor_sees_every_desk(stack):
    session = stack.login("boss")
    ids = {lead["id"] for lead in session.get(stack.base + "/api/leads").json()["leads"]}
    assert ids == {lead.id for lead in stack.leads.values()}
    only_eu = session.get(stack.base + "/api/leads", params={"desk": "eu"}).json()["leads"]
    assert [lead["id"] for lead in only_eu] == [stack.leads["eu-one"].id]
    assert session.get(url(stack, "/leads/{jp}", "us-one")).status_code == 200


def test_filters(stack):
    session = stack.login("ming.jp")

    def names(**params):
        leads = session.get(stack.base + "/api/leads", params=params).json()["leads"]
        found = {lead.id: name for name, lead in stack.leads.items()}
        return [found[lead["id"]] for lead in leads]

    assert names(market="us") == ["jp-low"]
    assert names(status="lost") == []
    old = stack.leads["jp-old"].created_at.astimezone(TAIPEI).date().isoformat()
    assert names(**{"from": "2099-01-01"}) == []
    assert names(to=old) == ["jp-old"]
    assert set(names(**{"from": old, "to": "2099-01-01"})) == {"jp-high", "jp-old", "jp-new", "jp-low"}
    assert "market=us" in session.get(stack.base + "/queue", params={"market": "us"}).text


@pytest.mark.parametrize("lead", ["us-one", "eu-one"])
def test_another_desks_lead_is_404_everywhere(stack, lead):
    session = stack.login("ming.jp")
    assert session.get(url(stack, "/leads/{jp}", lead)).status_code == 404
    assert session.get(url(stack, "/api/leads/{jp}", lead)).status_code == 404
    for action, form in LEAD_POSTS.items():
        response = session.post(url(stack, f"/leads/{{jp}}/{action}", lead),
                                data=dict(form, csrf=session.csrf), allow_redirects=False)
        assert response.status_code == 404, action
    api = session.post(url(stack, "/api/leads/{jp}/status", lead), json={"status": "contacted"},
                       headers={"X-CSRF-Token": session.csrf})
    assert api.status_code == 404
    assert not stack.client().exists(f"console:lead:{stack.leads[lead].id}")
    assert session.get(stack.base + "/leads/doesnotexist").status_code == 404
    assert stack.leads[lead].contact.name not in session.get(stack.base + "/export.csv").text


def test_lead_page_shows_transcript_screening_and_score(stack):
    session = stack.login("ming.jp")
    page = session.get(url(stack, "/leads/{jp}", "jp-new")).text
    assert "想賣到日本需要什麼認證？" in page and "PSE" in page
    assert "需人工確認" in page and EVENT_NAME in page
    assert "預計三個月內進入市場：+25" in page and "0912-345-678" in page


def test_workflow_claim_notes_outcome_and_kpi(stack):
    session = stack.login("ming.jp")
    lead = stack.leads["jp-old"].id
    form = {"csrf": session.csrf}

    def post(action, **data):
        return session.post(f"{stack.base}/leads/{lead}/{action}", data={**form, **data},
                            allow_redirects=False)

    assert post("claim").status_code == 302
    assert session.get(f"{stack.base}/api/leads/{lead}").json()["assignee"] == "ming.jp"
    assert post("status", status="qualified").status_code == 409       # must be contacted first
    assert post("outcome", amount="1000").status_code == 409           # not matched yet
    for status in ("contacted", "qualified", "matched"):
        assert post("status", status=status).status_code == 302
    assert post("outcome", amount="abc").status_code == 400
    assert post("outcome", amount="NT$12,000,000", mou="1").status_code == 302
    assert post("notes", text="客戶已簽 MOU").status_code == 302
    assert post("notes", text="").status_code == 400
    detail = session.get(f"{stack.base}/api/leads/{lead}").json()
    assert detail["status"] == "matched" and detail["amount"] == 12_000_000
    assert detail["mou"] and not detail["poc"]
    assert detail["notes"][0]["text"] == "客戶已簽 MOU" and detail["notes"][0]["user"] == "ming.jp"
    page = session.get(f"{stack.base}/leads/{lead}").text
    assert "客戶已簽 MOU" in page and "NT$12,000,000" in page
    assert post("status", status="closed").status_code == 302
    assert post("status", status="lost").status_code == 409           # closed is final
    kpi = session.get(stack.base + "/kpi").text
    assert "<svg" in kpi and "NT$12,000,000" in kpi and "/ 210 件" in kpi
    assert "NT$3,200,000,000" in kpi
    assert "<script" not in kpi and "http://" not in kpi.replace("http://www.w3.org/2000/svg", "")
    # the JSON API follows the same workflow
    other = stack.leads["jp-new"].id
    api = f"{stack.base}/api/leads/{other}/status"
    headers = {"X-CSRF-Token": session.csrf}
    assert session.post(api, json={"status": "matched"}, headers=headers).status_code == 409
    assert session.post(api, json={"status": "contacted"}, headers=headers).json()["status"] == \
        "contacted"


def test_assigning(stack):
    officer = stack.login("ming.jp")
    lead = stack.leads["jp-high"].id
    refused = officer.post(f"{stack.base}/leads/{lead}/assign",
                           data={"csrf": officer.csrf, "assignee": "amy.jp"}, allow_redirects=False)
    assert refused.status_code == 403
    boss = stack.login("boss")
    to_us = boss.post(f"{stack.base}/leads/{lead}/assign",
                      data={"csrf": boss.csrf, "assignee": "john.us"}, allow_redirects=False)
    assert to_us.status_code == 403                               # not an officer of that desk
    ok = boss.post(f"{stack.base}/leads/{lead}/assign",
                   data={"csrf": boss.csrf, "assignee": "amy.jp"}, allow_redirects=False)
    assert ok.status_code == 302
    assert boss.get(f"{stack.base}/api/leads/{lead}").json()["assignee"] == "amy.jp"
    assert 'name="assignee"' in boss.get(f"{stack.base}/leads/{lead}").text
    assert 'name="assignee"' not in officer.get(f"{stack.base}/leads/{lead}").text


def test_csv_export(stack):
    officer = stack.login("ming.jp")
    response = officer.get(stack.base + "/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["窗口"] for row in rows} == {"臺日窗口"} and len(rows) == 4
    assert all(row["聯絡人"] == "陳小明" and row["電話"] for row in rows)
    boss = stack.login("boss")
    rows = list(csv.DictReader(io.StringIO(boss.get(stack.base + "/export.csv").content
                                           .decode("utf-8-sig"))))
    assert {row["窗口"] for row in rows} == {"臺日窗口", "臺美窗口", "臺歐窗口"}
    assert {row["聯絡人"] for row in rows} >= {"王大同", "林小華"}
    only_us = boss.get(stack.base + "/export.csv", params={"market": "us"}).content.decode("utf-8-sig")
    assert "王大同" in only_us and "林小華" not in only_us


def test_audit_log_records_views_and_changes_for_supervisors_only(stack):
    officer = stack.login("amy.jp")
    lead = stack.leads["jp-low"].id
    officer.get(f"{stack.base}/leads/{lead}")
    officer.post(f"{stack.base}/leads/{lead}/notes", data={"csrf": officer.csrf, "text": "秘密備註"})
    assert officer.get(stack.base + "/audit").status_code == 403
    boss = stack.login("boss")
    page = boss.get(stack.base + "/audit", params={"lead": lead}).text
    assert "amy.jp" in page and "查看案件" in page and "新增備註" in page
    assert "秘密備註" not in page                                 # note texts are not copied
    entries = stack.client().xrange("console:audit")
    actions = {(e[1][b"user"], e[1][b"action"]) for e in entries}
    assert (b"amy.jp", b"view_lead") in actions and (b"amy.jp", b"note") in actions
    assert (b"ming.jp", b"status") in actions and (b"boss", b"assign") in actions
    assert all(b"time" in e[1] for e in entries)


def test_kpi_for_an_officer_is_their_desk(stack):
    page = stack.login("john.us").get(stack.base + "/kpi").text
    assert "臺美窗口" in page and "臺日窗口" not in page.split("<main>")[1]


def test_logout_ends_the_session(stack):
    session = stack.login("ming.jp")
    response = session.post(stack.base + "/logout", data={"csrf": session.csrf},
                            allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert session.get(stack.base + "/queue", allow_redirects=False).status_code == 302
    assert session.get(stack.base + "/api/leads").status_code == 401


def test_deleted_account_loses_its_session(stack):
    Accounts(stack.client()).create("temp.eu", PASSWORD, "eu", "officer")
    session = stack.login("temp.eu")
    Accounts(stack.client()).delete("temp.eu")
    assert session.get(stack.base + "/api/me").status_code == 401


def test_logs_hold_no_personal_data(stack):
    log = stack.log_text()
    assert "console on http://" in log
    for lead in stack.leads.values():
        for value in (lead.contact.name, lead.contact.phone, lead.contact.email,
                      lead.contact.company):
            assert value not in log
    assert PASSWORD not in log and "ming.jp" not in log


def test_refuses_to_start_without_a_secret_key(stack):
    env = dict(stack.env(), CONSOLE_SECRET_KEY="")
    result = subprocess.run([sys.executable, "-m", "services.console.app"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "CONSOLE_SECRET_KEY" in result.stderr


def test_accounts_command(stack):
    env = dict(os.environ, REDIS_URL=stack.redis_url, PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "services.console.accounts"]
    made = subprocess.run(command + ["create", "--username", "new.officer", "--desk", "emerging",
                                     "--role", "officer"], input="a-long-password-1\n",
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=30)
    assert made.returncode == 0, made.stderr
    short = subprocess.run(command + ["create", "--username", "short", "--desk", "eu"],
                           input="short\n", env=env, cwd=REPO, capture_output=True, text=True,
                           timeout=30)
    assert short.returncode == 2 and "10 characters" in short.stderr
    listed = subprocess.run(command + ["list"], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=30)
    assert "new.officer\temerging\tofficer" in listed.stdout
    stored = stack.client().hget("console:account:new.officer", "password").decode()
    assert stored.startswith("$argon2id$") and "a-long-password-1" not in stored
    assert stack.login("new.officer", "a-long-password-1").get(stack.base + "/api/me").json()[
        "desk"] == "emerging"
