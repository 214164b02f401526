"""The conversation store against a real redis-server: saving never loses an owner's earlier
turns, whether the new tracker continues the stored one (the usual case, saved without
rebuilding it) or not (an earlier session, or a writer without the lock: Rasa's merge)."""

from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_stores import StrictRedisTrackerStore, continues

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [ask_market_question]
slots:
  market:
    type: text
    mappings: [{type: custom}]
""")


def turn(text: str, stamp: float) -> list:
    return [UserUttered(text, {"name": "ask_market_question"}, timestamp=stamp),
            ActionExecuted("action_answer_question", timestamp=stamp + 0.1),
            SlotSet("market", "jp", timestamp=stamp + 0.1),
            ActionExecuted("action_listen", timestamp=stamp + 0.2)]


def texts(tracker: DialogueStateTracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_each_save_keeps_the_earlier_turns(redis_url: str):
    store = StrictRedisTrackerStore(DOMAIN, host=redis_url, key_prefix="t1")
    tracker = DialogueStateTracker.from_events("owner-a", turn("日本要什麼認證", 1.0))
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("owner-a"))
    assert continues(store.red.get(store.key_prefix + "owner-a"), again)
    again.update_with_events(turn("那標籤呢", 2.0), DOMAIN)
    asyncio.run(store.save(again))
    stored = asyncio.run(store.retrieve_full_tracker("owner-a"))
    assert texts(stored) == ["日本要什麼認證", "那標籤呢"]
    assert stored.get_slot("market") == "jp"


def test_a_new_session_keeps_the_earlier_session(redis_url: str):
    """`retrieve` gives only the latest session; saving it must not drop the ones before."""
    store = StrictRedisTrackerStore(DOMAIN, host=redis_url, key_prefix="t2")
    first = [ActionExecuted("action_session_start", timestamp=0.5),
             SessionStarted(timestamp=0.5), *turn("美國關稅多少", 1.0)]
    asyncio.run(store.save(DialogueStateTracker.from_events("owner-b", first)))
    second = [ActionExecuted("action_session_start", timestamp=5.0),
              SessionStarted(timestamp=5.0), *turn("那歐盟呢", 6.0)]
    full = asyncio.run(store.retrieve_full_tracker("owner-b"))
    full.update_with_events(second, DOMAIN)
    asyncio.run(store.save(full))
    latest = asyncio.run(store.retrieve("owner-b"))
    assert texts(latest) == ["那歐盟呢"]
    assert not continues(store.red.get(store.key_prefix + "owner-b"), latest)
    latest.update_with_events(turn("要多久", 7.0), DOMAIN)
    asyncio.run(store.save(latest))
    stored = asyncio.run(store.retrieve_full_tracker("owner-b"))
    assert texts(stored) == ["美國關稅多少", "那歐盟呢", "要多久"]


def test_a_tracker_that_does_not_continue_the_stored_one_is_merged(redis_url: str):
    store = StrictRedisTrackerStore(DOMAIN, host=redis_url, key_prefix="t3")
    asyncio.run(store.save(DialogueStateTracker.from_events("owner-c", turn("越南稅", 1.0))))
    other = DialogueStateTracker.from_events("owner-c", turn("泰國標籤", 2.0))
    assert not continues(store.red.get(store.key_prefix + "owner-c"), other)
    asyncio.run(store.save(other))
    stored = asyncio.run(store.retrieve_full_tracker("owner-c"))
    assert texts(stored) == ["越南稅", "泰國標籤"]


def test_unreadable_stored_json_is_not_taken_as_a_prefix():
    tracker = DialogueStateTracker.from_events("owner-d", turn("x", 1.0))
    assert not continues("not json", tracker)
    assert not continues('{"events": [{"no": "type"}]}', tracker)
    assert continues('{"events": []}', tracker)
