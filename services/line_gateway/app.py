"""The LINE webhook: verifies the signature on the raw body, drops duplicates and standby events,
queues the rest in a Redis stream and answers 200 at once. Workers (worker.py) do the slow part.

    python -m services.line_gateway.app        (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN,
                                                REDIS_URL, LINE_HOST, LINE_PORT; docs/line.md)
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

import redis.asyncio as aioredis
from aiohttp import web
from linebot.v3.webhook import SignatureValidator

from market_entry import redis_keys as keys
from services.common import log_hygiene
from services.line_gateway.settings import Settings, load
from services.line_gateway.translate import should_queue

log = logging.getLogger("line.gateway")
WEBHOOK_PATH = "/line/webhook"

# Queue an event only if its webhookEventId was never seen: one atomic step, so a crash between
# "seen" and "queued" cannot lose an event, and concurrent redeliveries cannot queue it twice.
ENQUEUE_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], '*', 'event', ARGV[2], 'received', ARGV[3])
end
return false
"""

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", aioredis.Redis)


def event_id(event: dict) -> str:
    found = event.get("webhookEventId")
    if isinstance(found, str) and found:
        return found
    # Older or unusual payloads: a stable id from the content, so redeliveries still match.
    return "sha-" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:32]


async def webhook(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    signature = request.headers.get("x-line-signature", "")
    body = await request.read()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if not signature or text is None or not SignatureValidator(settings.channel_secret).validate(text, signature):
        log.warning("webhook rejected: bad signature (%d bytes)", len(body))
        return web.json_response({"error": "invalid signature"}, status=400)
    try:
        payload = json.loads(text)
    except ValueError:
        return web.json_response({"error": "invalid JSON"}, status=400)
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        return web.json_response({"error": "no events list"}, status=400)

    wanted = [e for e in events if should_queue(e)]
    if wanted:
        client = request.app[REDIS]
        now = str(int(time.time() * 1000))
        try:
            async with client.pipeline(transaction=False) as pipe:
                for event in wanted:
                    # ASCII JSON: a lone surrogate (a broken emoji, sent as \udXXX) stays an
                    # escape instead of failing to encode; the worker cleans the text.
                    pipe.eval(ENQUEUE_ONCE, 2, keys.line_dedupe(event_id(event)), keys.LINE_EVENTS_STREAM,
                              settings.dedupe_seconds, json.dumps(event), now)
                results = await pipe.execute()
        except Exception as error:  # noqa: BLE001 - not acknowledged: LINE may redeliver
            log.error("webhook not queued: Redis error %s", type(error).__name__)
            return web.json_response({"error": "queue unavailable"}, status=503)
        queued = sum(1 for result in results if result)
    else:
        queued = 0
    log.info("webhook ok: %d events, %d queued, %d duplicates, %d skipped",
             len(events), queued, len(wanted) - queued, len(events) - len(wanted))
    return web.json_response({})


async def health(request: web.Request) -> web.Response:
    try:
        await request.app[REDIS].ping()
    except Exception as error:  # noqa: BLE001
        return web.json_response({"status": "redis unavailable", "error": type(error).__name__},
                                 status=503)
    return web.json_response({"status": "ok"})


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    app[REDIS] = aioredis.Redis.from_url(settings.redis_url, socket_timeout=5,
                                         socket_connect_timeout=5)

    async def close(app: web.Application) -> None:
        await app[REDIS].aclose()

    app.on_cleanup.append(close)
    app.router.add_post(WEBHOOK_PATH, webhook)
    app.router.add_get("/health", health)
    return app


def main() -> None:
    log_hygiene.configure()
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    settings = load()
    log.info("LINE gateway on %s:%d%s", settings.host, settings.port, WEBHOOK_PATH)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None,
                access_log=None)


if __name__ == "__main__":
    main()
