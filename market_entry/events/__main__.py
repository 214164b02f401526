"""python -m market_entry.events validate [--root knowledge]: check the events catalogue."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from market_entry.events.loader import validate_cli

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "knowledge"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="market_entry.events",
                                     description="Check the trade-events catalogue.")
    parser.add_argument("command", choices=["validate"])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="knowledge folder")
    args = parser.parse_args(argv)
    code, message = validate_cli(args.root)
    print(message, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
