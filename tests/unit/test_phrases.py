"""The phrase catalogue: both languages everywhere, every key used, every used key present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from market_entry.phrases import LANGUAGES, catalogue, clip_label, say

REPO = Path(__file__).resolve().parents[2]
CODE = [p for folder in ("actions", "market_entry", "bot") for p in (REPO / folder).rglob("*.py")]
# Keys built from a prefix and a value (f"handoff.ask.{slot}") are checked by their prefix.
LITERAL = re.compile(r"""(?:say|both)\(\s*f?["']([a-z_]+(?:\.[a-z0-9_{}.]+)+)["']""")
PLAIN_KEY = re.compile(r"""f?["']((?:answer|fallback|system|button|events|screening|eligibility|handoff)\.[a-z0-9_.{}]+)["']""")


def used_keys() -> tuple[set[str], set[str]]:
    exact, prefixes = set(), set()
    for path in CODE:
        text = path.read_text("utf-8")
        for key in LITERAL.findall(text) + PLAIN_KEY.findall(text):
            if key.endswith((".yml", ".py")):
                continue
            if "{" in key:
                prefixes.add(key.split("{")[0])
            else:
                exact.add(key)
    return exact, prefixes


def test_every_phrase_has_both_languages_and_valid_placeholders():
    for key, texts in catalogue().items():
        fields = [set(re.findall(r"{(\w+)}", texts[lang])) for lang in LANGUAGES]
        # An empty text is a deliberate "nothing to add" in that language.
        if texts["zh-TW"] and texts["en"]:
            assert fields[0] == fields[1], key


def test_every_key_the_code_uses_exists():
    exact, prefixes = used_keys()
    missing = sorted(k for k in exact if k not in catalogue())
    assert not missing
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in catalogue()), prefix


def test_every_phrase_is_used():
    exact, prefixes = used_keys()
    unused = sorted(k for k in catalogue() if k not in exact
                    and not any(k.startswith(p) for p in prefixes))
    assert not unused


def test_button_labels_fit_line():
    for key, texts in catalogue().items():
        if key.startswith("button.") or key.startswith("handoff.size.") or \
                key.startswith("handoff.timeline."):
            assert all(len(texts[lang]) <= 20 for lang in LANGUAGES), key


def test_say_falls_back_to_traditional_chinese_and_formats():
    assert say("answer.ask_market", "zh-CN") == say("answer.ask_market", "zh-TW")
    assert "42" in say("system.message_too_long", "en", limit=42)
    with pytest.raises(KeyError):
        say("answer.no_such_phrase", "en")


def test_clip_label():
    assert clip_label("短") == "短"
    assert len(clip_label("x" * 30)) == 20
