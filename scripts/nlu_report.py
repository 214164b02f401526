"""Prints the held-out NLU scores and fails when intent F1 drops below the floor.

    python scripts/nlu_report.py results/nlu
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

INTENT_F1_FLOOR = 0.80


def main(folder: str) -> int:
    results = Path(folder)
    intents = json.loads((results / "intent_report.json").read_text())
    weighted = intents["weighted avg"]
    print(f"intent   weighted F1 {weighted['f1-score']:.3f}  precision {weighted['precision']:.3f}"
          f"  recall {weighted['recall']:.3f}  ({weighted['support']} held-out examples)")
    for report in sorted(results.glob("*Extractor_report.json")):
        data = json.loads(report.read_text())
        avg = data.get("weighted avg") or data.get("micro avg") or {}
        name = report.name.replace("_report.json", "")
        print(f"entities {name}: weighted F1 {avg.get('f1-score', 0):.3f}  precision "
              f"{avg.get('precision', 0):.3f}  recall {avg.get('recall', 0):.3f}")
        for label in ("market", "product", "certification", "topic"):
            if label in data:
                print(f"         {label:<13} F1 {data[label]['f1-score']:.3f}"
                      f"  (support {data[label]['support']})")
    if weighted["f1-score"] < INTENT_F1_FLOOR:
        print(f"intent F1 is below the floor of {INTENT_F1_FLOOR}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "results/nlu"))
