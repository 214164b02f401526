"""The console's rules without I/O: the status workflow, permissions, amounts, KPIs, CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from market_entry.leads.model import Contact
from services.console.cases import Case, Filters
from services.console.export import export_csv
from services.console.knowledge import ReferenceStore
from services.console.kpi import kpis
from services.console.labels import Labels
from services.console.settings import REPO
from services.console.workflow import (
    CLOSED,
    CONTACTED,
    LOST,
    MATCHED,
    NEW,
    QUALIFIED,
    STATUSES,
    InvalidTransition,
    Officer,
    allowed_next,
    check_transition,
    read_amount,
)
from tests.console.stack import make_lead

JP = Officer("ming.jp", "jp", "officer")
JP2 = Officer("amy.jp", "jp", "officer")
US = Officer("john.us", "us", "officer")
BOSS = Officer("boss", "us", "supervisor")
LABELS = Labels(ReferenceStore(REPO / "knowledge").get())


def test_happy_path_of_the_workflow():
    path = [NEW, CONTACTED, QUALIFIED, MATCHED, CLOSED]
    for current, wanted in zip(path, path[1:], strict=False):
        check_transition(current, wanted)


@pytest.mark.parametrize("current", [NEW, CONTACTED, QUALIFIED, MATCHED])
def test_every_open_case_can_be_lost(current):
    check_transition(current, LOST)


@pytest.mark.parametrize("current, wanted", [
    (NEW, QUALIFIED), (NEW, MATCHED), (NEW, CLOSED), (CONTACTED, MATCHED), (CONTACTED, NEW),
    (QUALIFIED, CLOSED), (MATCHED, QUALIFIED), (CLOSED, LOST), (LOST, NEW), (CLOSED, MATCHED),
    (NEW, NEW), (NEW, "erased"), (NEW, ""),
])
def test_invalid_transitions_are_refused(current, wanted):
    with pytest.raises(InvalidTransition):
        check_transition(current, wanted)


def test_terminal_statuses_have_no_next_step():
    assert allowed_next(CLOSED) == allowed_next(LOST) == ()
    assert all(set(allowed_next(s)) <= set(STATUSES) for s in STATUSES)


def test_officers_see_only_their_desk_supervisors_all():
    assert JP.can_see("jp") and not JP.can_see("us") and not JP.can_work("eu")
    assert all(BOSS.can_see(d) for d in ("us", "jp", "eu", "emerging"))
    assert JP.visible_desks() == ("jp",) and len(BOSS.visible_desks()) == 4
    assert BOSS.can_read_audit and not JP.can_read_audit


def test_assigning():
    assert JP.can_assign("jp", JP)             # claim
    assert not JP.can_assign("jp", JP2)        # officers cannot hand cases to others
    assert not JP.can_assign("us", JP)         # nor touch another desk
    assert BOSS.can_assign("jp", JP2) and BOSS.can_assign("jp", BOSS)
    assert not BOSS.can_assign("jp", US)       # only to the lead's desk
    assert not BOSS.can_assign("jp", None)


@pytest.mark.parametrize("text, amount", [
    ("1200000", 1_200_000), ("NT$1,200,000", 1_200_000), ("120萬", 1_200_000),
    ("1.5億", 150_000_000), ("０", 0), (" 3,000 元 ", 3000),
])
def test_amounts(text, amount):
    assert read_amount(text) == amount


@pytest.mark.parametrize("text", ["", "abc", "-5", "1e9", "12.3.4", "9" * 20])
def test_bad_amounts(text):
    assert read_amount(text) is None


def _case(desk, status=NEW, created="2026-03-10T02:00:00+00:00", matched_at="", amount=None):
    lead = replace(make_lead(desk), created=created)
    return Case(lead=lead, status=status, matched_at=matched_at, amount=amount)


def test_kpis_per_desk_and_month():
    cases = [
        _case("jp"), _case("jp", created="2026-03-31T17:00:00+00:00"),      # April in Taipei
        _case("us", MATCHED, matched_at="2026-05-02T01:00:00+00:00", amount=2_000_000),
        _case("us", CLOSED, matched_at="2026-05-20T01:00:00+00:00", amount=500_000),
        _case("eu", created="2025-12-01T00:00:00+00:00"),
    ]
    data = kpis(cases, 2026)
    assert data["table"]["jp"]["2026-03"].leads == 1
    assert data["table"]["jp"]["2026-04"].leads == 1
    assert data["table"]["us"]["2026-05"].cases == 2
    assert data["per_desk"]["us"].amount == 2_500_000
    assert data["totals"].leads == 4 and data["totals"].cases == 2
    assert data["per_desk"]["eu"].leads == 0


def test_filters():
    case = _case("jp")
    assert Filters(market="jp").keep(case) and not Filters(market="us").keep(case)
    assert Filters(status=NEW).keep(case) and not Filters(status=MATCHED).keep(case)
    day = datetime(2026, 3, 10, tzinfo=timezone.utc).date()
    assert Filters(date_from=day, date_to=day).keep(case)
    assert not Filters(date_from=day.replace(day=11)).keep(case)


def test_csv_has_contacts_only_for_visible_desks_and_no_formulas():
    jp, us = _case("jp"), _case("us")
    evil = Case(lead=replace(make_lead("jp"), contact=Contact(company='=HYPERLINK("x")', name="甲")))
    rows = list(csv.DictReader(io.StringIO(export_csv([jp, us, evil], JP, LABELS).lstrip("\ufeff"))))
    assert rows[0]["聯絡人"] == "陳小明" and rows[0]["電話"] == "0912-345-678"
    assert rows[1]["窗口"] == "臺美窗口" and rows[1]["聯絡人"] == rows[1]["電話"] == ""
    assert rows[2]["公司名稱"].startswith("'=")
    everything = list(csv.DictReader(io.StringIO(export_csv([jp, us], BOSS, LABELS)
                                                 .lstrip("\ufeff"))))
    assert all(row["聯絡人"] for row in everything)


def test_filters_check_desk_and_score_and_read_the_query_once():
    case = _case("jp")                                   # score 50
    assert Filters(desk="jp").keep(case) and not Filters(desk="us").keep(case)
    assert Filters(min_score=50).keep(case) and not Filters(min_score=51).keep(case)
    query = {"desk": "us", "market": " JP ", "status": "bogus", "score": "40", "from": "x"}
    assert Filters.from_query(query, BOSS.visible_desks()) == Filters(desk="us", market="jp",
                                                                      min_score=40)
    assert Filters.from_query(query, JP.visible_desks()).desk == ""   # not their desk
    assert Filters(desk="eu", min_score=5).query() == "desk=eu&score=5"
