"""Redis tracker and lock stores that refuse to run without Redis.

Rasa's stock stores connect lazily, so with Redis down the server starts anyway and keeps
conversations in memory, losing them on restart (rasa issue #3243). These subclasses accept a
redis:// URL (REDIS_URL), ping at start-up and raise a clear error when Redis is unreachable.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote, urlparse

import redis
from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.exceptions import ConnectionException
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)


def redis_params(url: str | None) -> dict[str, Any]:
    """host/port/db/password/ssl from a redis:// or rediss:// URL (or a bare host name)."""
    if not url:
        raise ConnectionException("REDIS_URL is not set: the assistant keeps conversations in Redis.")
    if "://" not in url:
        return {"host": url}
    parsed = urlparse(url)
    params: dict[str, Any] = {
        "host": parsed.hostname or "localhost",
        "port": parsed.port or 6379,
        "db": int((parsed.path or "/0").lstrip("/") or 0),
        "use_ssl": parsed.scheme == "rediss",
    }
    if parsed.password:
        params["password"] = unquote(parsed.password)
    if parsed.username:
        params["username"] = unquote(parsed.username)
    return params


def check_reachable(client: redis.Redis, params: dict[str, Any], what: str) -> None:
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        where = f"{params.get('host')}:{params.get('port', 6379)}"
        message = (
            f"Redis is unreachable at {where} ({type(error).__name__}). The {what} will not "
            f"start without it, so that no conversation is silently lost. Start Redis or set "
            f"REDIS_URL."
        )
        log.error(message)
        raise ConnectionException(message) from error


class StrictRedisTrackerStore(RedisTrackerStore):
    def __init__(
        self, domain: Domain, host: str | None = None, event_broker: Any = None, **kwargs: Any
    ) -> None:
        params = redis_params(host)
        params.update({k: v for k, v in kwargs.items() if k not in ("url", "type")})
        super().__init__(domain=domain, event_broker=event_broker, **params)
        check_reachable(self.red, params, "Rasa server (tracker store)")


class StrictRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        params = redis_params(endpoint_config.url)
        params.update({k: v for k, v in endpoint_config.kwargs.items() if k not in ("url", "type")})
        super().__init__(**params)
        check_reachable(self.red, params, "Rasa server (lock store)")
