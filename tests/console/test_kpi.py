"""The KPI figures: the programme period's cumulative results against the targets of
knowledge/handoff/programme_targets.yml, the yearly pace, the file's validation (file:line), and
the KPI page for a supervisor and an officer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from market_entry.leads.config import (
    HandoffConfigError,
    ProgrammeTargets,
    load_programme_targets,
)
from services.console.cases import Case
from services.console.kpi import BEHIND, MET, MISSED, NOT_STARTED, ON_TRACK, programme
from services.console.settings import REPO
from services.console.workflow import CLOSED, MATCHED
from tests.console.stack import make_lead

TARGETS = ProgrammeTargets(version=1, start_year=2026, end_year=2029, matchmaking_cases=210,
                           matched_value_ntd=3_200_000_000)
DESKS = ("us", "jp", "eu", "emerging")


def matched(desk: str, when: str, amount: int, created: str = "2026-02-01T00:00:00+00:00",
            status: str = MATCHED) -> Case:
    return Case(lead=replace(make_lead(desk), created=created), status=status, matched_at=when,
                amount=amount)


def test_the_programme_targets_file():
    targets = load_programme_targets(REPO / "knowledge")
    assert (targets.matchmaking_cases, targets.matched_value_ntd) == (210, 3_200_000_000)
    assert targets.years == (2026, 2027, 2028, 2029)           # 民國115–118年
    assert targets.per_year(targets.matchmaking_cases) == 52.5
    assert targets.per_year(targets.matched_value_ntd) == 800_000_000


def test_a_broken_targets_file_is_reported_by_file_and_line(tmp_path):
    folder = tmp_path / "knowledge" / "handoff"
    folder.mkdir(parents=True)
    (folder / "programme_targets.yml").write_text(
        "version: 1\n"
        "period:\n"
        "  start_year: 2029\n"
        "  end_year: 2026\n"
        "targets:\n"
        "  matchmaking_cases: many\n"
        "  matched_value: 3200000000\n", "utf-8")
    with pytest.raises(HandoffConfigError) as caught:
        load_programme_targets(tmp_path / "knowledge")
    messages = [str(issue) for issue in caught.value.issues]
    where = "knowledge/handoff/programme_targets.yml"
    assert any(m.startswith(f"{where}:4:") and "ends (2026) before it starts" in m
               for m in messages), messages
    assert any(m.startswith(f"{where}:6:") and "whole number" in m for m in messages), messages
    assert any(m.startswith(f"{where}:7:") and "unknown field 'matched_value'" in m
               for m in messages), messages
    assert any("matched_value_ntd" in m and "missing" in m for m in messages), messages
    (folder / "programme_targets.yml").unlink()
    with pytest.raises(HandoffConfigError, match="file is missing"):
        load_programme_targets(tmp_path / "knowledge")


def test_cumulative_figures_of_the_period_for_all_desks_and_each_desk():
    cases = [
        matched("jp", "2026-05-02T01:00:00+00:00", 2_000_000),
        matched("us", "2026-12-31T17:00:00+00:00", 1_000_000_000, status=CLOSED),  # 2027-01 Taipei
        matched("eu", "2025-12-20T01:00:00+00:00", 9_000_000, created="2025-11-01T00:00:00+00:00"),
        matched("jp", "2030-01-05T01:00:00+00:00", 7_000_000),                   # after the period
        Case(lead=replace(make_lead("emerging"), created="2027-03-01T00:00:00+00:00")),
    ]
    progress = programme(cases, TARGETS, date(2027, 7, 2), DESKS)
    assert (progress.totals.cases, progress.totals.amount) == (2, 1_002_000_000)
    assert progress.totals.leads == 4                     # the 2025 lead is before the period
    assert progress.per_desk["jp"].cases == 1 and progress.per_desk["jp"].amount == 2_000_000
    assert progress.per_desk["us"].amount == 1_000_000_000
    assert progress.per_desk["eu"].cases == 0 and progress.per_desk["emerging"].leads == 1
    assert len(progress.cumulative_cases) == 48
    assert progress.cumulative_cases[3] == 0 and progress.cumulative_cases[4] == 1   # May 2026
    assert progress.cumulative_cases[12] == 2 and progress.cumulative_cases[-1] == 2
    assert progress.months_elapsed == 19                  # 2026-01 … 2027-07


def test_the_yearly_pace():
    cases = [matched("jp", "2026-05-02T01:00:00+00:00", 2_000_000),
             matched("us", "2027-01-10T01:00:00+00:00", 1_000_000_000)]
    progress = programme(cases, TARGETS, date(2027, 7, 2), DESKS)
    first, second, third, _ = progress.years
    assert (first.year, first.target_cases, first.target_amount) == (2026, 52.5, 800_000_000)
    assert first.elapsed == 1 and (first.cases_status, first.amount_status) == (MISSED, MISSED)
    assert second.elapsed == pytest.approx(183 / 365)
    assert second.expected_cases == pytest.approx(52.5 * 183 / 365)
    assert second.cases_status == BEHIND                  # 1 case, 26.3 expected by 2 July
    assert second.amount_status == ON_TRACK               # NT$1bn, NT$401m expected by then
    assert third.elapsed == 0 and third.cases_status == NOT_STARTED
    assert progress.pace(2027) is second and progress.pace(2031) is None
    full = [matched("eu", "2026-06-01T01:00:00+00:00", 16_000_000) for _ in range(53)]
    year = programme(full, TARGETS, date(2027, 1, 5), DESKS).pace(2026)
    assert (year.cases_status, year.amount_status) == (MET, MET)   # 53 ≥ 52.5, NT$848m ≥ 800m


@pytest.fixture(scope="module")
def outcomes(stack):
    """Recorded outcomes: two matched cases inside the period, one before it."""
    client = stack.client()
    for name, when, amount in (("jp-high", "2026-03-10T02:00:00+00:00", 12_000_000),
                               ("us-one", "2026-07-10T02:00:00+00:00", 300_000_000),
                               ("eu-one", "2025-12-10T02:00:00+00:00", 50_000_000)):
        client.hset(f"console:lead:{stack.leads[name].id}",
                    mapping={"status": MATCHED, "matched_at": when, "amount": str(amount)})


def test_the_kpi_page_compares_the_period_with_the_programme_targets(stack, outcomes):
    page = stack.login("boss").get(stack.base + "/kpi", params={"year": "2026"}).text
    assert "民國115–118年（2026–2029）全部窗口累計" in page
    assert "2 / 210 件" in page and "NT$312,000,000 / NT$3,200,000,000" in page
    assert "年度目標＝計畫目標 ÷ 4 年" in page
    assert "2／52.5 件" in page and "NT$312,000,000／NT$800,000,000" in page
    assert "各窗口計畫期間累計" in page and page.count("<svg") >= 3    # bars, pace, months
    assert "計畫期間累計媒合案件數與目標進度" in page


def test_an_officer_sees_the_programme_totals_and_their_desk_only(stack, outcomes):
    page = stack.login("ming.jp").get(stack.base + "/kpi", params={"year": "2026"}).text
    main = page.split("<main>")[1]
    assert "2 / 210 件" in main                                   # all desks together
    assert "其中臺日窗口：媒合案件 <strong>1</strong> 件" in main
    assert "NT$12,000,000" in main
    assert "各窗口計畫期間累計" not in main
    for other in ("臺美窗口", "臺歐窗口", "新興市場窗口"):
        assert other not in main


def test_a_year_outside_the_period_says_so(stack, outcomes):
    page = stack.login("boss").get(stack.base + "/kpi", params={"year": "2031"}).text
    assert "2031 年不在計畫期間（民國115–118年）內" in page
    assert "2 / 210 件" in page                                   # the period's totals stay
