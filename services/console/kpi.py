"""The KPI figures: per desk and month of a year, and the programme's progress over its period
against the targets of knowledge/handoff/programme_targets.yml (no I/O here).

A matchmaking case counts in the month it became `matched` (Taipei time), with its recorded
amount; a consultation (= a lead) in the month the lead was created.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from market_entry.leads.config import ProgrammeTargets
from services.console.cases import Case, taipei
from services.console.knowledge import desk_ids

ON_TRACK, BEHIND, MET, MISSED, NOT_STARTED = "on_track", "behind", "met", "missed", "not_started"


@dataclass
class KpiRow:
    leads: int = 0
    cases: int = 0
    amount: int = 0

    def add(self, other: KpiRow) -> None:
        self.leads += other.leads
        self.cases += other.cases
        self.amount += other.amount


def month_of(iso: str) -> str:
    return taipei(iso).strftime("%Y-%m")


def monthly(cases: list[Case]) -> dict[str, dict[str, KpiRow]]:
    """desk → "YYYY-MM" → figures, over every month the cases touch."""
    table: dict[str, dict[str, KpiRow]] = defaultdict(lambda: defaultdict(KpiRow))
    for case in cases:
        desk = case.lead.desk
        table[desk][month_of(case.lead.created)].leads += 1
        if case.matched_at:
            matched = month_of(case.matched_at)
            table[desk][matched].cases += 1
            table[desk][matched].amount += case.amount or 0
    return table


def kpis(cases: list[Case], year: int, desks: tuple[str, ...] | None = None) -> dict:
    """Per desk and month of `year` (Taipei time): consultations served (leads, by creation),
    matchmaking cases (leads that reached 'matched', by that date) and their amounts."""
    table = monthly(cases)
    desks = tuple(desks) if desks is not None else desk_ids()
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    per_desk: dict[str, KpiRow] = {}
    totals = KpiRow()
    for desk in desks:
        row = KpiRow()
        for month in months:
            row.add(table[desk][month])
        per_desk[desk] = row
        totals.add(row)
    per_month = {}
    for month in months:
        cell = KpiRow()
        for desk in desks:
            cell.add(table[desk][month])
        per_month[month] = cell
    return {"months": months, "table": table, "per_desk": per_desk, "per_month": per_month,
            "totals": totals}


# the programme -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Pace:
    """One year of the period against the even yearly pace (target / number of years)."""

    year: int
    figures: KpiRow
    target_cases: float
    target_amount: float
    elapsed: float               # share of the year gone by (0 before it, 1 after it)

    @property
    def expected_cases(self) -> float:
        return self.target_cases * self.elapsed

    @property
    def expected_amount(self) -> float:
        return self.target_amount * self.elapsed

    def _status(self, value: float, target: float) -> str:
        if self.elapsed <= 0:
            return NOT_STARTED
        if self.elapsed >= 1:
            return MET if value >= target else MISSED
        return ON_TRACK if value >= target * self.elapsed else BEHIND

    @property
    def cases_status(self) -> str:
        return self._status(self.figures.cases, self.target_cases)

    @property
    def amount_status(self) -> str:
        return self._status(self.figures.amount, self.target_amount)


@dataclass(frozen=True)
class Programme:
    targets: ProgrammeTargets
    totals: KpiRow                       # the period so far, all desks
    per_desk: dict[str, KpiRow]          # the period so far, each desk
    years: tuple[Pace, ...]              # each year of the period, all desks
    cumulative_cases: tuple[int, ...]    # matchmaking cases to the end of each period month
    months_elapsed: int                  # period months begun by `today` (0 … all)

    def pace(self, year: int) -> Pace | None:
        return next((p for p in self.years if p.year == year), None)


def _elapsed(year: int, today: date) -> float:
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    days = 366 if calendar.isleap(year) else 365
    return today.timetuple().tm_yday / days


def programme(cases: list[Case], targets: ProgrammeTargets, today: date,
              desks: tuple[str, ...]) -> Programme:
    """Cumulative figures of the programme period (all of `desks`) against the targets."""
    table = monthly(cases)
    months = [f"{year}-{m:02d}" for year in targets.years for m in range(1, 13)]
    per_desk = {desk: KpiRow() for desk in desks}
    per_year = {year: KpiRow() for year in targets.years}
    per_month = {month: KpiRow() for month in months}
    for desk, rows in table.items():
        for month, row in rows.items():
            if month not in per_month:
                continue
            per_month[month].add(row)
            per_year[int(month[:4])].add(row)
            per_desk.setdefault(desk, KpiRow()).add(row)
    totals = KpiRow()
    for row in per_year.values():
        totals.add(row)
    cumulative, running = [], 0
    for month in months:
        running += per_month[month].cases
        cumulative.append(running)
    now = f"{today.year}-{today.month:02d}"
    begun = sum(1 for month in months if month <= now)
    years = tuple(Pace(year, per_year[year], targets.per_year(targets.matchmaking_cases),
                       targets.per_year(targets.matched_value_ntd), _elapsed(year, today))
                  for year in targets.years)
    return Programme(targets, totals, per_desk, years, tuple(cumulative), begun)
