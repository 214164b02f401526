"""Running it: Redis persistence, hot reload, API protection, refusal to start without Redis."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest

from market_entry.knowledge import load_knowledge
from market_entry.phrases import say
from tests.e2e.harness import APP_BIN, REPO, card, free_port, texts

pytestmark = pytest.mark.servers

NEW_ENTRY = """\
entries:
  - id: jp-support-e2e-reload
    topic: support
    title: {zh-TW: 熱更新測試條目, en: Hot reload test entry}
    questions: {zh-TW: [日本的量子蜂蜜執照怎麼申請？]}
    answer: {zh-TW: 這是端到端測試寫入的條目。}
    sources: [{title: Test source, url: "https://www.trade.gov.tw/"}]
    checked: 2026-11-01
    review_by: 2027-05-01
"""


def test_api_needs_the_token(services):
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(f"{services.rasa_url}/status", timeout=5)
    assert denied.value.code == 401
    with urllib.request.urlopen(f"{services.rasa_url}/status?token={services.token}", timeout=5) as ok:
        assert "model_id" in json.load(ok)


def test_knowledge_edit_is_served_without_restart(services, sender):
    before = services.chat(sender, "日本的量子蜂蜜執照怎麼申請？")
    assert card(before) is None
    kb = load_knowledge(services.knowledge)
    assert say("answer.not_covered", "zh-TW", market=kb.markets["jp"].name("zh-TW"),
               desk=kb.desks[kb.markets["jp"].desk].name("zh-TW")) in texts(before)
    added = services.knowledge / "markets/jp/zz_e2e.yml"
    added.write_text(NEW_ENTRY, encoding="utf-8")
    try:
        started = time.monotonic()
        while True:
            replies = services.chat(sender, "日本的量子蜂蜜執照怎麼申請？")
            if card(replies) and card(replies)["entry_id"] == "jp-support-e2e-reload":
                break
            assert time.monotonic() - started < 15, texts(replies)
            time.sleep(0.3)
        print(f"\nknowledge edit served after {time.monotonic() - started:.2f} s")
    finally:
        added.unlink()   # the other tests share these servers and their knowledge
        time.sleep(1.5)


def test_broken_pack_keeps_the_last_good_knowledge(services, sender):
    broken = services.knowledge / "markets/jp/zz_broken.yml"
    broken.write_text("entries:\n  - id: jp-broken\n    topic: [unclosed\n", encoding="utf-8")
    try:
        time.sleep(1.5)
        replies = services.chat(sender, "我們是做小家電的，想賣到日本需要什麼認證？")
        assert card(replies)["entry_id"] == "jp-certification-pse"
        log = services.log("actions").read_text(errors="replace")
        assert "zz_broken.yml:" in log and "keeping the last good version" in log
    finally:
        broken.unlink()


def test_conversation_survives_restarts_of_rasa_and_actions(services, sender):
    services.chat(sender, "我們是做小家電的，想賣到日本需要什麼認證？")
    services.stop("rasa")
    services.stop("actions")
    services.start_actions()
    services.start_rasa()
    replies = services.chat(sender, "那標籤呢？")
    assert card(replies)["entry_id"] == "jp-labelling-household-goods"


def test_services_refuse_to_start_without_redis(services, tmp_path):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    actions = subprocess.run(
        [str(APP_BIN / "python"), "-m", "actions.server", "--port", str(free_port())],
        cwd=REPO, env=services.env(REDIS_URL=closed), capture_output=True, text=True, timeout=120)
    assert actions.returncode != 0
    assert "Redis is unreachable" in actions.stderr

    args = services.rasa_args()
    args[args.index("--port") + 1] = str(free_port())
    rasa = subprocess.Popen(args, cwd=REPO, env=services.env(REDIS_URL=closed),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = rasa.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        rasa.kill()
        output, _ = rasa.communicate()
        pytest.fail("Rasa kept running without Redis:\n" + output[-2000:])
    assert rasa.returncode != 0 or "Redis is unreachable" in output
    assert "Redis is unreachable" in output
