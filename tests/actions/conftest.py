"""Shared fixtures for the action tests: a runtime pointed at a knowledge folder, trackers built
like the ones Rasa sends, and running an action as the action server does."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from tests.conftest import REAL_KNOWLEDGE

# Loaded knowledge, indexes and event catalogues per folder, shared by every test of the run:
# the actions only read them, and building them for each test would take most of the time.
_SHARED: dict[str, tuple] = {}
_BUILD = (runtime.store, runtime.answerer, runtime.event_store)


@pytest.fixture
def use_knowledge(monkeypatch, tmp_path):
    """Point the actions at a knowledge folder (the real one unless a test passes another)."""

    def use(folder=REAL_KNOWLEDGE) -> None:
        monkeypatch.setenv("KNOWLEDGE_DIR", str(folder))
        monkeypatch.setenv("EVENTS_TODAY", "2026-11-27")
        monkeypatch.setenv("LEADS_SPOOL_DIR", str(tmp_path / "spool"))
        monkeypatch.setenv("RETRIEVAL_DENSE", "off")
        monkeypatch.delenv("REDIS_URL", raising=False)
        key = str(folder)
        if key not in _SHARED:
            # built by the real functions: a folder used earlier in the same test (a module's
            # autouse fixture) must not leak into this one's answerer
            for build in _BUILD:
                monkeypatch.setattr(runtime, build.__name__, build)
            runtime.reset()
            _SHARED[key] = tuple(build() for build in _BUILD)
        runtime.reset()
        store, answerer, events = _SHARED[key]
        monkeypatch.setattr(runtime, "store", lambda: store)
        monkeypatch.setattr(runtime, "answerer", lambda: answerer)
        monkeypatch.setattr(runtime, "event_store", lambda: events)

    yield use
    runtime.reset()


def tracker(text: str, slots: dict[str, Any] | None = None, *, intent: str = "inform",
            entities: list[dict] | None = None, requested: str | None = None,
            loop: str | None = None, history: list[str] | None = None,
            confidence: float = 0.9) -> Tracker:
    """A tracker as Rasa sends it: earlier owner messages in `history`, then `text`."""
    events = [{"event": "user", "text": t} for t in (history or [])]
    events.append({"event": "user", "text": text})
    return Tracker(
        sender_id="owner-1",
        slots={"preferred_language": "auto", "fallback_count": 0.0, "requested_slot": requested,
               **(slots or {})},
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence},
                        "entities": entities or []},
        events=events, paused=False, followup_action=None,
        active_loop={"name": loop} if loop else {}, latest_action_name="action_listen",
    )


def run(action, track: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def slots_of(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def filled(events: list[dict]) -> dict[str, Any]:
    """Slots an action set, without the form's bookkeeping."""
    return {k: v for k, v in slots_of(events).items() if k != "requested_slot"}
