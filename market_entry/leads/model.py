"""A lead: what a desk needs to follow up one owner, and proof of the owner's consent.

Plain data, JSON round-trip (`to_dict` / `from_dict`). `anonymised()` is what stays after an
erase or the retention purge: no contact details, no free text, no transcript.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from typing import Any

STATUS_NEW = "new"
STATUS_ERASED = "erased"      # the owner asked for deletion (PDPA Art. 3 / Art. 11)
STATUS_PURGED = "purged"      # the retention period ended

CONSENT_AGREED = "agreed"
CONSENT_DECLINED = "declined"

TIMELINES = ("within_3_months", "3_to_12_months", "later", "unknown")
SIZE_BANDS = ("micro", "small", "medium", "large", "unknown")


def new_lead_id() -> str:
    return uuid.uuid4().hex


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Contact:
    company: str = ""
    ubn: str = ""
    name: str = ""
    title: str = ""
    phone: str = ""          # display form, e.g. 0912-345-678 or 02-2345-6789 #123
    email: str = ""


@dataclass(frozen=True)
class ConsentRecord:
    """What was shown (notice version), when, and the answer (PDPA Art. 7: provable consent)."""

    notice_version: str
    time: str                # ISO 8601, UTC
    answer: str              # CONSENT_AGREED or CONSENT_DECLINED

    @property
    def agreed(self) -> bool:
        return self.answer == CONSENT_AGREED


@dataclass(frozen=True)
class ScoreItem:
    """One factor's contribution, with the sentence that explains it."""

    factor: str
    value: str
    points: int
    text: dict[str, str]


@dataclass(frozen=True)
class Lead:
    id: str
    created: str                                   # ISO 8601, UTC
    desk: str
    score: int
    explanation: tuple[ScoreItem, ...]
    contact: Contact
    consent: ConsentRecord
    products: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    export_experience: bool | str | None = None    # True / False / "unknown" / None (not asked)
    english_materials: bool | str | None = None
    size_band: str = "unknown"
    help_wanted: str = ""
    timeline: str = "unknown"
    screening: dict[str, Any] = field(default_factory=dict)  # Outcome.as_slot(), or {}
    summary: str = ""
    transcript: tuple[dict[str, str], ...] = ()    # [{"from": "owner"|"bot", "text": ...}]
    status: str = STATUS_NEW

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("explanation", "products", "markets", "transcript"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lead:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["contact"] = Contact(**data.get("contact") or {})
        values["consent"] = ConsentRecord(**data["consent"])
        values["explanation"] = tuple(ScoreItem(**item) for item in data.get("explanation") or ())
        for key in ("products", "markets"):
            values[key] = tuple(data.get(key) or ())
        values["transcript"] = tuple(dict(t) for t in data.get("transcript") or ())
        values["screening"] = dict(data.get("screening") or {})
        return cls(**values)

    def anonymised(self, status: str) -> Lead:
        """The lead without personal data: contact, free text and transcript are dropped; the
        counts a programme reports on (desk, score, markets, products, bands) stay."""
        return replace(self, contact=Contact(), help_wanted="", summary="", transcript=(),
                       status=status)

    @property
    def has_personal_data(self) -> bool:
        return bool(self.contact != Contact() or self.help_wanted or self.summary or self.transcript)
