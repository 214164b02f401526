"""The rules of the console, with no I/O: lead statuses and their transitions, who may see and
change what, and the programme targets. Unit-tested in tests/console/test_workflow.py."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

DESKS = ("us", "jp", "eu", "emerging")
DESK_NAMES = {"us": "臺美窗口", "jp": "臺日窗口", "eu": "臺歐窗口", "emerging": "新興市場窗口"}

OFFICER = "officer"
SUPERVISOR = "supervisor"
ROLES = (OFFICER, SUPERVISOR)
ROLE_NAMES = {OFFICER: "窗口專員", SUPERVISOR: "主管"}

NEW, CONTACTED, QUALIFIED, MATCHED, CLOSED, LOST = (
    "new", "contacted", "qualified", "matched", "closed", "lost")
STATUSES = (NEW, CONTACTED, QUALIFIED, MATCHED, CLOSED, LOST)
STATUS_NAMES = {NEW: "新案件", CONTACTED: "已聯繫", QUALIFIED: "已確認需求", MATCHED: "已媒合",
                CLOSED: "已結案", LOST: "未成案"}

# new → contacted → qualified → matched → closed; any open case may be lost.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    NEW: (CONTACTED, LOST),
    CONTACTED: (QUALIFIED, LOST),
    QUALIFIED: (MATCHED, LOST),
    MATCHED: (CLOSED, LOST),
    CLOSED: (),
    LOST: (),
}
# Outcomes (amount, MOU / POC) belong to cases that reached matching.
OUTCOME_STATUSES = (MATCHED, CLOSED)

# The programme's targets (MOEA global-expansion programme).
TARGET_CASES = 210
TARGET_AMOUNT_NTD = 3_200_000_000


class InvalidTransition(ValueError):
    pass


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def check_transition(current: str, wanted: str) -> None:
    if wanted not in STATUSES:
        raise InvalidTransition(f"unknown status {wanted!r}")
    if wanted not in allowed_next(current):
        raise InvalidTransition(f"{current} → {wanted} is not allowed")


@dataclass(frozen=True)
class Officer:
    username: str
    desk: str
    role: str
    display_name: str = ""

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR

    def visible_desks(self) -> tuple[str, ...]:
        return DESKS if self.is_supervisor else (self.desk,)

    def can_see(self, lead_desk: str) -> bool:
        """Officers see only their desk's leads, supervisors every desk's."""
        return self.is_supervisor or lead_desk == self.desk

    def can_work(self, lead_desk: str) -> bool:
        """Changing a lead (claim, status, notes, outcome): the same rule as seeing it."""
        return self.can_see(lead_desk)

    def can_assign(self, lead_desk: str, assignee: Officer | None) -> bool:
        """Officers may only claim a lead for themselves; supervisors may assign any lead to an
        officer of the lead's desk (or a supervisor)."""
        if assignee is None or not self.can_work(lead_desk):
            return False
        if not self.is_supervisor:
            return assignee.username == self.username
        return assignee.is_supervisor or assignee.desk == lead_desk

    @property
    def can_read_audit(self) -> bool:
        return self.is_supervisor

    def export_contacts(self, lead_desk: str) -> bool:
        """Personal data in the CSV export: an officer's own desk; supervisors every desk."""
        return self.can_see(lead_desk)


def parse_amount(text: str) -> int | None:
    """'NT$1,200,000', '1200000', '120萬', '1.5億' → whole NT dollars (≥ 0); None if invalid."""
    clean = unicodedata.normalize("NFKC", text or "").strip().upper()
    for token in ("NT$", "NTD", "$", ",", " ", "元"):
        clean = clean.replace(token, "")
    multiplier = 1
    if clean.endswith("萬"):
        multiplier, clean = 10_000, clean[:-1]
    elif clean.endswith("億"):
        multiplier, clean = 100_000_000, clean[:-1]
    if not clean or len(clean) > 16:
        return None
    try:
        value = float(clean) if "." in clean else int(clean)
    except ValueError:
        return None
    amount = int(round(value * multiplier))
    return amount if 0 <= amount <= 10**13 else None
