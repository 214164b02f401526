"""`knowledge_tool gaps` against a real Redis filled the way the action server fills it."""

from __future__ import annotations

import subprocess
import time

import pytest
import redis

from market_entry.knowledge_tool import main
from market_entry.unanswered import record_unanswered
from tests.e2e.harness import free_port, redis_server_binary


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    process = subprocess.Popen([redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1",
                                "--dir", str(tmp_path), "--save", ""],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_gaps_groups_by_market_and_topic_most_asked_first(capsys, small_knowledge, redis_url):
    client = redis.Redis.from_url(redis_url)
    for _ in range(3):
        record_unanswered(client, "日本的太空衣標示怎麼寫？", "jp")
    record_unanswered(client, "日本的無人機認證？我的電話 0912-345-678", "jp")
    record_unanswered(client, "巴西關稅多少", None)
    code = main(["--root", str(small_knowledge), "gaps", "--redis-url", redis_url])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["3", "日本", "/", "標示"]
    assert "3 × 日本的太空衣標示怎麼寫?" in out
    assert "日本 / 產品認證與標準" in out
    assert "0912" not in out and "<number>" in out
    assert "（未指定市場） / 關稅與貿易協定" in out
