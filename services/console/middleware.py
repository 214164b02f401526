"""The console's middleware, outermost first:

- `guard`: security headers on every response; HTTP errors as plain responses; Redis
  unreachable → 503; anything unexpected → 500. Failures are logged by exception type, route
  and code location only — never the exception's message, which may quote lead data;
- `authenticate`: the session and officer of the request. Only /health and /login answer
  without a login: pages redirect to /login, /api/ routes answer 401;
- `csrf`: every POST needs the session's CSRF token (form field `csrf` or header X-CSRF-Token).
"""

from __future__ import annotations

import logging
import traceback
from urllib.parse import urlencode

import redis
from aiohttp import web

from services.console import sessions
from services.console.context import Console, call, console, is_api
from services.console.workflow import Officer

log = logging.getLogger("console")

PUBLIC = {"/health", "/login"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _error(request: web.Request, status: int, text: str, code: str) -> web.Response:
    if is_api(request):
        return web.json_response({"error": code}, status=status)
    return web.Response(status=status, text=text)


def _where(error: BaseException) -> str:
    """Where it happened (file:line in function, innermost last), without any values."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames))


@web.middleware
async def guard(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = web.Response(status=error.status, body=error.body, headers=error.headers)
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        log.error("Redis unreachable on %s %s", request.method, request.path)
        response = _error(request, 503, "資料庫暫時無法連線，請稍後再試。", "database unavailable")
    except Exception as error:  # noqa: BLE001 - one line without the message, then a 500 page
        log.error("unexpected %s on %s %s (%s)", type(error).__name__, request.method,
                  request.path, _where(error))
        response = _error(request, 500, "系統發生錯誤，請稍後再試；若持續發生請聯絡系統管理者。",
                          "internal error")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _identify(app: Console, token: str) -> tuple[dict | None, Officer | None]:
    session = app.sessions.load(token)
    if not session or not session.get("username"):
        return session, None
    who = app.accounts.get(session["username"])
    if who is None:                       # the account was deleted: the session ends with it
        app.sessions.drop(session)
        return None, None
    return session, who


@web.middleware
async def authenticate(request: web.Request, handler):
    token = sessions.token_of(request)
    session, who = await call(request, _identify, console(request), token) if token else \
        (None, None)
    request["session"], request["officer"] = session, who
    if request.path not in PUBLIC and who is None:
        if is_api(request):
            raise web.HTTPUnauthorized(text='{"error": "login required"}',
                                       content_type="application/json")
        target = request.path_qs if request.method == "GET" else "/"
        raise web.HTTPFound("/login?" + urlencode({"next": target}))
    return await handler(request)


@web.middleware
async def csrf(request: web.Request, handler):
    if request.method == "POST":
        supplied = request.headers.get("X-CSRF-Token", "")
        if not supplied and request.content_type in ("application/x-www-form-urlencoded",
                                                     "multipart/form-data"):
            supplied = (await request.post()).get("csrf", "")
        if not sessions.csrf_ok(request["session"], str(supplied)):
            log.warning("POST %s refused: CSRF token missing or wrong", request.path)
            if is_api(request):
                raise web.HTTPForbidden(text='{"error": "CSRF token missing or wrong"}',
                                        content_type="application/json")
            raise web.HTTPForbidden(text="安全驗證失敗（CSRF），請重新整理頁面後再試一次。")
    return await handler(request)


MIDDLEWARES = (guard, authenticate, csrf)
