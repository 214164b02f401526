"""Command-line tool for the staff who keep the knowledge packs.

    python -m market_entry.knowledge_tool validate [--root knowledge]

Exits non-zero with one `file:line: field: message` line per problem, so it works in an editor's
problem list and in CI alike.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from market_entry.knowledge import KnowledgeError, load_knowledge

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "knowledge"


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        kb = load_knowledge(args.root)
    except KnowledgeError as error:
        for issue in error.issues:
            print(issue, file=sys.stderr)
        print(f"{len(error.issues)} problem(s) found.", file=sys.stderr)
        return 1
    per_market = Counter(e.market for e in kb.entries if e.published)
    drafts = sum(1 for e in kb.entries if not e.published)
    summary = ", ".join(f"{code} {per_market.get(code, 0)}" for code in kb.markets)
    print(f"OK: {len(kb.markets)} markets, {len(kb.entries)} entries ({summary}; drafts {drafts}).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knowledge_tool", description="Check and maintain the market knowledge packs."
    )
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="knowledge folder")
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check every pack against the schema")
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
