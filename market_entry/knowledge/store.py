"""The knowledge packs as the running assistant sees them: the last good version, reloaded
when the files change (see market_entry.hot_reload)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from market_entry.hot_reload import HotReloading
from market_entry.knowledge.loader import KnowledgeError, knowledge_files, load_knowledge
from market_entry.knowledge.model import KnowledgeBase


class KnowledgeStore(HotReloading[KnowledgeBase]):
    def __init__(
        self,
        root: Path,
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.root = Path(root)
        super().__init__(
            "knowledge file",
            load=lambda: load_knowledge(self.root, today=today()),
            stamp=self._files_stamp,
            error_type=KnowledgeError,
            check_interval=check_interval,
            clock=clock,
        )

    def _files_stamp(self) -> tuple:
        stamp = []
        for path in knowledge_files(self.root):
            try:
                stat = path.stat()
            except OSError:
                continue
            stamp.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamp)
