"""Serve the last good version of staff-edited files, reloading them when they change.

Staff publish knowledge packs and the events catalogue by editing files; the running action
server must pick a change up within seconds, without a restart, and a broken edit must never
take answers away. Checking is cheap (a stat of each file, at most once per `check_interval`), so
it happens on the request path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class HotReloading(Generic[T]):
    """`get()` returns the current T; `load` raises `error_type` (with `.issues`) when invalid."""

    def __init__(
        self,
        what: str,
        load: Callable[[], T],
        stamp: Callable[[], object],
        error_type: type[Exception],
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self.check_interval = check_interval
        self._load, self._stamp_of, self._error_type = load, stamp, error_type
        self._clock = clock
        self._lock = threading.Lock()
        self._current: T | None = None
        self._stamp: object = None
        self._next_check = 0.0
        self.last_error: Exception | None = None
        self.reloads = 0
        self._listeners: list[Callable[[T], None]] = []

    def on_reload(self, listener: Callable[[T], None]) -> None:
        """Call `listener` with each newly loaded version (e.g. to rebuild an index)."""
        self._listeners.append(listener)

    def get(self) -> T:
        """The current version. Raises the load error only if no version was ever valid."""
        now = self._clock()
        if self._current is None or now >= self._next_check:
            with self._lock:
                if self._current is None or now >= self._next_check:
                    self._next_check = now + self.check_interval
                    self._refresh()
        if self._current is None:
            raise self.last_error or self._error_type([])
        return self._current

    def _refresh(self) -> None:
        try:
            stamp = self._stamp_of()
        except OSError:
            stamp = None
        if stamp == self._stamp and self._current is not None:
            return
        try:
            loaded = self._load()
        except self._error_type as error:
            self.last_error = error
            self._stamp = stamp  # do not re-parse the same broken files every second
            for issue in getattr(error, "issues", [])[:20]:
                log.error("%s rejected, keeping the last good version: %s", self.what, issue)
            return
        except OSError as error:
            log.error("cannot read the %s, keeping the last good version: %s", self.what, error)
            return
        self._stamp, self._current, self.last_error = stamp, loaded, None
        self.reloads += 1
        log.info("%s loaded", self.what)
        for listener in self._listeners:
            listener(loaded)
