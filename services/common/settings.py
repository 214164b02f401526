"""Reading a service's settings from the environment: one error type and typed readers, so every
service reports a bad value the same way (the variable's name and what it must be) and refuses
to start instead of guessing. Each service keeps its own frozen `Settings` dataclass."""

from __future__ import annotations

import os
from collections.abc import Mapping


class MissingSetting(RuntimeError):
    """A required setting is missing or has a value the service cannot use."""


def _raw(env: Mapping[str, str] | None, name: str) -> str:
    return (os.environ if env is None else env).get(name, "").strip()


def text(name: str, default: str, env: Mapping[str, str] | None = None) -> str:
    return _raw(env, name) or default


def number(name: str, default: float, env: Mapping[str, str] | None = None) -> float:
    raw = _raw(env, name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise MissingSetting(f"{name} must be a number, got {raw!r}") from None


def whole_number(name: str, default: int, env: Mapping[str, str] | None = None) -> int:
    raw = _raw(env, name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise MissingSetting(f"{name} must be a whole number, got {raw!r}") from None


def choice(name: str, default: str, choices: tuple[str, ...],
           env: Mapping[str, str] | None = None) -> str:
    value = _raw(env, name).lower() or default
    if value not in choices:
        raise MissingSetting(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def flag(name: str, default: bool, env: Mapping[str, str] | None = None) -> bool:
    """"1" / "0" (also true/false, yes/no, on/off)."""
    raw = _raw(env, name).lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise MissingSetting(f"{name} must be 1 or 0, got {raw!r}")
