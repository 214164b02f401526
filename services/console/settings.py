"""The console's settings, read from the environment in one place. The session key comes only
from CONSOLE_SECRET_KEY (never logged; the repr hides it): without it the console does not start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


class MissingSetting(RuntimeError):
    pass


MIN_SECRET_CHARS = 32


@dataclass(frozen=True)
class Settings:
    secret_key: str = field(repr=False)
    redis_url: str = "redis://127.0.0.1:6379/0"
    host: str = "127.0.0.1"
    port: int = 8090
    # "auto": Secure cookies when the request came over https (directly, or per
    # X-Forwarded-Proto when trust_proxy); "1" always; "0" never (plain-http development).
    secure_cookies: str = "auto"
    trust_proxy: bool = False
    session_hours: float = 8.0
    max_failures: int = 5
    lockout_seconds: int = 15 * 60


def load() -> Settings:
    secret = os.environ.get("CONSOLE_SECRET_KEY", "")
    if len(secret) < MIN_SECRET_CHARS:
        raise MissingSetting(
            f"CONSOLE_SECRET_KEY must be set to a random value of at least {MIN_SECRET_CHARS} "
            "characters, e.g. $(python3 -c 'import secrets; print(secrets.token_urlsafe(32))') "
            "(see docs/console.md)."
        )
    secure = os.environ.get("CONSOLE_SECURE_COOKIES", "auto").strip().lower() or "auto"
    if secure not in ("auto", "1", "0"):
        raise MissingSetting("CONSOLE_SECURE_COOKIES must be auto, 1 or 0")
    try:
        port = int(os.environ.get("CONSOLE_PORT", "8090"))
        hours = float(os.environ.get("CONSOLE_SESSION_HOURS", "8"))
    except ValueError as error:
        raise MissingSetting("CONSOLE_PORT and CONSOLE_SESSION_HOURS must be numbers") from error
    return Settings(
        secret_key=secret,
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
        port=port,
        secure_cookies=secure,
        trust_proxy=os.environ.get("CONSOLE_TRUST_PROXY", "0") == "1",
        session_hours=hours,
    )
