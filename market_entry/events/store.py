"""Serves the last good events catalogue and reloads it when events.yml changes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from market_entry.events.loader import EVENTS_FILE, EventsError, load_events
from market_entry.events.model import Catalogue

log = logging.getLogger(__name__)


class EventStore:
    def __init__(self, root: Path, check_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.root = Path(root)
        self.check_interval = check_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._current: Catalogue | None = None
        self._stamp: tuple | None = None
        self._next_check = 0.0
        self.last_error: EventsError | None = None

    def get(self) -> Catalogue:
        now = self._clock()
        if self._current is None or now >= self._next_check:
            with self._lock:
                if self._current is None or now >= self._next_check:
                    self._next_check = now + self.check_interval
                    self._refresh()
        if self._current is None:
            raise self.last_error or EventsError([])
        return self._current

    def _refresh(self) -> None:
        path = self.root / EVENTS_FILE
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp == self._stamp and self._current is not None:
            return
        try:
            catalogue = load_events(self.root)
        except EventsError as error:
            self.last_error, self._stamp = error, stamp
            for issue in error.issues[:20]:
                log.error("events catalogue rejected, keeping the last good version: %s", issue)
            return
        self._stamp, self._current, self.last_error = stamp, catalogue, None
        log.info("events catalogue loaded: %d events", len(catalogue.events))
