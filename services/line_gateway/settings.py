"""Every setting of the LINE gateway and worker, read from the environment in one place through
the shared readers of services/common/settings.py (a bad value stops the service with the
variable's name).

The channel secret and access token come only from the environment and are never logged; the
`Settings` repr hides them.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field

from market_entry.inbound import DEFAULT_MAX_CHARS
from services.common.settings import MissingSetting, number, text, whole_number

__all__ = ["MissingSetting", "Settings", "load"]


@dataclass(frozen=True)
class Settings:
    channel_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    redis_url: str = "redis://127.0.0.1:6379/0"
    rasa_url: str = "http://127.0.0.1:5005"
    line_api_base: str = "https://api.line.me"
    host: str = "127.0.0.1"
    port: int = 8081
    worker_name: str = "worker"
    concurrency: int = 8
    reply_token_seconds: float = 50.0
    loading_after_seconds: float = 1.0
    loading_seconds: int = 20
    dedupe_seconds: int = 3 * 24 * 3600
    reclaim_idle_seconds: float = 60.0
    rasa_timeout_seconds: float = 120.0
    send_give_up_seconds: float = 900.0
    backoff_max_seconds: float = 30.0
    max_body_bytes: int = 1024 * 1024
    max_message_chars: int = DEFAULT_MAX_CHARS


def load(require_secrets: bool = True, env: Mapping[str, str] | None = None) -> Settings:
    secret = text("LINE_CHANNEL_SECRET", "", env)
    token = text("LINE_CHANNEL_ACCESS_TOKEN", "", env)
    if require_secrets and (not secret or not token):
        raise MissingSetting(
            "LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN must be set (see docs/line.md)."
        )
    return Settings(
        channel_secret=secret,
        access_token=token,
        redis_url=text("REDIS_URL", Settings.redis_url, env),
        rasa_url=text("RASA_URL", Settings.rasa_url, env).rstrip("/"),
        line_api_base=text("LINE_API_BASE", Settings.line_api_base, env).rstrip("/"),
        host=text("LINE_HOST", Settings.host, env),
        port=whole_number("LINE_PORT", Settings.port, env),
        worker_name=text("LINE_WORKER_NAME", socket.gethostname() or "worker", env),
        concurrency=max(1, whole_number("LINE_WORKER_CONCURRENCY", Settings.concurrency, env)),
        reply_token_seconds=number("LINE_REPLY_TOKEN_SECONDS", Settings.reply_token_seconds, env),
        loading_after_seconds=number("LINE_LOADING_AFTER_SECONDS",
                                     Settings.loading_after_seconds, env),
        loading_seconds=whole_number("LINE_LOADING_SECONDS", Settings.loading_seconds, env),
        dedupe_seconds=whole_number("LINE_DEDUPE_SECONDS", Settings.dedupe_seconds, env),
        reclaim_idle_seconds=number("LINE_RECLAIM_IDLE_SECONDS", Settings.reclaim_idle_seconds,
                                    env),
        rasa_timeout_seconds=number("LINE_RASA_TIMEOUT_SECONDS", Settings.rasa_timeout_seconds,
                                    env),
        send_give_up_seconds=number("LINE_SEND_GIVE_UP_SECONDS", Settings.send_give_up_seconds,
                                    env),
        backoff_max_seconds=number("LINE_BACKOFF_MAX_SECONDS", Settings.backoff_max_seconds, env),
        # The same limit as the Rasa-side guard (bot/inbound_guard.py).
        max_message_chars=max(1, whole_number("MAX_MESSAGE_CHARS", DEFAULT_MAX_CHARS, env)),
    )
