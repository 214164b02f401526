"""The console's view of leads: each lead (read only through market_entry.leads.store) with its
case state kept under `console:` (workflow status, assignee, outcome, notes), the queue filters
and the audit log.

Synchronous redis-py: the web handlers call these methods on the console's thread pool
(services.console.context.call), never on the event loop."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode

import redis

from market_entry import redis_keys as keys
from market_entry.leads.model import STATUS_ERASED, STATUS_PURGED, Lead
from market_entry.leads.store import LeadStore
from services.console.workflow import (
    MATCHED,
    NEW,
    OUTCOME_STATUSES,
    STATUSES,
    Officer,
    check_transition,
)

TAIPEI = timezone(timedelta(hours=8))
QUEUE_LIMIT = 5000
MAX_SCORE = 1000


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


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()) if text else None
    except ValueError:
        return None


def _score(text: str) -> int | None:
    text = (text or "").strip()
    if text.lstrip("-").isdigit() and len(text) <= 5:
        return max(-MAX_SCORE, min(MAX_SCORE, int(text)))
    return None


@dataclass(frozen=True)
class Filters:
    """The queue's filters. Built once per request (`from_query`); the queue, the CSV export and
    the JSON list all apply the same `keep`, which checks every field."""

    market: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    desk: str = ""
    min_score: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str], visible_desks: Iterable[str]) -> Filters:
        status = query.get("status", "")
        desk = query.get("desk", "")
        return cls(market=query.get("market", "").strip().lower()[:20],
                   status=status if status in STATUSES else "",
                   date_from=parse_date(query.get("from", "")),
                   date_to=parse_date(query.get("to", "")),
                   desk=desk if desk in tuple(visible_desks) else "",
                   min_score=_score(query.get("score", "")))

    def query(self) -> str:
        """The filters as a query string (for the export link: exactly what the queue shows)."""
        values = {"desk": self.desk, "market": self.market, "status": self.status,
                  "from": self.date_from.isoformat() if self.date_from else "",
                  "to": self.date_to.isoformat() if self.date_to else "",
                  "score": "" if self.min_score is None else str(self.min_score)}
        return urlencode({k: v for k, v in values.items() if v})

    def keep(self, case: Case) -> bool:
        if self.desk and case.lead.desk != self.desk:
            return False
        if self.market and self.market not in case.lead.markets:
            return False
        if self.status and case.status != self.status:
            return False
        if self.min_score is not None and case.lead.score < self.min_score:
            return False
        day = case.created_local.date()
        if self.date_from and day < self.date_from:
            return False
        if self.date_to and day > self.date_to:
            return False
        return True


class Cases:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.leads = LeadStore(client)

    # reading -----------------------------------------------------------------------------
    def _with_state(self, leads: list[Lead]) -> list[Case]:
        pipe = self.client.pipeline(transaction=False)
        for lead in leads:
            pipe.hgetall(keys.console_lead_state(lead.id))
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
            case.notes = [json.loads(n) for n in self.client.lrange(keys.console_lead_notes(lead_id), 0, -1)]
        return case

    def queue(self, officer: Officer, filters: Filters) -> list[Case]:
        """The open queue of the desks the officer sees: score first, then oldest first (each
        desk's sorted set, market_entry.leads.store); supervisors get the desks merged."""
        desks = officer.visible_desks()
        if filters.desk in desks:
            desks = (filters.desk,)
        leads: list[Lead] = []
        for desk in desks:
            leads.extend(self.leads.queue(desk, limit=QUEUE_LIMIT))
        leads.sort(key=lambda lead: (-lead.score, lead.created_at))
        return [case for case in self._with_state(leads) if filters.keep(case)]

    def all_cases(self, desks: tuple[str, ...]) -> list[Case]:
        """Every lead record of the desks, erased and purged ones included (KPIs, export),
        oldest first."""
        leads = sorted((lead for lead in self.leads.all() if lead.desk in desks),
                       key=lambda lead: lead.created)
        return self._with_state(leads)

    def export(self, officer: Officer, filters: Filters) -> list[Case]:
        """What the CSV export holds: every lead record of the officer's desks (anonymised ones
        too, so yearly reports stay complete) that passes every filter of the queue."""
        return [case for case in self.all_cases(officer.visible_desks()) if filters.keep(case)]

    # changing ----------------------------------------------------------------------------
    def _now(self) -> str:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")

    def set_status(self, case: Case, wanted: str, user: str) -> None:
        """Moves the case one step (workflow.TRANSITIONS) atomically: a concurrent change by
        another officer makes this one fail instead of skipping a step."""
        key = keys.console_lead_state(case.lead.id)
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
        self.client.hset(keys.console_lead_state(case.lead.id),
                         mapping={"assignee": assignee, "updated": self._now()})
        self.audit(user, "claim" if assignee == user else "assign", case.lead.id,
                   f"assignee={assignee}")
        case.assignee = assignee

    def add_note(self, case: Case, text: str, user: str) -> None:
        note = {"time": self._now(), "user": user, "text": text}
        self.client.rpush(keys.console_lead_notes(case.lead.id), json.dumps(note, ensure_ascii=False))
        self.audit(user, "note", case.lead.id, f"{len(text)} characters")

    def set_outcome(self, case: Case, amount: int, mou: bool, poc: bool, user: str) -> None:
        if case.status not in OUTCOME_STATUSES:
            raise ValueError("outcomes are recorded for matched cases")
        self.client.hset(keys.console_lead_state(case.lead.id), mapping={
            "amount": str(amount), "mou": "1" if mou else "0", "poc": "1" if poc else "0",
            "updated": self._now()})
        self.audit(user, "outcome", case.lead.id,
                   f"amount={amount} mou={int(mou)} poc={int(poc)}")
        case.amount, case.mou, case.poc = amount, mou, poc

    # audit -------------------------------------------------------------------------------
    def audit(self, user: str, action: str, lead_id: str = "", detail: str = "") -> None:
        """One entry per view and change: who, when, what. Never personal data of owners."""
        self.client.xadd(keys.CONSOLE_AUDIT, {"time": self._now(), "user": user, "action": action,
                                      "lead": lead_id, "detail": detail},
                         maxlen=keys.CONSOLE_AUDIT_MAXLEN, approximate=True)

    def audit_entries(self, count: int = 200, user: str = "", lead: str = "") -> list[dict]:
        out = []
        for _id, raw in self.client.xrevrange(keys.CONSOLE_AUDIT, count=count * 5 if user or lead else count):
            entry = {_text(k): _text(v) for k, v in raw.items()}
            if (user and entry.get("user") != user) or (lead and entry.get("lead") != lead):
                continue
            out.append(entry)
            if len(out) >= count:
                break
        return out


__all__ = ["TAIPEI", "Case", "Cases", "Filters", "parse_date", "taipei"]
