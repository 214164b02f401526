"""The rules of the console: lead statuses and their transitions, who may see and change what.
The desks come from knowledge/desks.yml (services.console.knowledge, read once); the programme
targets from knowledge/handoff/programme_targets.yml. Unit-tested in
tests/console/test_workflow.py."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from market_entry.answer_parsing import parse_money
from services.console.knowledge import desk_ids

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
        return desk_ids() if self.is_supervisor else (self.desk,)

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



# Amounts -----------------------------------------------------------------------------------
MAX_AMOUNT_NTD = 10**13
_PLAIN_DOLLARS = re.compile(r"(?:NT\$|NTD|\$)?\s*(\d{1,3}(?:,\d{3})+|\d+)\s*元?", re.IGNORECASE)


def read_amount(text: str) -> int | None:
    """The matched amount an officer typed → whole NT dollars, or None when it is not one.

    Parsed by market_entry.answer_parsing.parse_money ('NT$1,200,000', '120萬', '1.5億',
    full-width digits). parse_money leaves a bare number under 10,000 undecided, because an
    owner's "500" for their capital is ambiguous; an officer records dollars, so such a number
    (0 included) is taken as written. Negative amounts are refused."""
    clean = unicodedata.normalize("NFKC", text or "").strip()
    if not clean or "-" in clean or "−" in clean:
        return None
    amount = parse_money(clean)
    if amount is None:
        plain = _PLAIN_DOLLARS.fullmatch(clean)
        amount = int(plain.group(1).replace(",", "")) if plain else None
    return amount if amount is not None and 0 <= amount <= MAX_AMOUNT_NTD else None
