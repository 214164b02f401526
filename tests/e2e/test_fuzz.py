"""Seeded fuzzing of both public channels of the real servers (REST and the widget's Socket.IO).

About 2,200 hostile messages in 200 conversations: typed `/intent{...}` payloads with odd
entity values and unknown intents, random Unicode (lone surrogates as JSON escapes, control
characters, bidi marks, emoji, CJK), repeated keywords, punctuation soup around a market word,
over-long and blank messages, typed `/restart` and `/session_start`, broken REST bodies and odd
Socket.IO data — cold, after a question, and inside the screening and hand-off forms.

Every message must get a reply with text, or a 4xx for a malformed body; no 5xx; no action
failure in the action server's log; no traceback or exception, no message the inbound guard had
to answer with "send it again", and no circuit-breaker trip (a dialogue loop) in the Rasa
server's log. The figures are printed. About 2 minutes with 4 REST and 10 widget conversations
at a time.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from market_entry.events import load_events
from tests.e2e.fuzz_inputs import (
    REJECT,
    REPLY,
    REST,
    SOCKET,
    Outcome,
    SocketConversation,
    broken_body,
    log_problems,
    odd_body,
    random_text,
    rest_body,
    rest_rejects,
    send_rest,
    socket_odd_data,
)

pytestmark = pytest.mark.servers

SEED = 20261127
CONVERSATIONS = 200          # half over REST, half over Socket.IO
MESSAGES_PER_CONVERSATION = 11
REST_AT_ONCE, SOCKET_AT_ONCE = 4, 10
SILENT_TURNS = 3
QUESTION = "我們是做小家電的，想賣到日本需要什麼認證？"


SENDER = "@@sender@@"   # replaced by the conversation's id when the body is sent


def plan(rng: random.Random, channel: str, events: list[str]) -> list[tuple[str, str, object]]:
    """One conversation: an opening (none, a question, the screening form, the hand-off form),
    then fuzz. Each step is (kind, expected, what to send): for REST the body's bytes, for
    Socket.IO the `user_uttered` data."""
    opening = rng.choice(["cold", "question", "screening", "handoff"])
    texts: list[tuple[str, str]] = []
    if opening == "question":
        texts.append(("opening", QUESTION))
    elif opening == "screening":
        texts.append(("opening", f'/screen_eligibility{{"selected_event":"{rng.choice(events)}"}}'))
    elif opening == "handoff":
        texts += [("opening", QUESTION), ("opening", "/request_human"),
                  ("opening", "/give_consent")]
    steps: list[tuple[str, str, object]] = [
        (kind, REPLY, rest_body(SENDER, text) if channel == REST else {"message": text})
        for kind, text in texts]
    while len(steps) < MESSAGES_PER_CONVERSATION:
        roll = rng.random()
        if channel == REST and roll < 0.12:
            steps.append(("broken_body", REJECT, broken_body(rng, SENDER)))
        elif channel == REST and roll < 0.18:
            body, refused = odd_body(rng, SENDER, random_text(rng)[1])
            steps.append(("odd_body", REJECT if refused else REPLY, body))
        elif channel == SOCKET and roll < 0.08:
            steps.append(("odd_data", REPLY, socket_odd_data(rng)))
        else:
            kind, text = random_text(rng)
            if channel == REST:
                steps.append((kind, REJECT if rest_rejects(text) else REPLY,
                              rest_body(SENDER, text)))
            else:
                steps.append((kind, REPLY, {"message": text}))
    return steps


async def run_rest(base_url: str, sender: str, steps, limit: asyncio.Semaphore) -> list[Outcome]:
    outcomes = []
    async with limit:
        for kind, expected, body in steps:
            body = body.replace(SENDER.encode(), sender.encode())
            outcomes.append(await asyncio.to_thread(send_rest, base_url, body, kind, expected,
                                                    repr(body[:160])))
    return outcomes


async def run_socket(base_url: str, redis_url: str, steps,
                     limit: asyncio.Semaphore) -> tuple[list[Outcome], int]:
    outcomes = []
    async with limit:
        async with SocketConversation(base_url, redis_url=redis_url) as conversation:
            for kind, expected, data in steps:
                outcomes.append(await conversation.send(data, kind, expected, repr(data)[:160]))
                if len(outcomes) >= SILENT_TURNS and all(
                        o.problem == "empty reply" for o in outcomes[-SILENT_TURNS:]):
                    # a dead conversation: each further message would wait out the timeout
                    outcomes.append(Outcome(SOCKET, "abandoned", REPLY, error=(
                        f"conversation abandoned after {SILENT_TURNS} silent turns")))
                    break
        return outcomes, conversation.stray


async def fuzz(base_url: str, redis_url: str, conversations) -> tuple[list[Outcome], int]:
    rest_limit, socket_limit = asyncio.Semaphore(REST_AT_ONCE), asyncio.Semaphore(SOCKET_AT_ONCE)
    # REST calls and the Socket.IO turns' lock checks run in threads: enough for all at once
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(32))
    jobs = [run_rest(base_url, sender, steps, rest_limit) if channel == REST
            else run_socket(base_url, redis_url, steps, socket_limit)
            for channel, sender, steps in conversations]
    results = await asyncio.gather(*jobs)
    outcomes, stray = [], 0
    for result in results:
        if isinstance(result, tuple):
            outcomes += result[0]
            stray += result[1]
        else:
            outcomes += result
    return outcomes, stray


def test_fuzzed_messages_always_get_an_answer_and_nothing_breaks(services, capsys):
    rng = random.Random(SEED)
    events = [e.id for e in load_events(services.knowledge).events]
    run = uuid.uuid4().hex[:6]
    conversations = []
    for number in range(CONVERSATIONS):
        channel = REST if number % 2 == 0 else SOCKET
        conversations.append((channel, f"fuzz-{run}-{number}", plan(rng, channel, events)))
    rasa_log, actions_log = services.log("rasa"), services.log("actions")
    rasa_from, actions_from = rasa_log.stat().st_size, actions_log.stat().st_size

    started = time.monotonic()
    outcomes, stray = asyncio.run(fuzz(services.rasa_url, services.redis_url, conversations))
    seconds = time.monotonic() - started
    time.sleep(1)   # let the last log lines reach the files

    with open(rasa_log, "rb") as handle:
        handle.seek(rasa_from)
        rasa_text = handle.read().decode("utf-8", "replace")
    with open(actions_log, "rb") as handle:
        handle.seek(actions_from)
        actions_text = handle.read().decode("utf-8", "replace")
    found = log_problems(rasa_text, actions_text)

    figures = {}
    for channel in (REST, SOCKET):
        mine = [o for o in outcomes if o.channel == channel]
        figures[channel] = {
            "messages": len(mine),
            "replied with text": sum(1 for o in mine if o.status in (None, 200) and o.has_text),
            "empty replies": sum(1 for o in mine if o.problem == "empty reply"),
            "4xx": sum(1 for o in mine if o.status is not None and 400 <= o.status < 500),
            "5xx": sum(1 for o in mine if o.status is not None and o.status >= 500),
            "transport errors": sum(1 for o in mine if o.error and o.kind != "abandoned"),
            "abandoned conversations": sum(1 for o in mine if o.kind == "abandoned"),
        }
    problems = [o for o in outcomes if o.problem]
    with capsys.disabled():
        print(f"\nfuzz (seed {SEED}): {len(outcomes)} messages in {len(conversations)} "
              f"conversations, {seconds:.0f} s")
        for channel, numbers in figures.items():
            print(f"  {channel:9}: " + ", ".join(f"{k} {v}" for k, v in numbers.items()))
        print("  kinds: " + ", ".join(f"{k} {v}" for k, v in
                                     sorted(Counter(o.kind for o in outcomes).items())))
        print(f"  socket.io frames arriving after a turn's quiet period: {stray}")
        print("  logs: " + ", ".join(f"{k} {len(v)}" for k, v in found.items()))
        print(f"  problems: {len(problems)}")

    assert len(outcomes) >= 2000 and all(figures[c]["messages"] >= 1000 for c in (REST, SOCKET))
    report = "\n".join([f"{o.channel} {o.kind}: {o.problem} <- {o.sent}" for o in problems[:25]]
                       + [f"{k}: {v[:3]}" for k, v in found.items() if v])
    assert not problems and not any(found.values()), report
