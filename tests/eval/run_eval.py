"""The owner-question evaluation: questions written from the owner's side, judged by the facts a
right answer must contain, through the real servers (Rasa's NLU and dialogue, the action server).

    python -m tests.eval.run_eval [--split dev|test|all] [--failures] [--url URL --token T]

Without --url it starts Redis, the action server and the Rasa server itself (tests/e2e/harness,
the trained model in models/). It prints the right-answer rate overall and by market, topic,
language, style and expectation, the failures by kind, and (for the dev split, or with
--failures) each failure with the reply it got. The test split is for reporting only: never tune
on its failures. Results go to results/eval-<split>.json.

Failure kinds: wrong_entry (answered, a required fact missing), not_covered_although_covered,
needless_market_question, choice_instead_of_answer, wrong_intent (a form, an events list, a
hand-off, a refusal or "please rephrase" where an answer was due, or the reverse),
invented_answer (an entry presented for an uncovered market or an out-of-scope question).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from market_entry.normalise import to_traditional
from market_entry.phrases import say

REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "owner_questions"

ANSWERED, ASK_MARKET, NOT_COVERED, CHOICES, EVENTS, HANDOFF, FORM = (
    "answered", "ask_market", "not_covered", "choices", "events", "handoff", "form")
REFUSED, FALLBACK, OTHER = "refused", "fallback", "other"


@dataclass(frozen=True)
class Case:
    id: str
    split: str
    lang: str
    style: str
    market: str
    topic: str
    expect: str
    turns: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...] = ()
    file: str = ""


@dataclass
class Outcome:
    case: Case
    kind: str
    passed: bool
    failure: str = ""
    missing: list[list[str]] = field(default_factory=list)
    entry: str | None = None
    intent: str | None = None
    reply: str = ""
    seconds: float = 0.0


def load_cases(folder: Path = CASES) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text("utf-8"))["cases"]:
            facts = tuple(tuple(str(a) for a in group) for group in raw.get("facts") or ())
            cases.append(Case(id=raw["id"], split=raw["split"], lang=raw["lang"],
                              style=raw.get("style", "plain"), market=str(raw["market"]),
                              topic=raw["topic"], expect=raw["expect"],
                              turns=tuple(str(t) for t in raw["turns"]), facts=facts,
                              file=path.name))
    return cases


# -- matching facts ------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Case, width, spaces, Simplified/Traditional and 臺/台 do not matter when matching a fact."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = to_traditional(text).replace("臺", "台")
    return re.sub(r"[\s\u3000'’`\-–—_]+", "", text)


def missing_facts(facts: Iterable[Iterable[str]], reply: str) -> list[list[str]]:
    folded = fold(reply)
    return [list(group) for group in facts if not any(fold(alt) in folded for alt in group)]


# -- talking to the servers ----------------------------------------------------------------------

class Client:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url.rstrip("/"), token

    def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", body,
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def tracker(self, sender: str) -> dict[str, Any]:
        query = urllib.parse.urlencode({"token": self.token, "include_events": "AFTER_RESTART"})
        with urllib.request.urlopen(f"{self.url}/conversations/{sender}/tracker?{query}",
                                    timeout=30) as response:
            return json.loads(response.read())


def last_turn(tracker: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The intent of the last owner message and the actions that answered it."""
    events = tracker.get("events") or []
    start = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    intent = ((events[start].get("parse_data") or {}).get("intent") or {}).get("name") \
        if start >= 0 else None
    actions = [e.get("name") for e in events[start + 1:] if e.get("event") == "action"
               and e.get("name") not in ("action_listen", None)]
    return intent, actions


def classify(replies: list[dict[str, Any]], actions: list[str]) -> tuple[str, str | None]:
    card = next((r["custom"] for r in replies if isinstance(r.get("custom"), dict)
                 and r["custom"].get("kind") == "market_answer"), None)
    if card is not None:
        return ANSWERED, card.get("entry_id")
    payloads = [b.get("payload", "") for r in replies for b in r.get("buttons") or []]
    text = "\n".join(r.get("text") or "" for r in replies)
    if "action_handoff" in actions or "/give_consent" in payloads:
        return HANDOFF, None
    if any(a in ("screening_form", "handoff_form") for a in actions):
        return FORM, None
    if "action_list_events" in actions:
        return EVENTS, None
    if any(p.startswith("/inform_market") for p in payloads):
        return ASK_MARKET, None
    if any('"entry_id"' in p for p in payloads) and "action_fallback" not in actions:
        return CHOICES, None
    if "utter_out_of_scope" in actions:
        return REFUSED, None
    if "action_fallback" in actions:
        return FALLBACK, None
    if any(text.startswith(p) for p in _not_covered_starts()):
        return NOT_COVERED, None
    return OTHER, None


def _not_covered_starts() -> list[str]:
    starts = []
    for key in ("answer.not_covered", "answer.uncovered_market"):
        for lang in ("zh-TW", "en"):
            starts.append(say(key, lang, market="\0", desk="\0", covered="\0").split("\0")[0])
    return [s for s in starts if s]


# -- judging -------------------------------------------------------------------------------------

