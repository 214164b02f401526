"""Edits are served live within the check interval; broken edits never take answers away."""

import time

from market_entry.knowledge import KnowledgeStore
from tests.conftest import ENTRY_TEMPLATE_IP


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_edit_is_picked_up_after_the_check_interval(small_knowledge):
    clock = FakeClock()
    store = KnowledgeStore(small_knowledge, check_interval=1.0, clock=clock)
    assert store.get().entry("jp-ip-trademark") is None
    (small_knowledge / "markets/jp/ip.yml").write_text(ENTRY_TEMPLATE_IP, encoding="utf-8")
    assert store.get().entry("jp-ip-trademark") is None  # not yet: within the interval
    clock.now = 1.5
    assert store.get().entry("jp-ip-trademark") is not None
    assert store.reloads == 2


def test_a_broken_edit_keeps_the_last_good_version(small_knowledge, caplog):
    clock = FakeClock()
    store = KnowledgeStore(small_knowledge, check_interval=1.0, clock=clock)
    good = store.get()
    (small_knowledge / "markets/jp/certification.yml").write_text("entries: [oops", encoding="utf-8")
    clock.now = 2
    assert store.get() is good
    assert store.last_error is not None
    assert "certification.yml" in caplog.text and "keeping the last good version" in caplog.text
    (small_knowledge / "markets/jp/ip.yml").write_text(ENTRY_TEMPLATE_IP, encoding="utf-8")
    clock.now = 4
    assert store.get() is good  # still broken elsewhere: still the old knowledge


def test_reload_time_is_small(small_knowledge):
    store = KnowledgeStore(small_knowledge, check_interval=0.0)
    store.get()
    (small_knowledge / "markets/jp/ip.yml").write_text(ENTRY_TEMPLATE_IP, encoding="utf-8")
    started = time.perf_counter()
    kb = store.get()
    elapsed = time.perf_counter() - started
    assert kb.entry("jp-ip-trademark") is not None
    print(f"reload of the small knowledge folder took {elapsed * 1000:.1f} ms")


def test_listeners_hear_about_each_reload(small_knowledge):
    seen = []
    store = KnowledgeStore(small_knowledge, check_interval=0.0)
    store.on_reload(lambda kb: seen.append(kb.fingerprint))
    store.get()
    store.get()  # unchanged files: no reload
    (small_knowledge / "markets/jp/ip.yml").write_text(ENTRY_TEMPLATE_IP, encoding="utf-8")
    store.get()
    assert len(seen) == 2 and seen[0] != seen[1]
