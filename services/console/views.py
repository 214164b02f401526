"""The HTML pages and form posts (Jinja2 templates in templates/, no JavaScript).

Every Redis or file call runs on the console's thread pool (context.call); the lead routes share
one preamble (context.lead_request). Log lines name actions, lead ids, statuses and counts —
never owners' personal data, note texts or account names."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2
import redis
from aiohttp import web

from services.console import charts, sessions
from services.console.cases import TAIPEI, Filters
from services.console.context import (
    call,
    console,
    labels,
    lead_request,
    officer,
)
from services.console.export import export_csv
from services.console.knowledge import desk_ids
from services.console.kpi import kpis, programme
from services.console.labels import ntd, roc_year
from services.console.workflow import (
    OUTCOME_STATUSES,
    STATUSES,
    InvalidTransition,
    allowed_next,
    read_amount,
)

log = logging.getLogger("console")
MAX_NOTE = 2000
TEMPLATES = Path(__file__).parent / "templates"


def make_templates() -> jinja2.Environment:
    # auto_reload off: templates are code, read once, and no file check runs on the event loop
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, auto_reload=False)
    env.filters["ntd"] = ntd
    env.filters["local"] = charts.local_time
    return env


async def render(request: web.Request, name: str, status: int = 200, **context) -> web.Response:
    session = request.get("session") or {}
    template = console(request).templates.get_template(name)
    html = template.render(officer=request.get("officer"), csrf=session.get("csrf", ""),
                           path=request.path, labels=await labels(request), **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


def _back(case_id: str, message: str = "") -> web.HTTPFound:
    suffix = "?" + urlencode({"msg": message}) if message else ""
    return web.HTTPFound(f"/leads/{quote(case_id)}{suffix}")


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") and \
        "\\" not in target else "/queue"


def _audit(request: web.Request, action: str, lead: str = "", detail: str = ""):
    return call(request, console(request).cases.audit, officer(request).username, action, lead,
                detail)


# signing in and out ----------------------------------------------------------------------
async def login_form(request: web.Request) -> web.Response:
    if request["officer"] is not None:
        return redirect("/queue")
    target = _safe_next(request.query.get("next", "/queue"))
    if request["session"]:
        return await render(request, "login.html", next=target)
    holder = web.Response()
    request["session"] = await sessions.start(request, holder)   # the login form's CSRF token
    response = await render(request, "login.html", next=target)
    response.cookies.update(holder.cookies)
    return response


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    target = _safe_next(str(form.get("next", "/queue")))
    who, locked = await call(request, console(request).accounts.authenticate,
                             str(form.get("username", "")), str(form.get("password", "")))
    if who is None:
        if locked:
            log.warning("login refused: account locked")
            error = f"登入失敗次數過多，帳號已暫時鎖定，請 {max(1, locked // 60)} 分鐘後再試。"
            return await render(request, "login.html", status=429, error=error, next=target)
        log.info("login failed")
        return await render(request, "login.html", status=401, error="帳號或密碼錯誤。",
                            next=target)
    response = redirect(target)
    await sessions.start(request, response, who.username, replaces=request["session"])
    await call(request, console(request).cases.audit, who.username, "login")
    log.info("login ok (%s)", who.role)
    return response


async def logout(request: web.Request) -> web.Response:
    await _audit(request, "logout")
    response = redirect("/login")
    await sessions.end(request, response)
    return response


async def index(request: web.Request) -> web.Response:
    return redirect("/queue")


# the queue and the export ----------------------------------------------------------------
async def queue(request: web.Request) -> web.Response:
    who = officer(request)
    filters = Filters.from_query(request.query, who.visible_desks())
    cases = await call(request, console(request).cases.queue, who, filters)
    await _audit(request, "view_queue", "", f"{len(cases)} leads")
    log.info("queue viewed: %d leads", len(cases))
    return await render(request, "queue.html", cases=cases, filters=filters,
                        desks=who.visible_desks(), statuses=STATUSES,
                        export_query=filters.query())


async def export(request: web.Request) -> web.Response:
    who = officer(request)
    filters = Filters.from_query(request.query, who.visible_desks())
    cases = await call(request, console(request).cases.export, who, filters)
    await _audit(request, "export_csv", "", f"{len(cases)} leads")
    log.info("CSV export: %d leads", len(cases))
    name = f"leads-{time.strftime('%Y%m%d')}.csv"
    body = export_csv(cases, who, await labels(request))
    return web.Response(body=body.encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


# a lead ----------------------------------------------------------------------------------
async def lead_detail(request: web.Request) -> web.Response:
    lead = await lead_request(request, with_notes=True)
    who, case = lead.officer, lead.case
    await _audit(request, "view_lead", case.lead.id)
    accounts = await call(request, console(request).accounts.all)
    assignable = [o for o in accounts if who.can_assign(case.lead.desk, o)]
    return await render(request, "lead.html", case=case, next_statuses=allowed_next(case.status),
                        outcome_open=case.status in OUTCOME_STATUSES, assignable=assignable,
                        message=request.query.get("msg", "")[:100])


async def claim(request: web.Request) -> web.Response:
    lead = await lead_request(request)
    username = lead.officer.username
    await call(request, console(request).cases.assign, lead.case, username, username)
    raise _back(lead.case.lead.id, "已認領此案件")


async def assign(request: web.Request) -> web.Response:
    lead = await lead_request(request, form=True)
    wanted = str(lead.form.get("assignee", "")).strip().lower()
    assignee = await call(request, console(request).accounts.get, wanted)
    if not lead.officer.can_assign(lead.case.lead.desk, assignee):
        raise web.HTTPForbidden(text="無權指派給此帳號。")
    await call(request, console(request).cases.assign, lead.case, assignee.username,
               lead.officer.username)
    raise _back(lead.case.lead.id, "已指派")


async def change_status(request: web.Request) -> web.Response:
    lead = await lead_request(request, form=True)
    wanted = str(lead.form.get("status", ""))
    try:
        await call(request, console(request).cases.set_status, lead.case, wanted,
                   lead.officer.username)
    except (InvalidTransition, redis.exceptions.WatchError):
        log.info("status change refused")
        raise web.HTTPConflict(text="此狀態變更不允許（請重新整理頁面查看目前狀態）。") from None
    log.info("lead %s status → %s", lead.case.lead.id, wanted)
    names = await labels(request)
    raise _back(lead.case.lead.id, f"狀態已更新為「{names.status(wanted)}」")


async def add_note(request: web.Request) -> web.Response:
    lead = await lead_request(request, form=True)
    text = str(lead.form.get("text", "")).strip()
    if not text or len(text) > MAX_NOTE:
        raise web.HTTPBadRequest(text=f"備註需為 1–{MAX_NOTE} 字。")
    await call(request, console(request).cases.add_note, lead.case, text, lead.officer.username)
    raise _back(lead.case.lead.id, "已新增備註")


async def set_outcome(request: web.Request) -> web.Response:
    lead = await lead_request(request, form=True)
    amount = read_amount(str(lead.form.get("amount", "")))
    if amount is None:
        raise web.HTTPBadRequest(text="金額格式不正確（請填新臺幣金額，例如 1200000 或 120萬）。")
    if lead.case.status not in OUTCOME_STATUSES:
        raise web.HTTPConflict(text="只有已媒合或已結案的案件可以登錄媒合成果。")
    await call(request, console(request).cases.set_outcome, lead.case, amount,
               lead.form.get("mou") == "1", lead.form.get("poc") == "1", lead.officer.username)
    raise _back(lead.case.lead.id, "已登錄媒合成果")


# supervisors' audit log and the KPIs -----------------------------------------------------
async def audit_page(request: web.Request) -> web.Response:
    if not officer(request).can_read_audit:
        raise web.HTTPForbidden(text="稽核紀錄僅限主管查看。")
    user = request.query.get("user", "")[:64]
    lead = request.query.get("lead", "")[:64]
    entries = await call(request, console(request).cases.audit_entries, 300, user=user, lead=lead)
    await _audit(request, "view_audit")
    return await render(request, "audit.html", entries=entries, user=user, lead=lead)


def _year(request: web.Request, this_year: int) -> int:
    raw = request.query.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else this_year


async def kpi_page(request: web.Request) -> web.Response:
    """The programme's targets against the period's cumulative figures of all desks (each desk
    for supervisors), the yearly pace, and the chosen year month by month (own desk for
    officers). Officers see the programme totals as counts only, never other desks' leads."""
    who = officer(request)
    today = datetime.now(TAIPEI).date()
    year = _year(request, today.year)
    desks = who.visible_desks()
    everything = await call(request, console(request).cases.all_cases, desk_ids())
    await _audit(request, "view_kpi", "", str(year))
    names = await labels(request)
    targets = names.ref.targets
    data = kpis([c for c in everything if c.lead.desk in desks], year, desks)
    progress = programme(everything, targets, today, desk_ids())
    bars = charts.progress_bars([
        ("媒合案件數", progress.totals.cases, targets.matchmaking_cases,
         f"{progress.totals.cases} / {targets.matchmaking_cases} 件"),
        ("媒合金額", progress.totals.amount, targets.matched_value_ntd,
         f"{ntd(progress.totals.amount)} / {ntd(targets.matched_value_ntd)}"),
    ])
    return await render(
        request, "kpi.html", year=year, roc=roc_year(year), data=data, desks=desks,
        chart=charts.monthly_chart(data["months"], data["table"], desks, names),
        period_chart=charts.period_chart(progress), progress=progress, bars=bars,
        targets=targets, pace=progress.pace(year), colours=charts.desk_colours(desks),
        this_year=today.year)
