"""The trade officers' web console (aiohttp + Jinja2, no JavaScript, no external assets).

    python -m services.console.app     (CONSOLE_SECRET_KEY required; REDIS_URL, CONSOLE_HOST,
                                        CONSOLE_PORT, CONSOLE_SECURE_COOKIES; docs/console.md)

Sessions live in Redis (`console:session:<digest>`); the cookie carries a random token signed
with CONSOLE_SECRET_KEY. Every POST checks the session's CSRF token (form field `csrf` or header
X-CSRF-Token). Only /health and /login answer without a session: pages redirect to /login, /api/
routes answer 401. A lead of a desk the officer does not serve answers 404, like a missing one.
Logs carry request paths without lead ids' owners, statuses and counts; never personal data.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2
import redis
from aiohttp import web

from services.console import charts, keys
from services.console.accounts import Accounts
from services.console.cases import Cases, Filters, export_csv, kpis, parse_date
from services.console.settings import Settings, load
from services.console.workflow import (
    DESK_NAMES,
    DESKS,
    OUTCOME_STATUSES,
    ROLE_NAMES,
    STATUS_NAMES,
    STATUSES,
    TARGET_AMOUNT_NTD,
    TARGET_CASES,
    InvalidTransition,
    Officer,
    allowed_next,
    parse_amount,
)

log = logging.getLogger("console")
COOKIE = "console_session"
MAX_NOTE = 2000

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", redis.Redis)
ACCOUNTS = web.AppKey("accounts", Accounts)
CASES = web.AppKey("cases", Cases)
TEMPLATES = web.AppKey("templates", jinja2.Environment)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# sessions --------------------------------------------------------------------------------
def _sign(settings: Settings, token: str) -> str:
    mac = hmac.new(settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()
    return f"{token}.{mac[:32]}"


def _unsign(settings: Settings, value: str) -> str | None:
    token, _, mac = (value or "").partition(".")
    if not token or not mac:
        return None
    return token if hmac.compare_digest(_sign(settings, token), value) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _secure(request: web.Request) -> bool:
    mode = request.app[SETTINGS].secure_cookies
    if mode in ("0", "1"):
        return mode == "1"
    if request.secure:
        return True
    return request.app[SETTINGS].trust_proxy and \
        request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def _load_session(request: web.Request) -> dict | None:
    token = _unsign(request.app[SETTINGS], request.cookies.get(COOKIE, ""))
    if not token:
        return None
    raw = request.app[REDIS].hgetall(keys.session(_digest(token)))
    if not raw:
        return None
    data = {k.decode(): v.decode() for k, v in raw.items()}
    data["token"] = token
    return data


def _new_session(request: web.Request, response: web.StreamResponse, username: str = "") -> dict:
    """A fresh session (a new id: at login the anonymous one is dropped, against fixation)."""
    settings = request.app[SETTINGS]
    token = secrets.token_urlsafe(32)
    session = {"username": username, "csrf": secrets.token_urlsafe(32),
               "created": str(int(time.time()))}
    key = keys.session(_digest(token))
    lifetime = int(settings.session_hours * 3600) if username else 3600
    pipe = request.app[REDIS].pipeline()
    pipe.hset(key, mapping=session)
    pipe.expire(key, lifetime)
    pipe.execute()
    response.set_cookie(COOKIE, _sign(settings, token), httponly=True, samesite="Lax",
                        secure=_secure(request), path="/", max_age=lifetime)
    session["token"] = token
    return session


def redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


def _drop_session(request: web.Request, session: dict | None) -> None:
    if session:
        request.app[REDIS].delete(keys.session(_digest(session["token"])))


def _csrf_ok(session: dict | None, supplied: str) -> bool:
    return bool(session and supplied and hmac.compare_digest(session.get("csrf", ""), supplied))


# middleware ------------------------------------------------------------------------------
PUBLIC = {"/health", "/login"}


@web.middleware
async def security(request: web.Request, handler):
    try:
        response = await _guarded(request, handler)
    except web.HTTPException as error:
        response = web.Response(status=error.status, body=error.body, headers=error.headers)
    except redis.exceptions.ConnectionError:
        log.error("Redis unreachable on %s %s", request.method, request.path)
        response = web.Response(status=503, text="資料庫暫時無法連線，請稍後再試。")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _guarded(request: web.Request, handler):
    api = request.path.startswith("/api/")
    session = _load_session(request)
    request["session"] = session
    request["officer"] = None
    if session and session.get("username"):
        officer = request.app[ACCOUNTS].get(session["username"])
        if officer is None:          # the account was deleted: the session ends with it
            _drop_session(request, session)
            request["session"] = session = None
        else:
            request["officer"] = officer
    if request.path not in PUBLIC and request["officer"] is None:
        if api:
            raise web.HTTPUnauthorized(text='{"error": "login required"}',
                                       content_type="application/json")
        target = request.path_qs if request.method == "GET" else "/"
        raise web.HTTPFound("/login?" + urlencode({"next": target}))
    if request.method == "POST":
        supplied = request.headers.get("X-CSRF-Token", "")
        if not supplied and request.content_type in ("application/x-www-form-urlencoded",
                                                     "multipart/form-data"):
            supplied = (await request.post()).get("csrf", "")
        if not _csrf_ok(session, str(supplied)):
            log.warning("POST %s refused: CSRF token missing or wrong", request.path)
            if api:
                raise web.HTTPForbidden(text='{"error": "CSRF token missing or wrong"}',
                                        content_type="application/json")
            raise web.HTTPForbidden(text="安全驗證失敗（CSRF），請重新整理頁面後再試一次。")
    return await handler(request)


# helpers ---------------------------------------------------------------------------------
def render(request: web.Request, name: str, status: int = 200, **context) -> web.Response:
    session = request.get("session") or {}
    template = request.app[TEMPLATES].get_template(name)
    html = template.render(officer=request.get("officer"), csrf=session.get("csrf", ""),
                           path=request.path, **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def _officer(request: web.Request) -> Officer:
    return request["officer"]


def _case_or_404(request: web.Request, with_notes: bool = False):
    """The lead if it exists and the officer's desk may see it; otherwise 404 (never 403, so
    lead ids of other desks cannot be probed)."""
    case = request.app[CASES].get(request.match_info["lead_id"], with_notes=with_notes)
    if case is None or not _officer(request).can_see(case.lead.desk):
        if request.path.startswith("/api/"):
            raise web.HTTPNotFound(text='{"error": "not found"}', content_type="application/json")
        raise web.HTTPNotFound(text="找不到這筆案件。")
    return case


def _back(case_id: str, message: str = "") -> web.HTTPFound:
    suffix = "?" + urlencode({"msg": message}) if message else ""
    return web.HTTPFound(f"/leads/{quote(case_id)}{suffix}")


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") and \
        "\\" not in target else "/queue"


# routes ----------------------------------------------------------------------------------
async def health(request: web.Request) -> web.Response:
    try:
        request.app[REDIS].ping()
    except redis.exceptions.RedisError:
        return web.json_response({"status": "error", "redis": False}, status=503)
    return web.json_response({"status": "ok", "redis": True})


async def login_form(request: web.Request) -> web.Response:
    if request["officer"] is not None:
        return redirect("/queue")
    target = _safe_next(request.query.get("next", "/queue"))
    if request["session"]:
        return render(request, "login.html", next=target)
    holder = web.Response()
    request["session"] = _new_session(request, holder)      # carries the login form's CSRF token
    response = render(request, "login.html", next=target)
    response.cookies.update(holder.cookies)
    return response


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    target = _safe_next(str(form.get("next", "/queue")))
    loop = asyncio.get_running_loop()
    officer, locked = await loop.run_in_executor(
        None, request.app[ACCOUNTS].authenticate, str(form.get("username", "")),
        str(form.get("password", "")))
    if officer is None:
        if locked:
            log.warning("login refused: account locked")
            error = f"登入失敗次數過多，帳號已暫時鎖定，請 {max(1, locked // 60)} 分鐘後再試。"
            return render(request, "login.html", status=429, error=error, next=target)
        log.info("login failed")
        return render(request, "login.html", status=401, error="帳號或密碼錯誤。", next=target)
    response = redirect(target)
    _drop_session(request, request["session"])         # a new session id at login (fixation)
    _new_session(request, response, officer.username)
    request.app[CASES].audit(officer.username, "login")
    log.info("login ok (%s)", officer.role)
    return response


async def logout(request: web.Request) -> web.Response:
    request.app[CASES].audit(_officer(request).username, "logout")
    _drop_session(request, request["session"])
    response = redirect("/login")
    response.del_cookie(COOKIE, path="/")
    return response


async def index(request: web.Request) -> web.Response:
    return redirect("/queue")


def _filters(request: web.Request) -> Filters:
    query = request.query
    status = query.get("status", "")
    desk = query.get("desk", "")
    return Filters(market=query.get("market", "").strip().lower()[:20],
                   status=status if status in STATUSES else "",
                   date_from=parse_date(query.get("from", "")),
                   date_to=parse_date(query.get("to", "")),
                   desk=desk if desk in _officer(request).visible_desks() else "")


async def queue(request: web.Request) -> web.Response:
    officer = _officer(request)
    filters = _filters(request)
    cases = request.app[CASES].queue(officer, filters)
    request.app[CASES].audit(officer.username, "view_queue", "", f"{len(cases)} leads")
    log.info("queue viewed: %d leads", len(cases))
    return render(request, "queue.html", cases=cases, filters=filters,
                  desks=officer.visible_desks(), statuses=STATUSES,
                  export_query=urlencode(dict(request.query)))


async def lead_detail(request: web.Request) -> web.Response:
    officer = _officer(request)
    case = _case_or_404(request, with_notes=True)
    request.app[CASES].audit(officer.username, "view_lead", case.lead.id)
    assignable = [o for o in request.app[ACCOUNTS].all() if officer.can_assign(case.lead.desk, o)]
    return render(request, "lead.html", case=case, next_statuses=allowed_next(case.status),
                  outcome_open=case.status in OUTCOME_STATUSES, assignable=assignable,
                  message=request.query.get("msg", "")[:100])


async def claim(request: web.Request) -> web.Response:
    officer = _officer(request)
    case = _case_or_404(request)
    request.app[CASES].assign(case, officer.username, officer.username)
    raise _back(case.lead.id, "已認領此案件")


async def assign(request: web.Request) -> web.Response:
    officer = _officer(request)
    case = _case_or_404(request)
    form = await request.post()
    assignee = request.app[ACCOUNTS].get(str(form.get("assignee", "")).strip().lower())
    if not officer.can_assign(case.lead.desk, assignee):
        raise web.HTTPForbidden(text="無權指派給此帳號。")
    request.app[CASES].assign(case, assignee.username, officer.username)
    raise _back(case.lead.id, "已指派")


async def change_status(request: web.Request) -> web.Response:
    officer = _officer(request)
    case = _case_or_404(request)
    form = await request.post()
    wanted = str(form.get("status", ""))
    try:
        request.app[CASES].set_status(case, wanted, officer.username)
    except (InvalidTransition, redis.exceptions.WatchError):
        log.info("status change refused")
        raise web.HTTPConflict(text="此狀態變更不允許（請重新整理頁面查看目前狀態）。") from None
    log.info("lead %s status → %s", case.lead.id, wanted)
    raise _back(case.lead.id, f"狀態已更新為「{STATUS_NAMES[wanted]}」")


async def add_note(request: web.Request) -> web.Response:
    officer = _officer(request)
    case = _case_or_404(request)
    form = await request.post()
    text = str(form.get("text", "")).strip()
    if not text or len(text) > MAX_NOTE:
        raise web.HTTPBadRequest(text=f"備註需為 1–{MAX_NOTE} 字。")
    request.app[CASES].add_note(case, text, officer.username)
    raise _back(case.lead.id, "已新增備註")


async def set_outcome(request: web.Request) -> web.Response:
    officer = _officer(request)
    case = _case_or_404(request)
    form = await request.post()
    amount = parse_amount(str(form.get("amount", "")))
    if amount is None:
        raise web.HTTPBadRequest(text="金額格式不正確（請填新臺幣金額，例如 1200000 或 120萬）。")
    if case.status not in OUTCOME_STATUSES:
        raise web.HTTPConflict(text="只有已媒合或已結案的案件可以登錄媒合成果。")
    request.app[CASES].set_outcome(case, amount, form.get("mou") == "1", form.get("poc") == "1",
                                   officer.username)
    raise _back(case.lead.id, "已登錄媒合成果")


async def audit_page(request: web.Request) -> web.Response:
    officer = _officer(request)
    if not officer.can_read_audit:
        raise web.HTTPForbidden(text="稽核紀錄僅限主管查看。")
    user = request.query.get("user", "")[:64]
    lead = request.query.get("lead", "")[:64]
    entries = request.app[CASES].audit_entries(300, user=user, lead=lead)
    request.app[CASES].audit(officer.username, "view_audit")
    return render(request, "audit.html", entries=entries, user=user, lead=lead)


def _year(request: web.Request) -> int:
    raw = request.query.get("year", "")
    this_year = time.localtime().tm_year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else this_year


async def kpi_page(request: web.Request) -> web.Response:
    officer = _officer(request)
    year = _year(request)
    desks = officer.visible_desks()
    data = kpis(request.app[CASES].all_cases(desks), year)
    request.app[CASES].audit(officer.username, "view_kpi", "", str(year))
    chart = charts.monthly_chart(data["months"], data["table"], desks)
    progress = charts.progress_bars([
        ("媒合案件數", data["totals"].cases, TARGET_CASES, f"{data['totals'].cases} / {TARGET_CASES} 件"),
        ("媒合金額", data["totals"].amount, TARGET_AMOUNT_NTD,
         f"NT${data['totals'].amount:,} / NT${TARGET_AMOUNT_NTD:,}"),
    ])
    return render(request, "kpi.html", year=year, data=data, desks=desks, chart=chart,
                  progress=progress, target_cases=TARGET_CASES, target_amount=TARGET_AMOUNT_NTD)


async def export(request: web.Request) -> web.Response:
    officer = _officer(request)
    desks = officer.visible_desks()
    cases = [c for c in request.app[CASES].all_cases(desks) if _filters(request).keep(c)]
    request.app[CASES].audit(officer.username, "export_csv", "", f"{len(cases)} leads")
    log.info("CSV export: %d leads", len(cases))
    name = f"leads-{time.strftime('%Y%m%d')}.csv"
    return web.Response(body=export_csv(cases, officer).encode("utf-8"),
                        content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


# JSON API (same rules; 401 when logged out) ---------------------------------------------
def _case_json(case, full: bool = False) -> dict:
    lead = case.lead
    data = {"id": lead.id, "desk": lead.desk, "created": lead.created, "score": lead.score,
            "markets": list(lead.markets), "products": list(lead.products),
            "status": case.status, "assignee": case.assignee, "amount": case.amount,
            "mou": case.mou, "poc": case.poc, "company": lead.contact.company}
    if full:
        data["lead"] = lead.to_dict()
        data["notes"] = case.notes
    return data


async def api_me(request: web.Request) -> web.Response:
    officer = _officer(request)
    return web.json_response({"username": officer.username, "desk": officer.desk,
                              "role": officer.role, "csrf": request["session"]["csrf"]})


async def api_leads(request: web.Request) -> web.Response:
    officer = _officer(request)
    cases = request.app[CASES].queue(officer, _filters(request))
    request.app[CASES].audit(officer.username, "view_queue", "", f"api {len(cases)} leads")
    return web.json_response({"leads": [_case_json(c) for c in cases]})


async def api_lead(request: web.Request) -> web.Response:
    officer = _officer(request)
    case = _case_or_404(request, with_notes=True)
    request.app[CASES].audit(officer.username, "view_lead", case.lead.id, "api")
    return web.json_response(_case_json(case, full=True))


async def api_status(request: web.Request) -> web.Response:
    officer = _officer(request)
    case = _case_or_404(request)
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "JSON body expected"}, status=400)
    wanted = str((body or {}).get("status", "")) if isinstance(body, dict) else ""
    try:
        request.app[CASES].set_status(case, wanted, officer.username)
    except (InvalidTransition, redis.exceptions.WatchError) as error:
        return web.json_response({"error": str(error) or "conflict"}, status=409)
    return web.json_response(_case_json(case))


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.update(DESK_NAMES=DESK_NAMES, STATUS_NAMES=STATUS_NAMES, ROLE_NAMES=ROLE_NAMES,
                       DESKS=DESKS)
    env.filters["ntd"] = lambda value: "" if value is None else f"NT${int(value):,}"
    env.filters["local"] = lambda iso: charts.local_time(iso)
    return env


def create_app(settings: Settings, client: redis.Redis | None = None) -> web.Application:
    app = web.Application(middlewares=[security], client_max_size=256 * 1024)
    client = client or redis.Redis.from_url(settings.redis_url, socket_timeout=5,
                                            socket_connect_timeout=3)
    app[SETTINGS] = settings
    app[REDIS] = client
    app[ACCOUNTS] = Accounts(client, settings.max_failures, settings.lockout_seconds)
    app[CASES] = Cases(client)
    app[TEMPLATES] = make_templates()
    app.router.add_get("/health", health)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", index)
    app.router.add_get("/queue", queue)
    app.router.add_get("/leads/{lead_id}", lead_detail)
    app.router.add_post("/leads/{lead_id}/claim", claim)
    app.router.add_post("/leads/{lead_id}/assign", assign)
    app.router.add_post("/leads/{lead_id}/status", change_status)
    app.router.add_post("/leads/{lead_id}/notes", add_note)
    app.router.add_post("/leads/{lead_id}/outcome", set_outcome)
    app.router.add_get("/audit", audit_page)
    app.router.add_get("/kpi", kpi_page)
    app.router.add_get("/export.csv", export)
    app.router.add_get("/api/me", api_me)
    app.router.add_get("/api/leads", api_leads)
    app.router.add_get("/api/leads/{lead_id}", api_lead)
    app.router.add_post("/api/leads/{lead_id}/status", api_status)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)   # paths only via our logs
    try:
        settings = load()
    except Exception as error:  # noqa: BLE001 - one clear line, no traceback
        raise SystemExit(f"console: {error}") from None
    app = create_app(settings)
    try:
        app[REDIS].ping()
    except redis.exceptions.RedisError:
        raise SystemExit("console: Redis is unreachable (REDIS_URL)") from None
    log.info("console on http://%s:%d", settings.host, settings.port)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
