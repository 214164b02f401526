"""The events catalogue as the running assistant sees it: the last good version, reloaded when
events.yml changes (see market_entry.hot_reload)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from market_entry.events.loader import EVENTS_FILE, EventsError, load_events
from market_entry.events.model import Catalogue
from market_entry.hot_reload import HotReloading


class EventStore(HotReloading[Catalogue]):
    def __init__(self, root: Path, check_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.root = Path(root)
        path = self.root / EVENTS_FILE
        super().__init__(
            "events catalogue",
            load=lambda: load_events(self.root),
            stamp=lambda: (path.stat().st_mtime_ns, path.stat().st_size),
            error_type=EventsError,
            check_interval=check_interval,
            clock=clock,
        )
