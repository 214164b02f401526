"""Signed session cookies, server-side sessions in Redis, login/logout and the CSRF token.

The cookie holds a random token signed with CONSOLE_SECRET_KEY (HMAC-SHA256); the session
itself lives in Redis under `console:session:<sha256 of the token>` (username, CSRF token,
created), so logout and account deletion end it at once. A new token is issued at login
(against session fixation); anonymous sessions (the login form's CSRF token) last an hour.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import redis
from aiohttp import web

from market_entry import redis_keys as keys
from services.console.context import call, console
from services.console.settings import Settings

COOKIE = "console_session"
ANONYMOUS_SECONDS = 3600


def sign(secret_key: str, token: str) -> str:
    mac = hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()
    return f"{token}.{mac[:32]}"


def unsign(secret_key: str, value: str) -> str | None:
    token, _, mac = (value or "").partition(".")
    if not token or not mac:
        return None
    return token if hmac.compare_digest(sign(secret_key, token), value) else None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_ok(session: dict | None, supplied: str) -> bool:
    return bool(session and supplied and hmac.compare_digest(session.get("csrf", ""), supplied))


class Sessions:
    """The Redis side (synchronous; called on the console's thread pool)."""

    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    def lifetime(self, username: str) -> int:
        return int(self.settings.session_hours * 3600) if username else ANONYMOUS_SECONDS

    def load(self, token: str) -> dict | None:
        raw = self.client.hgetall(keys.console_session(digest(token)))
        if not raw:
            return None
        data = {k.decode(): v.decode() for k, v in raw.items()}
        data["token"] = token
        return data

    def create(self, username: str = "", replaces: dict | None = None) -> dict:
        """A fresh session with a new token (dropping `replaces`, the one it succeeds)."""
        token = secrets.token_urlsafe(32)
        session = {"username": username, "csrf": secrets.token_urlsafe(32),
                   "created": str(int(time.time()))}
        key = keys.console_session(digest(token))
        pipe = self.client.pipeline()
        if replaces:
            pipe.delete(keys.console_session(digest(replaces["token"])))
        pipe.hset(key, mapping=session)
        pipe.expire(key, self.lifetime(username))
        pipe.execute()
        session["token"] = token
        return session

    def drop(self, session: dict | None) -> None:
        if session:
            self.client.delete(keys.console_session(digest(session["token"])))


# request side --------------------------------------------------------------------------------
def token_of(request: web.Request) -> str | None:
    return unsign(console(request).settings.secret_key, request.cookies.get(COOKIE, ""))


def secure(request: web.Request) -> bool:
    """Whether cookies get the Secure flag (CONSOLE_SECURE_COOKIES, CONSOLE_TRUST_PROXY)."""
    settings = console(request).settings
    if settings.secure_cookies in ("0", "1"):
        return settings.secure_cookies == "1"
    if request.secure:
        return True
    return settings.trust_proxy and request.headers.get("X-Forwarded-Proto", "").lower() == "https"


async def start(request: web.Request, response: web.StreamResponse, username: str = "",
                replaces: dict | None = None) -> dict:
    """A new session (at login the anonymous one is dropped), its cookie set on `response`."""
    sessions = console(request).sessions
    session = await call(request, sessions.create, username, replaces)
    response.set_cookie(COOKIE, sign(console(request).settings.secret_key, session["token"]),
                        httponly=True, samesite="Lax", secure=secure(request), path="/",
                        max_age=sessions.lifetime(username))
    return session


async def end(request: web.Request, response: web.StreamResponse) -> None:
    await call(request, console(request).sessions.drop, request["session"])
    response.del_cookie(COOKIE, path="/")
