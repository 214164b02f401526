"""The console's settings, read from the environment in one place (readers and the error type
shared with the other services: services/common/settings.py). The session key comes only from
CONSOLE_SECRET_KEY (never logged; the repr hides it): without it the console does not start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.common.settings import MissingSetting, choice, flag, number, text, whole_number

REPO = Path(__file__).resolve().parents[2]
MIN_SECRET_CHARS = 32


def knowledge_dir(env: Mapping[str, str] | None = None) -> Path:
    """KNOWLEDGE_DIR, or knowledge/ of this repository (as for the assistant)."""
    return Path(text("KNOWLEDGE_DIR", str(REPO / "knowledge"), env))


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
    knowledge_dir: Path = REPO / "knowledge"     # desks, names for labels, programme targets
    knowledge_reload_seconds: float = 2.0
    threads: int = 8                             # the pool that runs Redis and file calls


def load(env: Mapping[str, str] | None = None) -> Settings:
    secret = text("CONSOLE_SECRET_KEY", "", env)
    if len(secret) < MIN_SECRET_CHARS:
        raise MissingSetting(
            f"CONSOLE_SECRET_KEY must be set to a random value of at least {MIN_SECRET_CHARS} "
            "characters, e.g. $(python3 -c 'import secrets; print(secrets.token_urlsafe(32))') "
            "(see docs/console.md)."
        )
    return Settings(
        secret_key=secret,
        redis_url=text("REDIS_URL", Settings.redis_url, env),
        host=text("CONSOLE_HOST", Settings.host, env),
        port=whole_number("CONSOLE_PORT", Settings.port, env),
        secure_cookies=choice("CONSOLE_SECURE_COOKIES", "auto", ("auto", "1", "0"), env),
        trust_proxy=flag("CONSOLE_TRUST_PROXY", False, env),
        session_hours=number("CONSOLE_SESSION_HOURS", Settings.session_hours, env),
        knowledge_dir=knowledge_dir(env),
    )


__all__ = ["MissingSetting", "Settings", "knowledge_dir", "load"]
