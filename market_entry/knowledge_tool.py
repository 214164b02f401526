"""Command-line tool for the staff who keep the knowledge packs.

    python -m market_entry.knowledge_tool validate
    python -m market_entry.knowledge_tool stale [--days 30] [--strict]
    python -m market_entry.knowledge_tool review [--days 14] [--market jp]
    python -m market_entry.knowledge_tool record ENTRY_ID --by NAME [--date D] [--review-by D]
                                                 [--fact NAME=VALUE ...]
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
    """Exit 1 with --strict only for findings that need action now (freshness.ACTION_NOW):
    overdue review, volatile entry checked > 90 days ago, no specific official source without a
    review note. Due soon, marked for review and missing topics are listed, never a failure."""
    kb = _load(args)
    if kb is None:
        return 1
    official = yaml.safe_load((args.root / "official_sources.yml").read_text("utf-8"))["domains"]
    findings = freshness_report(kb, args.today, args.days, official)
    now = [f for f in findings if f.needs_action]
    later = [f for f in findings if not f.needs_action]
    if now:
        print("Needs action now (stale --strict fails on these):")
        for finding in now:
            print(f"  {finding}")
    if later:
        print("To plan (listed, not failures):")
        for finding in later:
            print(f"  {finding}")
    counts = Counter(f.kind for f in findings)
    print(f"{len(findings)} finding(s): " + ", ".join(f"{k} {v}" for k, v in counts.items())
          + f"; {len(now)} need action now." if findings else "Nothing to review.")
    return 1 if args.strict and now else 0


def cmd_review(args: argparse.Namespace) -> int:
    from market_entry.knowledge.review import VOLATILE_RECHECK_DAYS, review_items

    kb = _load(args)
    if kb is None:
        return 1
    markets = review_items(kb, args.today, args.days)
    if args.market:
        markets = {code: items for code, items in markets.items() if code == args.market}
    entries = sum(len(items) for items in markets.values())
    print(f"To recheck, {args.today}: review_by within {args.days} days, volatile entries "
          f"checked more than {VOLATILE_RECHECK_DAYS} days ago, facts past their change date, "
          f"review notes: {entries} entries in {len(markets)} market(s).")
    for code, items in markets.items():
        print(f"\n== {kb.place_name(code, 'zh-TW')} ({code}): {len(items)} ==")
        for item in items:
            print(f"{item.where}: {item.entry.id}")
            for reason in item.reasons:
                where = "" if reason.line == item.entry.line else f"{item.entry.file}:{reason.line}: "
                print(f"    - {where}{reason.text}")
            for i, url in enumerate(item.urls):
                print(f"    {'open: ' if i == 0 else '      '}{url}")
    if entries:
        print("\nFor each: open the pages, correct the entry, then "
              "`record ENTRY_ID --by NAME [--fact NAME=VALUE]` and `validate`.")
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from market_entry.knowledge.record import RecordRefused, record_check

    values = {}
    for pair in args.fact or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            print(f"--fact expects NAME=VALUE, got {pair!r}", file=sys.stderr)
            return 2
        values[name.strip()] = value.strip()
    try:
        result = record_check(args.root, args.entry_id, args.by, args.date or args.today,
                              args.today, review_by=args.review_by, values=values)
    except RecordRefused as refused:
        print(f"not recorded: {refused}", file=sys.stderr)
        return 1
    print(f"recorded in {result.display}: {result.entry_id} checked {result.checked} by "
          f"{result.checked_by}, review by {result.review_by}")
    if result.facts:
        changed = f"; new value: {', '.join(result.changed_values)}" if result.changed_values else ""
        print(f"facts confirmed as of {result.checked}: {', '.join(result.facts)}{changed}")
    print(result.diff, end="")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


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

    from market_entry.gazetteer import MARKET, TOPIC, term_patterns
    from market_entry.knowledge.gaps import NO_MARKET, NO_TOPIC, gaps_report
    from market_entry.term_matcher import TermMatcher

    kb = _load(args)
    if kb is None:
        return 1
    url = args.redis_url or os.environ.get("REDIS_URL")
    if not url:
        print("gaps needs Redis: pass --redis-url or set REDIS_URL", file=sys.stderr)
        return 2
    matcher = TermMatcher(term_patterns(kb))
    everywhere = {code for code, m in kb.markets.items() if m.serves_all_markets}

    def market_of(question: str) -> tuple[str | None, list[str]]:
        found = [m for m in matcher.find(question) if m.label == MARKET]
        named = next((m.value for m in found if m.value not in everywhere), None)
        return named, [m.text for m in found]

    def topic_of(question: str) -> str | None:
        return next((m.value for m in matcher.find(question) if m.label == TOPIC), None)

    try:
        groups = gaps_report(redis.Redis.from_url(url, socket_timeout=5), market_of, topic_of,
                             args.examples)
    except redis.exceptions.RedisError as error:
        print(f"cannot read Redis: {type(error).__name__}", file=sys.stderr)
        return 1
    if not groups:
        print("No unanswered questions recorded.")
        return 0
    asked = sum(g.total for g in groups)
    print(f"{asked} unanswered question(s) asked, in {len(groups)} group(s), most asked first.")
    for group in groups[: args.limit]:
        if group.market == NO_MARKET:
            market = "（未指定市場） market not known"
        else:
            market = f"{kb.place_name(group.market, 'zh-TW')} ({group.market})"
        if group.topic == NO_TOPIC:
            topic, advice = "topic not recognised", "pick the topic (or add the words as aliases)"
        else:
            topic = f"{kb.topics[group.topic].name('zh-TW')} ({group.topic})"
            if group.market != NO_MARKET and group.market not in kb.markets:
                advice = "no pack for this market"
            else:
                have = sum(1 for e in kb.published_entries(None)
                           if e.topic == group.topic and e.market == group.market)
                advice = (f"{have} entr{'y' if have == 1 else 'ies'} on this topic: add one that "
                          f"answers these" if have else "no entry yet: add one")
        questions = f"{group.size} question{'s' if group.size != 1 else ''}"
        print(f"\n{group.total:>4} asked ({questions})  {market} / {topic} – {advice}")
        if group.terms:
            print(f"      shared: {', '.join(group.terms)}")
        for question, count in group.questions:
            print(f"      {count:>3} × {question}")
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
    stale.add_argument("--strict", action="store_true",
                       help="exit 1 only for what needs action now: review date passed, volatile "
                            "entry checked > 90 days ago, no specific official source and no "
                            "review_note (for CI)")
    stale.set_defaults(func=cmd_stale)

    review = sub.add_parser("review", help="this week's rechecks: review due, old volatile "
                            "entries, facts past their change date, review notes, with the pages "
                            "to open")
    review.add_argument("--days", type=int, default=14, help="review_by window (default 14)")
    review.add_argument("--market", help="only this pack, e.g. jp")
    review.set_defaults(func=cmd_review)

    record = sub.add_parser("record", help="record that an entry was rechecked: updates checked, "
                            "checked_by, the facts' as_of (and values given) and review_by in place")
    record.add_argument("entry_id")
    record.add_argument("--by", required=True, help="who checked it")
    record.add_argument("--date", type=_day, help="when it was checked (default --today)")
    record.add_argument("--review-by", type=_day,
                        help="next review (default: +92 days if volatile, else +182)")
    record.add_argument("--fact", action="append", metavar="NAME=VALUE",
                        help="a fact's new value, e.g. --fact th.vat_rate=7%% (repeatable)")
    record.set_defaults(func=cmd_record)

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
    gaps.add_argument("--limit", type=int, default=30, help="groups shown (default 30)")
    gaps.set_defaults(func=cmd_gaps)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
