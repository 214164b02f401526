"""The conversation lock two Rasa servers share, against a real redis-server: one message of a
conversation at a time, whichever server takes it (an owner's double tap reaches both)."""

from __future__ import annotations

import asyncio
import threading

import redis
from rasa.utils.endpoints import EndpointConfig

from bot.redis_stores import StrictRedisLockStore

SERVERS = 2
MESSAGES_PER_SERVER = 12


def store(url: str) -> StrictRedisLockStore:
    return StrictRedisLockStore(EndpointConfig(url=url, key_prefix="lock"))


def test_tickets_issued_at_once_by_two_servers_are_all_different(redis_url: str):
    stores = [store(redis_url) for _ in range(SERVERS)]
    start, tickets = threading.Barrier(SERVERS * MESSAGES_PER_SERVER), []

    def take(index: int) -> None:
        start.wait()
        tickets.append(stores[index % SERVERS].issue_ticket("owner-tickets"))

    threads = [threading.Thread(target=take, args=(i,)) for i in range(SERVERS * MESSAGES_PER_SERVER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(tickets) == list(range(SERVERS * MESSAGES_PER_SERVER))


def test_messages_of_one_conversation_are_processed_one_at_a_time(redis_url: str):
    """Each 'message' holds the lock while it reads, works and writes a counter, as Rasa does
    with the tracker: none may overlap another, and none may be lost."""
    client = redis.Redis.from_url(redis_url)
    client.set("processed", 0)
    inside, overlaps, errors = [0], [], []
    guard = threading.Lock()
    start = threading.Barrier(SERVERS * MESSAGES_PER_SERVER)

    def message(server: StrictRedisLockStore) -> None:
        async def handle() -> None:
            async with server.lock("owner-double-tap", wait_time_in_seconds=0.01):
                with guard:
                    inside[0] += 1
                    if inside[0] > 1:
                        overlaps.append(inside[0])
                seen = int(client.get("processed"))
                await asyncio.sleep(0.005)
                client.set("processed", seen + 1)
                with guard:
                    inside[0] -= 1

        start.wait()
        try:
            asyncio.run(handle())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    stores = [store(redis_url) for _ in range(SERVERS)]
    threads = [threading.Thread(target=message, args=(stores[i % SERVERS],))
               for i in range(SERVERS * MESSAGES_PER_SERVER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and not overlaps
    assert int(client.get("processed")) == SERVERS * MESSAGES_PER_SERVER
    assert client.get("lock:lock:owner-double-tap") is None, "the lock is removed when idle"


def test_an_idle_conversation_leaves_no_lock_and_a_new_message_starts_at_ticket_zero(
        redis_url: str):
    one = store(redis_url)

    async def twice() -> list[int]:
        numbers = []
        for _ in range(2):
            async with one.lock("owner-idle") as lock:
                numbers.append(lock.now_serving)
        return numbers

    assert asyncio.run(twice()) == [0, 0]
