"""Every setting of our Python services read from the environment, in one place.

A frozen dataclass built once per process (`Settings.from_env()`), so the action server, the
lead maintenance command and the knowledge tools agree on paths and URLs, and tests build their
own instance instead of patching the environment module by module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = REPO_ROOT / "knowledge"
    knowledge_reload_seconds: float = 1.0
    redis_url: str = ""
    leads_spool_dir: Path = REPO_ROOT / ".data" / "spool"
    events_today: date | None = None       # pins "today" for the events listing (tests, demos)
    action_port: int = 5055
    log_level: str = "INFO"
    dense_retrieval: bool = True           # RETRIEVAL_DENSE=off answers from the lexical index only
    vector_cache_dir: Path = REPO_ROOT / ".data" / "embeddings"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        today = env.get("EVENTS_TODAY")
        return cls(
            knowledge_dir=Path(env.get("KNOWLEDGE_DIR") or REPO_ROOT / "knowledge"),
            knowledge_reload_seconds=float(env.get("KNOWLEDGE_RELOAD_SECONDS") or 1.0),
            redis_url=env.get("REDIS_URL", ""),
            leads_spool_dir=Path(env.get("LEADS_SPOOL_DIR") or REPO_ROOT / ".data" / "spool"),
            events_today=date.fromisoformat(today) if today else None,
            action_port=int(env.get("ACTION_PORT") or 5055),
            log_level=env.get("LOG_LEVEL") or "INFO",
            dense_retrieval=(env.get("RETRIEVAL_DENSE") or "on").lower() not in ("off", "0", "no"),
            vector_cache_dir=Path(env.get("VECTOR_CACHE_DIR") or REPO_ROOT / ".data" / "embeddings"),
        )

    def today(self) -> date:
        return self.events_today or date.today()
