"""The console's view of leads: each lead (read through market_entry.leads.store) with its case
state kept under `console:` (workflow status, assignee, outcome, notes), the audit log, the
queue filters, the KPIs and the CSV export. Synchronous redis-py: calls are sub-millisecond on
the desk's own Redis."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import redis

from market_entry import redis_keys
from market_entry.leads.model import STATUS_ERASED, STATUS_PURGED, Lead
from market_entry.leads.store import LeadStore
from services.console import keys
from services.console.workflow import (
    DESKS,
    MATCHED,
    NEW,
    OUTCOME_STATUSES,
    STATUSES,
    Officer,
    check_transition,
)

TAIPEI = timezone(timedelta(hours=8))
QUEUE_LIMIT = 5000


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


def taipei(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(TAIPEI)


@dataclass
class Case:
    lead: Lead
    status: str = NEW
    assignee: str = ""
    amount: int | None = None
    mou: bool = False
    poc: bool = False
    matched_at: str = ""
    updated: str = ""
    notes: list[dict] = field(default_factory=list)

    @property
    def erased(self) -> bool:
        return self.lead.status in (STATUS_ERASED, STATUS_PURGED)

    @property
    def created_local(self) -> datetime:
        return taipei(self.lead.created)

    @property
    def age_days(self) -> int:
        return max(0, (datetime.now(timezone.utc) - self.lead.created_at).days)


@dataclass(frozen=True)
class Filters:
    market: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    desk: str = ""

    def keep(self, case: Case) -> bool:
        if self.market and self.market not in case.lead.markets:
            return False
        if self.status and case.status != self.status:
            return False
        day = case.created_local.date()
        if self.date_from and day < self.date_from:
            return False
        if self.date_to and day > self.date_to:
            return False
        return True


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()) if text else None
    except ValueError:
        return None


class Cases:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.leads = LeadStore(client)

    # reading -----------------------------------------------------------------------------
    def _with_state(self, leads: list[Lead]) -> list[Case]:
        pipe = self.client.pipeline(transaction=False)
        for lead in leads:
            pipe.hgetall(keys.lead_state(lead.id))
        return [self._case(lead, raw) for lead, raw in zip(leads, pipe.execute(), strict=True)]

    @staticmethod
    def _case(lead: Lead, raw: dict) -> Case:
        data = {_text(k): _text(v) for k, v in (raw or {}).items()}
        amount = data.get("amount", "")
        return Case(lead=lead, status=data.get("status") or NEW, assignee=data.get("assignee", ""),
                    amount=int(amount) if amount.isdigit() else None,
                    mou=data.get("mou") == "1", poc=data.get("poc") == "1",
                    matched_at=data.get("matched_at", ""), updated=data.get("updated", ""))

    def get(self, lead_id: str, with_notes: bool = False) -> Case | None:
        if not lead_id.isalnum() or len(lead_id) > 64:
            return None
        lead = self.leads.get(lead_id)
        if lead is None:
            return None
        case = self._with_state([lead])[0]
        if with_notes:
            case.notes = [json.loads(n) for n in self.client.lrange(keys.lead_notes(lead_id), 0, -1)]
        return case

    def queue(self, officer: Officer, filters: Filters) -> list[Case]:
        """The open queue of the desks the officer sees: score first, then oldest first (each
        desk's sorted set, market_entry.leads.store); supervisors get the desks merged."""
        desks = officer.visible_desks()
        if filters.desk and filters.desk in desks:
            desks = (filters.desk,)
        leads: list[Lead] = []
        for desk in desks:
            leads.extend(self.leads.queue(desk, limit=QUEUE_LIMIT))
        leads.sort(key=lambda lead: (-lead.score, lead.created_at))
        return [case for case in self._with_state(leads) if filters.keep(case)]

    def all_cases(self, desks: tuple[str, ...]) -> list[Case]:
        """Every lead record of the desks, including erased and purged ones (for KPIs/export)."""
        ids = [_text(k).rsplit(":", 1)[1]
               for k in self.client.scan_iter(match=redis_keys.lead("*"), count=500)]
        leads = []
        for start in range(0, len(ids), 500):
            raws = self.client.mget([redis_keys.lead(i) for i in ids[start:start + 500]])
            leads.extend(Lead.from_dict(json.loads(raw)["lead"]) for raw in raws if raw)
        leads = [lead for lead in leads if lead.desk in desks]
        leads.sort(key=lambda lead: lead.created)
        return self._with_state(leads)

    # changing ----------------------------------------------------------------------------
    def _now(self) -> str:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")

    def set_status(self, case: Case, wanted: str, user: str) -> None:
        """Moves the case one step (workflow.TRANSITIONS) atomically: a concurrent change by
        another officer makes this one fail instead of skipping a step."""
        key = keys.lead_state(case.lead.id)
        before = NEW

        def update(pipe: redis.client.Pipeline) -> None:
            nonlocal before
            before = _text(pipe.hget(key, "status")) or NEW
            check_transition(before, wanted)
            now = self._now()
            mapping = {"status": wanted, "updated": now}
            if wanted == MATCHED:
                mapping["matched_at"] = now
            pipe.multi()
            pipe.hset(key, mapping=mapping)

        self.client.transaction(update, key)
        self.audit(user, "status", case.lead.id, f"{before}→{wanted}")
        case.status = wanted

    def assign(self, case: Case, assignee: str, user: str) -> None:
        self.client.hset(keys.lead_state(case.lead.id),
                         mapping={"assignee": assignee, "updated": self._now()})
        self.audit(user, "claim" if assignee == user else "assign", case.lead.id,
                   f"assignee={assignee}")
        case.assignee = assignee

    def add_note(self, case: Case, text: str, user: str) -> None:
        note = {"time": self._now(), "user": user, "text": text}
        self.client.rpush(keys.lead_notes(case.lead.id), json.dumps(note, ensure_ascii=False))
        self.audit(user, "note", case.lead.id, f"{len(text)} characters")

    def set_outcome(self, case: Case, amount: int, mou: bool, poc: bool, user: str) -> None:
        if case.status not in OUTCOME_STATUSES:
            raise ValueError("outcomes are recorded for matched cases")
        self.client.hset(keys.lead_state(case.lead.id), mapping={
            "amount": str(amount), "mou": "1" if mou else "0", "poc": "1" if poc else "0",
            "updated": self._now()})
        self.audit(user, "outcome", case.lead.id,
                   f"amount={amount} mou={int(mou)} poc={int(poc)}")
        case.amount, case.mou, case.poc = amount, mou, poc

    # audit -------------------------------------------------------------------------------
    def audit(self, user: str, action: str, lead_id: str = "", detail: str = "") -> None:
        """One entry per view and change: who, when, what. Never personal data of owners."""
        self.client.xadd(keys.AUDIT, {"time": self._now(), "user": user, "action": action,
                                      "lead": lead_id, "detail": detail},
                         maxlen=keys.AUDIT_MAXLEN, approximate=True)

    def audit_entries(self, count: int = 200, user: str = "", lead: str = "") -> list[dict]:
        out = []
        for _id, raw in self.client.xrevrange(keys.AUDIT, count=count * 5 if user or lead else count):
            entry = {_text(k): _text(v) for k, v in raw.items()}
            if (user and entry.get("user") != user) or (lead and entry.get("lead") != lead):
                continue
            out.append(entry)
            if len(out) >= count:
                break
        return out


# KPIs --------------------------------------------------------------------------------------
@dataclass
class KpiRow:
    leads: int = 0
    cases: int = 0
    amount: int = 0


def month_of(iso: str) -> str:
    return taipei(iso).strftime("%Y-%m")


def kpis(cases: list[Case], year: int) -> dict:
    """Per desk and month of `year` (Taipei time): consultations served (leads, by creation),
    matchmaking cases (leads that reached 'matched', by that date) and their amounts."""
    table: dict[str, dict[str, KpiRow]] = defaultdict(lambda: defaultdict(KpiRow))
    prefix = f"{year}-"
    for case in cases:
        desk = case.lead.desk
        created = month_of(case.lead.created)
        if created.startswith(prefix):
            table[desk][created].leads += 1
        if case.matched_at:
            matched = month_of(case.matched_at)
            if matched.startswith(prefix):
                table[desk][matched].cases += 1
                table[desk][matched].amount += case.amount or 0
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    totals = KpiRow()
    per_desk = {}
    for desk in DESKS:
        row = KpiRow()
        for month in months:
            cell = table[desk][month]
            row.leads += cell.leads
            row.cases += cell.cases
            row.amount += cell.amount
        per_desk[desk] = row
        totals.leads += row.leads
        totals.cases += row.cases
        totals.amount += row.amount
    per_month = {}
    for month in months:
        cell = KpiRow()
        for desk in DESKS:
            cell.leads += table[desk][month].leads
            cell.cases += table[desk][month].cases
            cell.amount += table[desk][month].amount
        per_month[month] = cell
    return {"months": months, "table": table, "per_desk": per_desk, "per_month": per_month,
            "totals": totals}


# CSV export --------------------------------------------------------------------------------
CSV_COLUMNS = ("lead_id", "created_taipei", "desk", "markets", "products", "score", "status",
               "assignee", "amount_ntd", "mou", "poc", "company", "ubn", "name", "title",
               "phone", "email")
CONTACT_COLUMNS = ("company", "ubn", "name", "title", "phone", "email")


def _cell(value: str) -> str:
    """Spreadsheet formula injection: a cell never starts with = + - @ or a tab."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_csv(cases: list[Case], officer: Officer) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for case in cases:
        lead = case.lead
        contact = lead.contact
        with_contact = officer.export_contacts(lead.desk)
        row = [lead.id, case.created_local.strftime("%Y-%m-%d %H:%M"), lead.desk,
               " ".join(lead.markets), " ".join(lead.products), str(lead.score),
               lead.status if case.erased else case.status, case.assignee,
               "" if case.amount is None else str(case.amount),
               "1" if case.mou else "0", "1" if case.poc else "0"]
        if with_contact:
            row += [contact.company, contact.ubn, contact.name, contact.title, contact.phone,
                    contact.email]
        else:
            row += [""] * len(CONTACT_COLUMNS)
        writer.writerow([_cell(str(v)) for v in row])
    return "\ufeff" + out.getvalue()


__all__ = ["Case", "Cases", "Filters", "STATUSES", "export_csv", "kpis", "parse_date"]
