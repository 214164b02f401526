"""Serves the last good KnowledgeBase and reloads it when the files change.

Staff publish by editing files; the running action server must pick the change up within seconds,
without a restart or retraining, and a broken edit must never take answers away. Checking is cheap
(a stat of each file, at most once per `check_interval`), so it happens on the request path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from market_entry.knowledge.loader import KnowledgeError, knowledge_files, load_knowledge
from market_entry.knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)


class KnowledgeStore:
    def __init__(
        self,
        root: Path,
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.root = Path(root)
        self.check_interval = check_interval
        self._clock = clock
        self._today = today
        self._lock = threading.Lock()
        self._current: KnowledgeBase | None = None
        self._stamp: tuple | None = None
        self._next_check = 0.0
        self.last_error: KnowledgeError | None = None
        self.reloads = 0
        self._listeners: list[Callable[[KnowledgeBase], None]] = []

    def on_reload(self, listener: Callable[[KnowledgeBase], None]) -> None:
        """Call `listener` with each newly loaded KnowledgeBase (e.g. to rebuild an index)."""
        self._listeners.append(listener)

    def get(self) -> KnowledgeBase:
        """The current knowledge. Raises KnowledgeError only if no version was ever valid."""
        now = self._clock()
        if self._current is None or now >= self._next_check:
            with self._lock:
                if self._current is None or now >= self._next_check:
                    self._next_check = now + self.check_interval
                    self._refresh()
        if self._current is None:
            raise self.last_error or KnowledgeError([])
        return self._current

    def _refresh(self) -> None:
        stamp = self._files_stamp()
        if stamp == self._stamp and self._current is not None:
            return
        try:
            knowledge = load_knowledge(self.root, today=self._today())
        except KnowledgeError as error:
            self.last_error = error
            self._stamp = stamp  # do not re-parse the same broken files every second
            for issue in error.issues[:20]:
                log.error("knowledge file rejected, keeping the last good version: %s", issue)
            return
        except OSError as error:
            log.error("cannot read the knowledge folder, keeping the last good version: %s", error)
            return
        self._stamp = stamp
        self._current = knowledge
        self.last_error = None
        self.reloads += 1
        log.info(
            "knowledge loaded: %d markets, %d entries (fingerprint %s)",
            len(knowledge.markets), len(knowledge.entries), knowledge.fingerprint,
        )
        for listener in self._listeners:
            listener(knowledge)

    def _files_stamp(self) -> tuple:
        stamp = []
        for path in knowledge_files(self.root):
            try:
                stat = path.stat()
            except OSError:
                continue
            stamp.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamp)
