"""Command-line tool for the staff who keep the knowledge packs.

    python -m market_entry.knowledge_tool validate
    python -m market_entry.knowledge_tool stale [--days 30]
    python -m market_entry.knowledge_tool import URL --market jp --topic certification
    python -m market_entry.knowledge_tool coverage [--markdown docs/coverage.md]
    python -m market_entry.knowledge_tool gaps [--redis-url redis://localhost:6379/0]

(`bash scripts/knowledge.sh COMMAND …` does the same after setting up the environment.)
Problems are printed as `file:line: field: message`, so they work in an editor's problem list.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import yaml

from market_entry.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from market_entry.knowledge.consistency import check_consistency
from market_entry.knowledge.coverage import coverage_markdown, coverage_text
from market_entry.knowledge.freshness import freshness_report

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "knowledge"


def _load(args: argparse.Namespace) -> KnowledgeBase | None:
    try:
        return load_knowledge(args.root, today=args.today)
    except KnowledgeError as error:
        for issue in error.issues:
            print(issue, file=sys.stderr)
        print(f"{len(error.issues)} problem(s) found.", file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    kb = _load(args)
    if kb is None:
        return 1
    issues = check_consistency(kb)
    for issue in issues:
        print(issue, file=sys.stderr)
    if issues:
        print(f"{len(issues)} consistency problem(s) found.", file=sys.stderr)
        return 1
    per_market = Counter(e.market for e in kb.entries if e.published)
    drafts = sum(1 for e in kb.entries if not e.published)
    summary = ", ".join(f"{code} {per_market.get(code, 0)}" for code in kb.markets)
    print(f"OK: {len(kb.markets)} markets, {len(kb.entries)} entries ({summary}; drafts {drafts}).")
    return 0


def cmd_stale(args: argparse.Namespace) -> int:
    kb = _load(args)
    if kb is None:
        return 1
    official = yaml.safe_load((args.root / "official_sources.yml").read_text("utf-8"))["domains"]
    findings = freshness_report(kb, args.today, args.days, official)
    for finding in findings:
        print(finding)
    counts = Counter(f.kind for f in findings)
    print(f"{len(findings)} finding(s): " + ", ".join(f"{k} {v}" for k, v in counts.items())
          if findings else "Nothing to review.")
    return 1 if args.strict and findings else 0


def cmd_coverage(args: argparse.Namespace) -> int:
    kb = _load(args)
    if kb is None:
        return 1
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(coverage_markdown(kb), encoding="utf-8")
        print(f"wrote {args.markdown}")
    else:
        print(coverage_text(kb))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from market_entry.knowledge.importer import (
        ImportRefused,
        PageFetcher,
        draft_entry,
        extract,
        slug,
    )

    kb = _load(args)
    if kb is None:
        return 1
    if args.market not in kb.markets:
        print(f"unknown market {args.market!r}; packs: {', '.join(kb.markets)}", file=sys.stderr)
        return 2
    if args.topic not in kb.topics:
        print(f"unknown topic {args.topic!r}; topics: {', '.join(kb.topics)}", file=sys.stderr)
        return 2
    try:
        final_url, html = PageFetcher().fetch(args.url)
    except ImportRefused as error:
        print(f"not imported: {error}", file=sys.stderr)
        return 1
    page = extract(final_url, html)
    entry = draft_entry(page, args.market, args.topic, args.today, args.slug)
    existing = {e.id for e in kb.entries}
    if entry["id"] in existing:
        print(f"an entry with id {entry['id']} exists; pass --slug to name the draft", file=sys.stderr)
        return 1
    target = args.root / "markets" / args.market / f"draft-{args.slug or slug(page.title)}.yml"
    if target.exists():
        print(f"{target} exists; pass --slug to name the draft", file=sys.stderr)
        return 1
    header = ("# Draft imported from an official page. Not shown to owners until you rewrite the\n"
              "# answer for an owner, check every fact and set `status: published`.\n")
    target.write_text(header + yaml.safe_dump({"entries": [entry]}, allow_unicode=True,
                                              sort_keys=False, width=100), encoding="utf-8")
    stamp = page.updated or page.published
    print(f"draft written: {target}\n  title: {page.title}\n  page date: {stamp or 'not found'}"
          f"\n  headings: {len(page.headings)}, text: {len(page.text)} characters")
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    import redis

    from market_entry.gazetteer import TOPIC, term_patterns
    from market_entry.knowledge.gaps import gaps_report
    from market_entry.term_matcher import TermMatcher

    kb = _load(args)
    if kb is None:
        return 1
    url = args.redis_url or os.environ.get("REDIS_URL")
    if not url:
        print("gaps needs Redis: pass --redis-url or set REDIS_URL", file=sys.stderr)
        return 2
    matcher = TermMatcher(term_patterns(kb))

    def topic_of(question: str) -> str | None:
        return next((m.value for m in matcher.find(question) if m.label == TOPIC), None)

    try:
        groups = gaps_report(redis.Redis.from_url(url, socket_timeout=5), topic_of, args.examples)
    except redis.exceptions.RedisError as error:
        print(f"cannot read Redis: {type(error).__name__}", file=sys.stderr)
        return 1
    if not groups:
        print("No unanswered questions recorded.")
    for group in groups:
        market = kb.place_name(group.market, "zh-TW") if group.market != "none" else "（未指定市場）"
        topic = kb.topics[group.topic].name("zh-TW") if group.topic in kb.topics else group.topic
        print(f"{group.total:>4}  {market} / {topic}")
        for question, count in group.questions:
            print(f"        {count:>3} × {question}")
    return 0


def _day(text: str) -> date:
    return date.fromisoformat(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knowledge_tool", description="Check and maintain the market knowledge packs.")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="knowledge folder")
    parser.add_argument("--today", type=_day, default=date.today(),
                        help="date to check against (YYYY-MM-DD; default today)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("validate", help="check every pack against the schema and cross-references"
                   ).set_defaults(func=cmd_validate)

    stale = sub.add_parser("stale", aliases=["lint"],
                           help="entries to review: overdue or due soon, old volatile entries, "
                                "no official source, topics without an entry")
    stale.add_argument("--days", type=int, default=30, help="'due soon' window (default 30)")
    stale.add_argument("--strict", action="store_true", help="exit 1 when anything is listed")
    stale.set_defaults(func=cmd_stale)

    importer = sub.add_parser("import", help="draft an entry from an official web page")
    importer.add_argument("url")
    importer.add_argument("--market", required=True, help="pack code, e.g. jp")
    importer.add_argument("--topic", required=True, help="topic id, e.g. certification")
    importer.add_argument("--slug", help="last part of the draft's id and file name")
    importer.set_defaults(func=cmd_import)

    coverage = sub.add_parser("coverage", help="market × topic table of published entries")
    coverage.add_argument("--markdown", type=Path, help="write the table as Markdown to this file")
    coverage.set_defaults(func=cmd_coverage)

    gaps = sub.add_parser("gaps", help="questions owners asked that the packs could not answer")
    gaps.add_argument("--redis-url", help="default: REDIS_URL")
    gaps.add_argument("--examples", type=int, default=5, help="questions shown per group")
    gaps.set_defaults(func=cmd_gaps)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
