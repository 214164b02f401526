"""The LINE worker: takes queued events from the Redis stream (consumer group), asks Rasa's REST
channel, and sends the answer through the Reply API while the token is valid, else the Push API.

Delivery guarantees:
- an entry is XACKed only after its answer is delivered (or refused by LINE for good, when it is
  moved to `line:dead`); a worker that dies leaves it pending, and the next start (or another
  worker, after LINE_RECLAIM_IDLE_SECONDS) takes it over with XAUTOCLAIM;
- the per-event state hash records the translated answer and each delivered request, so a
  restarted worker never asks Rasa twice nor sends a request twice; a push carries one
  X-Line-Retry-Key (kept in the state) on every retry, so LINE answers a repeat with 409; a
  reply attempt is recorded before it is made, and a single-use reply token refused after an
  attempt that may have reached LINE counts as delivered (no second answer by push);
- 429, 5xx and network errors are retried with exponential backoff; messages of one chat are
  handled in order;
- a text is cleaned before Rasa sees it (translate.plan); an unreadable or over-long one gets a
  polite answer without asking Rasa, and an empty answer from Rasa a polite request to rephrase;
- logs carry event ids, types, counts and a hash of the chat, never text, payloads or LINE ids.

    python -m services.line_gateway.worker     (same environment as the gateway; docs/line.md)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
import uuid
from collections import defaultdict
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from market_entry import redis_keys as keys
from services.common import log_hygiene
from services.line_gateway.app import event_id
from services.line_gateway.line_api import LineApi
from services.line_gateway.line_limits import LimitError
from services.line_gateway.settings import Settings, load
from services.line_gateway.translate import (
    Chat,
    batches,
    chat_of,
    fallback_if_silent,
    plan,
    to_line_messages,
)

log = logging.getLogger("line.worker")
SENT, LATER, DEAD = "sent", "later", "dead"


def retryable(status: int) -> bool:
    return status == 0 or status == 429 or status >= 500


class Worker:
    def __init__(self, settings: Settings, client: aioredis.Redis, line: LineApi,
                 http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.redis = client
        self.line = line
        self.http = http
        self.stopping = asyncio.Event()
        self.inflight: dict[str, asyncio.Task] = {}
        self.chat_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.chat_users: dict[str, int] = defaultdict(int)

    # -- the loop ----------------------------------------------------------------------------
    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(keys.LINE_EVENTS_STREAM, keys.LINE_WORKER_GROUP, id="0",
                                           mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def run(self) -> None:
        await self.ensure_group()
        log.info("worker %s started (concurrency %d)", self.settings.worker_name,
                 self.settings.concurrency)
        await self.recover_own_pending()
        await self.reclaim()
        last_reclaim = time.monotonic()
        while not self.stopping.is_set():
            if time.monotonic() - last_reclaim > max(1.0, self.settings.reclaim_idle_seconds / 2):
                await self.reclaim()
                last_reclaim = time.monotonic()
            free = self.settings.concurrency - len(self.inflight)
            if free <= 0:
                await asyncio.wait(list(self.inflight.values()), timeout=1.0,
                                   return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                found = await self.redis.xreadgroup(
                    keys.LINE_WORKER_GROUP, self.settings.worker_name, {keys.LINE_EVENTS_STREAM: ">"},
                    count=free, block=1000)
            except (aioredis.ConnectionError, aioredis.TimeoutError) as error:
                log.warning("Redis unavailable (%s); retrying", type(error).__name__)
                await asyncio.sleep(1.0)
                continue
            for _stream, entries in found or []:
                for entry_id, fields in entries:
                    self.spawn(entry_id, fields)
        await self.drain()

    async def drain(self, timeout: float = 20.0) -> None:
        if self.inflight:
            await asyncio.wait(list(self.inflight.values()), timeout=timeout)
        for task in list(self.inflight.values()):
            task.cancel()

    def spawn(self, entry_id: str, fields: dict[str, str] | None) -> None:
        if entry_id in self.inflight:
            return
        task = asyncio.create_task(self.handle(entry_id, fields))
        self.inflight[entry_id] = task
        task.add_done_callback(lambda _t: self.inflight.pop(entry_id, None))

    async def recover_own_pending(self) -> None:
        """Entries this consumer read before it stopped (same LINE_WORKER_NAME)."""
        last = "0"
        while True:
            found = await self.redis.xreadgroup(keys.LINE_WORKER_GROUP, self.settings.worker_name,
                                                {keys.LINE_EVENTS_STREAM: last}, count=100)
            entries = found[0][1] if found else []
            if not entries:
                return
            log.info("recovering %d pending entries", len(entries))
            for entry_id, fields in entries:
                await self.wait_for_room()
                self.spawn(entry_id, fields)
                last = entry_id

    async def reclaim(self) -> None:
        """Entries other (dead) consumers left pending longer than LINE_RECLAIM_IDLE_SECONDS."""
        start = "0-0"
        idle_ms = int(self.settings.reclaim_idle_seconds * 1000)
        while True:
            try:
                result = await self.redis.xautoclaim(
                    keys.LINE_EVENTS_STREAM, keys.LINE_WORKER_GROUP, self.settings.worker_name,
                    min_idle_time=idle_ms, start_id=start, count=100)
            except (aioredis.ConnectionError, aioredis.TimeoutError):
                return
            start, entries = result[0], result[1]
            deleted = result[2] if len(result) > 2 else []
            if deleted:
                await self.redis.xack(keys.LINE_EVENTS_STREAM, keys.LINE_WORKER_GROUP, *deleted)
            claimed = [(i, f) for i, f in entries if i not in self.inflight]
            if claimed:
                log.info("reclaimed %d pending entries", len(claimed))
            for entry_id, fields in claimed:
                await self.wait_for_room()
                self.spawn(entry_id, fields)
            if start in ("0-0", b"0-0"):
                return

    async def wait_for_room(self) -> None:
        while len(self.inflight) >= self.settings.concurrency:
            await asyncio.wait(list(self.inflight.values()), return_when=asyncio.FIRST_COMPLETED)

    async def finish(self, entry_id: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(keys.LINE_EVENTS_STREAM, keys.LINE_WORKER_GROUP, entry_id)
            pipe.xdel(keys.LINE_EVENTS_STREAM, entry_id)
            await pipe.execute()

    async def backoff(self, attempt: int) -> None:
        delay = min(self.settings.backoff_max_seconds, 0.5 * 2 ** min(attempt, 10))
        await asyncio.sleep(delay)

    # -- one event ---------------------------------------------------------------------------
    async def handle(self, entry_id: str, fields: dict[str, str] | None) -> None:
        try:
            await self._handle(entry_id, fields)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - left pending; reclaimed later
            # Only the type: exception messages may quote message text or ids.
            log.error("entry %s failed (%s); left pending", entry_id, type(error).__name__)

    async def _handle(self, entry_id: str, fields: dict[str, str] | None) -> None:
        if not fields or "event" not in fields:  # deleted entry still pending
            await self.finish(entry_id)
            return
        event = json.loads(fields["event"])
        received = int(fields.get("received") or 0) / 1000
        eid = event_id(event)
        chat = chat_of(event)
        if chat is None:
            await self.finish(entry_id)
            return
        self.chat_users[chat.id] += 1
        try:
            await self._handle_event(entry_id, event, eid, chat, received)
        finally:
            self.chat_users[chat.id] -= 1
            if not self.chat_users[chat.id]:  # nobody waits: forget the chat's lock
                self.chat_users.pop(chat.id, None)
                self.chat_locks.pop(chat.id, None)

    async def _handle_event(self, entry_id: str, event: dict[str, Any], eid: str, chat: Chat,
                            received: float) -> None:
        state_key = keys.line_state(eid)
        async with self.chat_locks[chat.id]:
            state = await self.redis.hgetall(state_key)
            if state.get("done"):
                await self.finish(entry_id)
                return
            if "messages" in state:
                messages = json.loads(state["messages"])
            else:
                messages = await self.answer(event, chat)
                if messages is None:  # stopping while waiting for Rasa: stays pending
                    return
                async with self.redis.pipeline(transaction=True) as pipe:
                    pipe.hset(state_key, "messages", json.dumps(messages))
                    pipe.expire(state_key, self.settings.dedupe_seconds)
                    await pipe.execute()
            try:
                requests = batches(messages) if messages else []
            except LimitError as error:
                await self.dead(entry_id, eid, f"limit: {error}")
                return
            via = []
            for index, request in enumerate(requests):
                if state.get(f"sent:{index}"):
                    continue
                outcome, channel = await self.deliver(index, request, event, chat, received,
                                                      state_key)
                if outcome == LATER:
                    log.warning("event %s: delivery postponed; stays pending", eid)
                    return
                if outcome == DEAD:
                    await self.dead(entry_id, eid, "refused by LINE")
                    return
                await self.redis.hset(state_key, f"sent:{index}", channel)
                via.append(channel)
            await self.redis.hset(state_key, "done", "1")
            await self.finish(entry_id)
        log.info("event %s done: type=%s chat=%s requests=%d via=%s latency_ms=%d", eid,
                 event.get("type"), chat.digest, len(requests), ",".join(via) or "-",
                 (time.time() - received) * 1000 if received else -1)

    async def dead(self, entry_id: str, eid: str, reason: str) -> None:
        log.error("event %s not delivered: %s", eid, reason)
        await self.redis.xadd(keys.LINE_DEAD_STREAM, {"event_id": eid, "reason": reason},
                              maxlen=10000, approximate=True)
        await self.redis.hset(keys.line_state(eid), "done", "dead")
        await self.finish(entry_id)

    async def answer(self, event: dict[str, Any], chat: Chat) -> list[dict[str, Any]] | None:
        what = plan(event, self.settings.max_message_chars)
        if what.action == "ignore":
            return []
        if what.action == "local":
            log.info("event %s answered without Rasa: %s", event_id(event), what.reason)
            return what.messages
        ask = asyncio.create_task(self.ask_rasa(chat, what.text))
        if chat.kind == "user":
            done, _ = await asyncio.wait({ask}, timeout=self.settings.loading_after_seconds)
            if not done:
                await self.line.show_loading(chat.id, self.settings.loading_seconds)
        rasa = await ask
        if rasa is None:
            return None
        messages = to_line_messages(rasa)
        if not messages and what.owner_spoke:
            log.warning("event %s: Rasa sent no answer; asking the owner to rephrase",
                        event_id(event))
        return fallback_if_silent(messages, what)

    async def ask_rasa(self, chat: Chat, text: str) -> list[dict[str, Any]] | None:
        """Rasa's answer; waits (with backoff) while Rasa is down. None when stopping."""
        url = f"{self.settings.rasa_url}/webhooks/rest/webhook"
        body = {"sender": chat.sender_id, "message": text}
        attempt = 0
        while not self.stopping.is_set():
            try:
                async with self.http.post(url, json=body) as response:
                    if response.status == 200:
                        answer = await response.json(content_type=None)
                        return answer if isinstance(answer, list) else []
                    if 400 <= response.status < 500 and response.status != 429:
                        log.warning("Rasa refused a message: %d", response.status)
                        return []
                    log.warning("Rasa answered %d; retrying", response.status)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                log.warning("Rasa unavailable (%s); retrying", type(error).__name__)
            await self.backoff(attempt)
            attempt += 1
        return None

    async def deliver(self, index: int, messages: list[dict[str, Any]], event: dict[str, Any],
                      chat: Chat, received: float, state_key: str) -> tuple[str, str]:
        token = event.get("replyToken")
        deadline = received + self.settings.reply_token_seconds
        if index == 0 and isinstance(token, str) and token and time.time() < deadline:
            # The Reply API has no retry key, but its token is single-use: once an attempt may
            # have reached LINE (a worker died during it, or the answer was lost on the way
            # back), a refused token within its lifetime means that attempt delivered the reply.
            # Pushing then would answer the owner twice.
            maybe_used = bool(await self.redis.hget(state_key, "reply_tried"))
            await self.redis.hset(state_key, "reply_tried", "1")
            attempt = 0
            while time.time() < deadline:
                status = await self.line.reply(token, messages)
                if status == 200:
                    return SENT, "reply"
                if status == 400 and maybe_used:
                    log.info("event %s: reply token used by an earlier attempt; delivered",
                             event_id(event))
                    return SENT, "reply"
                if not retryable(status):
                    break  # used or expired token: push instead
                maybe_used = maybe_used or status == 0 or status >= 500
                await self.backoff(attempt)
                attempt += 1
        # The same retry key on every attempt of this push, across restarts too.
        await self.redis.hsetnx(state_key, f"retry_key:{index}", str(uuid.uuid4()))
        retry_key = await self.redis.hget(state_key, f"retry_key:{index}")
        started, attempt = time.monotonic(), 0
        while time.monotonic() - started < self.settings.send_give_up_seconds:
            status = await self.line.push(chat.id, messages, retry_key)
            if status in (200, 409):  # 409: this retry key was already accepted
                return SENT, "push"
            if not retryable(status):
                return DEAD, ""
            if self.stopping.is_set():
                return LATER, ""
            await self.backoff(attempt)
            attempt += 1
        return LATER, ""


async def main_async(settings: Settings) -> None:
    client = aioredis.Redis.from_url(settings.redis_url, decode_responses=True,
                                     socket_timeout=10, socket_connect_timeout=5)
    line = LineApi(settings.line_api_base, settings.access_token)
    timeout = aiohttp.ClientTimeout(total=settings.rasa_timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        worker = Worker(settings, client, line, http)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, worker.stopping.set)
        try:
            await worker.run()
        finally:
            await line.close()
            await client.aclose()
    log.info("worker stopped")


def main() -> None:
    log_hygiene.configure()
    asyncio.run(main_async(load()))


if __name__ == "__main__":
    main()
