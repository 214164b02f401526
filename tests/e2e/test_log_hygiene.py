"""No owner's contact detail in any log of the real services, even when things go wrong.

A private stack (its own Redis, action server and Rasa server, its own knowledge copy and log
files) takes a hand-off through REST; once the phone number is given, knowledge/handoff/
scoring.yml is broken, so building the lead at submit fails inside the action server. The owner
must get the apology (phrase `system.action_failed`), and the phone number (in any formatting),
the e-mail address and the contact name must appear in no log of Redis, the action server or
Rasa. Then hostile input carrying the same details (payload values, over-long and broken
bodies, sender ids, Socket.IO data) is sent, and the logs are scanned again.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
import unicodedata
import urllib.request

import pytest
import redis

from market_entry.leads.store import LeadStore
from market_entry.phrases import say
from tests.e2e.fuzz_inputs import (
    REPLY,
    SocketConversation,
    odd_body,
    post_rest,
    random_text,
    rest_body,
    send_rest,
)
from tests.e2e.harness import Services, buttons, latest_model, texts

pytestmark = pytest.mark.servers

ZH = "zh-TW"
NAME, EMAIL, PHONE = "邱雅婷", "yating.chiu@example.com", "0912-345-678"
ANSWERS = {"company": "晨曦精密有限公司", "contact_name": NAME, "job_title": "業務經理",
           "email": EMAIL, "export_experience": "有", "size_band": "30人",
           "help_wanted": "想找日本的代理商", "timeline": "3個月內", "ubn": "04595257",
           "phone": PHONE}
PHONE_FORMS = ["0912-345-678", "0912345678", "912345678", "0912 345 678", "+886912345678",
               "+886-912-345-678", "(09)12-345-678", "912-345-678"]
MAX_TURNS = 16
BROKEN_SCORING = "factors:\n  - id: [unclosed\n    points: nine\n"


def _escaped(text: str) -> list[str]:
    """`text` as it would look inside JSON written with ensure_ascii (either hex case)."""
    escaped = json.dumps(text)[1:-1]
    return [escaped, escaped.upper().replace("\\U", "\\u")] if escaped != text else []


LEAKS = {
    # any grouping of the subscriber digits, with or without 0 / +886 in front
    "phone": re.compile(r"[\s\-.()]{0,3}".join("912345678")),
    "e-mail": re.compile("|".join(re.escape(v) for v in [EMAIL, "yating.chiu", *_escaped(EMAIL)]),
                         re.IGNORECASE),
    "contact name": re.compile("|".join(re.escape(v) for v in [NAME, *_escaped(NAME)]),
                               re.IGNORECASE),
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Services(tmp_path_factory.mktemp("hygiene"), latest_model())
    try:
        running.start_all()
    except Exception:
        for name in ("redis", "actions", "rasa"):
            log = running.log(name)
            if log.exists():
                print(f"--- {name} log (tail) ---\n" + log.read_text(errors="replace")[-3000:])
        running.stop_all()
        raise
    yield running
    running.stop_all()


def requested_slot(stack: Services, sender: str) -> str | None:
    request = urllib.request.Request(
        f"{stack.rasa_url}/conversations/{sender}/tracker?token={stack.token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["slots"]["requested_slot"]


def leaks(stack: Services) -> dict[str, list[str]]:
    """Log lines (per file) that show the phone number, the e-mail or the contact name."""
    time.sleep(1)   # let the services flush their last lines
    found: dict[str, list[str]] = {}
    logs = sorted(stack.workdir.glob("*.log"))
    assert {p.name for p in logs} >= {"redis.log", "actions.log", "rasa.log"}
    for path in logs:
        for number, line in enumerate(path.read_text("utf-8", "replace").splitlines(), 1):
            line = unicodedata.normalize("NFKC", line)   # full-width digits count too
            for what, pattern in LEAKS.items():
                if pattern.search(line):
                    found.setdefault(path.name, []).append(f"{what} at line {number}: {line[:200]}")
    return found


def test_a_failing_submit_apologises_and_no_log_shows_the_contact_details(stack):
    sender = "hygiene-handoff"
    scoring = stack.knowledge / "handoff" / "scoring.yml"
    good = scoring.read_text(encoding="utf-8")
    stack.chat(sender, "我們是做小家電的，想賣到日本需要什麼認證？")
    replies = stack.chat(sender, "我想找專人")
    assert "/give_consent" in [b["payload"] for b in buttons(replies)], texts(replies)
    replies = stack.chat(sender, "/give_consent")
    apology = say("system.action_failed", ZH)
    asked, broken = [], False
    try:
        for _ in range(MAX_TURNS):
            if apology in texts(replies):
                break
            requested = requested_slot(stack, sender)
            if requested == "handoff_confirmed":
                assert broken, "the summary came before the phone number was asked"
                replies = stack.chat(sender, say("handoff.button_confirm", ZH))
                continue
            assert requested in ANSWERS, (requested, texts(replies))
            asked.append(requested)
            replies = stack.chat(sender, ANSWERS[requested])
            if requested == "phone":
                # From here on building the lead cannot work: the scoring cannot be read.
                scoring.write_text(BROKEN_SCORING, encoding="utf-8")
                broken = True
        else:
            pytest.fail(f"no apology after {MAX_TURNS} turns: {texts(replies)}")
    finally:
        scoring.write_text(good, encoding="utf-8")

    assert "phone" in asked and {"contact_name", "email"} <= set(asked), asked
    assert apology in texts(replies)
    assert "/request_human" in [b["payload"] for b in buttons(replies)]   # the officer option
    lead_store = LeadStore(redis.Redis.from_url(stack.redis_url))
    assert lead_store.conversation_leads(sender) == []   # the failure stored nothing half-made
    actions_log = stack.log("actions").read_text("utf-8", "replace")
    assert re.search(r"action action_handoff_submit failed: \w+ \(conversation [0-9a-f]{12}\)",
                     actions_log), "the failure is not in the action server's log"
    assert leaks(stack) == {}


HOSTILE = [
    f'/inform_market{{"market":"{PHONE}"}}', f'/ask_market_question{{"market":"{EMAIL}"}}',
    f'/ask_market_question{{"topic":"{NAME}","entry_id":"0912345678"}}',
    f'/request_human{{"phone":"{PHONE}","email":"{EMAIL}","contact_name":"{NAME}"}}',
    f'/screen_eligibility{{"selected_event":"{EMAIL}"}}', f'/switch_language{{"language":"{NAME}"}}',
    '/nlu_fallback{"phone":"+886912345678"}', f'/action_restart{{"email":"{EMAIL}"}}',
    "/give_consent{\"x\":", f"/{NAME}", f"我的電話是 {PHONE}，email {EMAIL}，我是{NAME}",
    f"{NAME} {EMAIL} " * 80, "912345678 " * 150, "電話改成 0912 345 678", f"{EMAIL}\x00\ud800",
    f"\u202e{NAME}\u202c 09１２３４５６７８", "！！？？" + "日本" + PHONE + "＃＃＃",
]


def test_hostile_input_carrying_contact_details_leaves_no_trace_in_the_logs(stack):
    rng = random.Random(20261127)
    outcomes = []
    for number, text in enumerate(HOSTILE):
        sender = f"hygiene-hostile-{number}"
        outcomes.append(send_rest(stack.rasa_url, rest_body(sender, text), "hostile", REPLY,
                                  repr(text[:80])))
        for _ in range(3):   # the same conversation, more fuzz around the details
            kind, fuzz = random_text(rng)
            mixed = f"{fuzz} {rng.choice([PHONE, EMAIL, NAME, '0912345678'])}"[:900]
            body, _ = odd_body(rng, sender, mixed)
            status, _ = post_rest(stack.rasa_url, body)
            assert status < 500, (status, body[:200])
    # bodies the channel refuses, with the details inside
    for raw in [f'{{"sender": "x", "message": "{PHONE} {EMAIL}"'.encode(),
                json.dumps({"sender": PHONE, "message": ["x", EMAIL]}).encode(),
                json.dumps({"sender": EMAIL * 9, "message": NAME}).encode(),
                json.dumps({"sender": "hygiene-meta", "message": NAME,
                            "metadata": [PHONE, EMAIL]}).encode(),
                f'{{"sender": "{NAME}", "message": "{PHONE}'.encode() + b'\xff\xfe"}']:
        status, _ = post_rest(stack.rasa_url, raw)
        assert 400 <= status < 500, (status, raw)
    # the details as the conversation id itself
    for sender in (PHONE, EMAIL, NAME, "0912345678"):
        outcomes.append(send_rest(stack.rasa_url, rest_body(sender, "你好"), "sender id", REPLY,
                                  sender))

    async def widget() -> None:
        async with SocketConversation(stack.rasa_url, session_id=f"{PHONE}-{NAME}") as chat:
            for text in HOSTILE[:8]:
                outcomes.append(await chat.send({"message": text, "customData": {
                    "phone": PHONE, "email": EMAIL}}, "socket", REPLY, text[:80]))

    asyncio.run(widget())
    # (whether each got a useful reply is test_fuzz's concern; here: nothing broke)
    assert [o for o in outcomes if o.error or (o.status or 200) >= 500] == []
    assert leaks(stack) == {}