def judge(case: Case, kind: str, text: str) -> tuple[bool, str, list[list[str]]]:
    missing = missing_facts(case.facts, text)
    if case.expect == "answer":
        if kind == ANSWERED:
            return (not missing), ("" if not missing else "wrong_entry"), missing
        failure = {NOT_COVERED: "not_covered_although_covered", ASK_MARKET:
                   "needless_market_question", CHOICES: "choice_instead_of_answer"}.get(
            kind, "wrong_intent")
        return False, failure, missing
    if case.expect in ("not_covered", "out_of_scope"):
        if kind in (ANSWERED, CHOICES):
            return False, "invented_answer", []
        ok = kind in (NOT_COVERED, REFUSED, FALLBACK, OTHER, HANDOFF)
        return ok, "" if ok else "wrong_intent", []
    if case.expect == "events":
        if kind != EVENTS:
            return False, "wrong_intent", missing
        return (not missing), ("" if not missing else "wrong_entry"), missing
    if case.expect == "handoff":
        return kind == HANDOFF, "" if kind == HANDOFF else "wrong_intent", []
    if case.expect == "ask_market":
        return kind == ASK_MARKET, "" if kind == ASK_MARKET else "wrong_intent", []
    raise ValueError(f"{case.id}: unknown expect {case.expect!r}")


def run_case(client: Client, case: Case) -> Outcome:
    sender = f"eval-{case.id}-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    replies: list[dict[str, Any]] = []
    for turn in case.turns:
        replies = client.send(sender, turn)
    intent, actions = last_turn(client.tracker(sender))
    kind, entry = classify(replies, actions)
    text = "\n".join(r.get("text") or "" for r in replies)
    passed, failure, missing = judge(case, kind, text)
    return Outcome(case, kind, passed, failure, missing, entry, intent, text[:600],
                   time.monotonic() - started)


# -- the report ----------------------------------------------------------------------------------

def rate(outcomes: list[Outcome]) -> str:
    right = sum(o.passed for o in outcomes)
    return f"{right / len(outcomes):6.1%} ({right}/{len(outcomes)})" if outcomes else "   n/a"


def report(outcomes: list[Outcome], split: str, show_failures: bool) -> str:
    lines = [f"Owner-question evaluation, split {split}: {len(outcomes)} cases",
             f"  right answers overall   {rate(outcomes)}"]
    taiwan = [o for o in outcomes if o.case.market == "tw"]
    lines.append(f"  Taiwan-side questions   {rate(taiwan)}")
    guarded = [o for o in outcomes if o.case.expect in ("not_covered", "out_of_scope")]
    invented = sum(o.failure == "invented_answer" for o in guarded)
    lines.append(f"  uncovered / out of scope answered with an entry: {invented} of {len(guarded)}")
    for title, key in (("language", lambda o: o.case.lang), ("market", lambda o: o.case.market),
                       ("topic", lambda o: o.case.topic), ("expect", lambda o: o.case.expect),
                       ("style", lambda o: o.case.style),
                       ("turns", lambda o: "multi-turn" if len(o.case.turns) > 1 else "single")):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            groups[key(outcome)].append(outcome)
        lines.append(f"  by {title}:")
        lines += [f"    {name:<30} {rate(group)}" for name, group in sorted(groups.items())]
    failures = Counter(o.failure for o in outcomes if not o.passed)
    lines.append("  failures by kind:")
    lines += [f"    {name:<30} {count}" for name, count in failures.most_common()]
    seconds = sorted(o.seconds / len(o.case.turns) for o in outcomes)
    if seconds:
        lines.append(f"  seconds per turn: p50 {seconds[len(seconds) // 2]:.2f}, "
                     f"p95 {seconds[int(len(seconds) * 0.95) - 1]:.2f}")
    if show_failures:
        lines.append("  failures:")
        for o in (o for o in outcomes if not o.passed):
            lines.append(f"  - {o.case.id} [{o.failure}] got {o.kind} entry={o.entry} "
                         f"intent={o.intent}")
            lines += [f"      > {t}" for t in o.case.turns]
            if o.missing:
                lines.append(f"      missing: {o.missing}")
            lines.append("      reply: " + o.reply[:240].replace("\n", " / "))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--failures", action="store_true", help="list failures (default: dev)")
    parser.add_argument("--url", help="a running Rasa server (else one is started)")
    parser.add_argument("--token", default="", help="its HTTP API token")
    parser.add_argument("--only", help="case ids starting with this")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    cases = [c for c in load_cases() if args.split in (c.split, "all")
             and (not args.only or c.id.startswith(args.only))]
    services = None
    if args.url:
        client = Client(args.url, args.token)
    else:
        from tests.e2e.harness import Services, latest_model

        services = Services(Path(tempfile.mkdtemp(prefix="eval-")), latest_model())
        services.start_all()
        client = Client(services.rasa_url, services.token)
    try:
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            outcomes = list(pool.map(lambda c: run_case(client, c), cases))
    finally:
        if services is not None:
            services.stop_all()
    print(report(outcomes, args.split, args.failures or args.split == "dev"))
    out = REPO / "results" / f"eval-{args.split}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps([{**asdict(o), "case": asdict(o.case)} for o in outcomes],
                              ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
