"""Every setting of the LINE gateway and worker, read from the environment in one place.

The channel secret and access token come only from the environment and are never logged; the
`Settings` repr hides them.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field


class MissingSetting(RuntimeError):
    pass


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw.strip() else default
    except ValueError as error:
        raise MissingSetting(f"{name} must be a number, got {raw!r}") from error


def _int(name: str, default: int) -> int:
    return int(_float(name, default))


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


def load(require_secrets: bool = True) -> Settings:
    secret = os.environ.get("LINE_CHANNEL_SECRET", "")
    token = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
    if require_secrets and (not secret or not token):
        raise MissingSetting(
            "LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN must be set (see docs/line.md)."
        )
    return Settings(
        channel_secret=secret,
        access_token=token,
        redis_url=os.environ.get("REDIS_URL", Settings.redis_url),
        rasa_url=os.environ.get("RASA_URL", Settings.rasa_url).rstrip("/"),
        line_api_base=os.environ.get("LINE_API_BASE", Settings.line_api_base).rstrip("/"),
        host=os.environ.get("LINE_HOST", Settings.host),
        port=_int("LINE_PORT", Settings.port),
        worker_name=os.environ.get("LINE_WORKER_NAME") or socket.gethostname() or "worker",
        concurrency=max(1, _int("LINE_WORKER_CONCURRENCY", Settings.concurrency)),
        reply_token_seconds=_float("LINE_REPLY_TOKEN_SECONDS", Settings.reply_token_seconds),
        loading_after_seconds=_float("LINE_LOADING_AFTER_SECONDS", Settings.loading_after_seconds),
        loading_seconds=_int("LINE_LOADING_SECONDS", Settings.loading_seconds),
        dedupe_seconds=_int("LINE_DEDUPE_SECONDS", Settings.dedupe_seconds),
        reclaim_idle_seconds=_float("LINE_RECLAIM_IDLE_SECONDS", Settings.reclaim_idle_seconds),
        rasa_timeout_seconds=_float("LINE_RASA_TIMEOUT_SECONDS", Settings.rasa_timeout_seconds),
        send_give_up_seconds=_float("LINE_SEND_GIVE_UP_SECONDS", Settings.send_give_up_seconds),
        backoff_max_seconds=_float("LINE_BACKOFF_MAX_SECONDS", Settings.backoff_max_seconds),
    )
