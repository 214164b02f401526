"""Quick retrieval check for knowledge editors: every end-to-end question must reach its entry.

    .venv-app/bin/python scripts/probe_retrieval.py

Prints OK / XX per question of tests/e2e/questions/*.yml (XX: the expected entry was not
answered) and a few questions that must stay "not covered". Runs in seconds, no servers needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from market_entry.answering import Answerer, Context  # noqa: E402
from market_entry.knowledge import KnowledgeStore  # noqa: E402
from market_entry.settings import Settings  # noqa: E402

MUST_NOT_BE_COVERED = [
    "日本的太空旅遊業執照怎麼申請？", "美國的賭場執照怎麼申請", "越南的房地產投資",
    "印度的寵物進口規定", "歐盟的武器出口管制", "泰國的婚姻簽證", "墨西哥治安好嗎",
    "越南的天氣如何", "杜拜的房地產值得投資嗎",
]


def main() -> int:
    # As the action server ranks: hybrid unless RETRIEVAL_DENSE=off (then a few seconds faster)
    settings = Settings.from_env()
    answerer = Answerer(KnowledgeStore(ROOT / "knowledge"), dense=settings.dense_retrieval,
                        vector_cache=settings.vector_cache_dir)
    failures = 0
    for path in sorted((ROOT / "tests/e2e/questions").glob("*.yml")):
        for question in yaml.safe_load(path.read_text("utf-8"))["questions"]:
            lang = "en" if question["lang"] == "en" else "zh-TW"
            reply = answerer.respond(question["text"], lang, Context())
            got = reply.entry.id if reply.entry else reply.kind
            ok = got in (question["expect"], *question.get("also", ()))
            failures += not ok
            top = [(c.entry.id, round(c.score, 2)) for c in (reply.result.candidates if reply.result else [])]
            print(f"{'OK' if ok else 'XX'} {question['text'][:50]} -> {got} {'' if ok else top}")
    for text in MUST_NOT_BE_COVERED:
        reply = answerer.respond(text, "zh-TW", Context())
        ok = reply.kind == "not_covered"
        failures += not ok
        print(f"{'OK' if ok else 'XX'} (must not be covered) {text} -> {reply.kind}")
    print(f"{failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
