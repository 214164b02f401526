"""Where the Rasa server finds the knowledge packs.

One place resolves it so the tokenizer, the entity extractor and the action server agree:
`KNOWLEDGE_DIR` when set, otherwise `knowledge/` at the repository root.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def knowledge_dir(configured: str | None = None) -> Path:
    path = configured or os.environ.get("KNOWLEDGE_DIR") or str(REPO_ROOT / "knowledge")
    return Path(path)
