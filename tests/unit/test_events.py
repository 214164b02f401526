"""The events catalogue: the seeded file, validation with file:line messages, and listing
relative to a fixed today."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from market_entry.events import EventsError, Query, list_events, load_events, match_event
from market_entry.events.listing import describe, parse_query
from market_entry.events.loader import validate_cli
from market_entry.events.model import CLOSED, KINDS, NOT_YET_OPEN, OPEN
from market_entry.phrases import say
from tests.conftest import REAL_KNOWLEDGE

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def catalogue():
    return load_events(REAL_KNOWLEDGE)


def test_seed_covers_every_market_and_kind(catalogue):
    assert len(catalogue.events) >= 15
    markets = {p.parent.name for p in (REAL_KNOWLEDGE / "markets").glob("*/market.yml")} - {"tw"}
    assert markets <= {e.market for e in catalogue.events}
    assert set(KINDS) == {e.kind for e in catalogue.events}
    assert all(e.starts.year == 2027 for e in catalogue.events)
    assert any(e.real_show for e in catalogue.events) and any(not e.real_show
                                                              for e in catalogue.events)


def test_seed_dates_are_estimates_until_staff_confirm(catalogue):
    # Nothing in the seed has been confirmed against an organiser's announcement.
    assert not any(e.confirmed for e in catalogue.events)


def test_cli_validates_the_real_catalogue():
    code, message = validate_cli(REAL_KNOWLEDGE, TODAY)
    assert code == 0 and message.startswith("OK: ")


def copy_knowledge(tmp_path: Path, events_yaml: str) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, root, ignore=shutil.ignore_patterns("events"))
    (root / "events").mkdir()
    (root / "events" / "events.yml").write_text(events_yaml, "utf-8")
    return root


GOOD = """\
events:
  - id: demo-2027
    name: {zh-TW: 示範展, en: Demo show}
    short_name: {zh-TW: 示範展, en: Demo}
    market: jp
    city: {zh-TW: 東京, en: Tokyo}
    kind: trade_show
    starts: 2027-03-01
    ends: 2027-03-03
    registration_deadline: 2027-01-31
    organiser: {zh-TW: 主辦單位, en: Organiser}
    sectors: [food]
    url: https://example.org/
    real_show: false
    confirmed: false
    eligibility:
      - rule: sme
      - rule: certifications
        certifications: [pse]
"""


def test_a_valid_file_loads(tmp_path):
    catalogue = load_events(copy_knowledge(tmp_path, GOOD))
    event = catalogue.get("demo-2027")
    assert event.rules[1].params == {"certifications": ("pse",)}


@pytest.mark.parametrize("old, new, expected", [
    ("market: jp", "market: br", "events.yml:5: events[0].market: unknown market 'br'"),
    ("sectors: [food]", "sectors: [rockets]", "events[0].sectors[0]: unknown product 'rockets'"),
    ("kind: trade_show", "kind: party", "events[0].kind: expected one of"),
    ("ends: 2027-03-03", "ends: 2027-02-03", "events[0].ends: must not be before `starts`"),
    ("registration_deadline: 2027-01-31", "registration_deadline: 2027-04-01",
     "must not be after `starts`"),
    ("starts: 2027-03-01", "starts: 2027-13-01", "expected a date YYYY-MM-DD"),
    ("url: https://example.org/", "url: example.org", "is not an absolute http(s) URL"),
    ("confirmed: false", "confirmed: maybe", "events[0].confirmed: expected true or false"),
    ("      - rule: sme", "      - rule: vip", "unknown rule 'vip'"),
    ("        certifications: [pse]", "        certifications: [xyz]",
     "unknown certification 'xyz'"),
    ("      - rule: sme", "      - rule: sme\n        big: true", "rule 'sme' has no parameter 'big'"),
    ("short_name: {zh-TW: 示範展, en: Demo}", "short_name: {zh-TW: 示範展, en: A very long name}",
     "short_name.en: at most 13 characters"),
    ("    url: https://example.org/\n", "    url: https://example.org/\n    colour: red\n",
     "unknown field 'colour'"),
])
def test_problems_are_reported_with_file_and_line(tmp_path, old, new, expected):
    assert old in GOOD
    root = copy_knowledge(tmp_path, GOOD.replace(old, new))
    with pytest.raises(EventsError) as error:
        load_events(root)
    assert expected in str(error.value)
    assert all(str(i).startswith("knowledge/events/events.yml:") for i in error.value.issues)


def test_duplicate_ids_and_syntax_errors(tmp_path):
    doubled = GOOD + GOOD[len("events:\n"):]
    with pytest.raises(EventsError, match="duplicate id 'demo-2027'"):
        load_events(copy_knowledge(tmp_path / "a", doubled))
    with pytest.raises(EventsError, match="YAML syntax"):
        load_events(copy_knowledge(tmp_path / "b", GOOD + "  - id: [unclosed\n"))


# -- listing --------------------------------------------------------------------------------------

def test_past_events_are_never_listed(catalogue):
    late = date(2027, 6, 20)
    listed = list_events(catalogue, late)
    assert listed and all(i.event.ends >= late for i in listed)
    assert "foodex-japan-2027" not in {i.event.id for i in listed}


def test_closed_registrations_are_never_offered_as_open(catalogue):
    listed = {i.event.id: i.registration for i in list_events(catalogue, TODAY)}
    assert listed["ces-2027"] == CLOSED           # deadline 2026-09-30
    assert listed["foodex-japan-2027"] == OPEN     # deadline 2026-12-18
    assert listed["japan-it-week-spring-2027"] == NOT_YET_OPEN
    open_now = {i.event.id for i in list_events(catalogue, TODAY, Query(open_only=True))}
    assert "ces-2027" not in open_now and "japan-it-week-spring-2027" not in open_now
    assert "foodex-japan-2027" in open_now
    # The day after the deadline it is closed.
    after = {i.event.id: i.registration for i in list_events(catalogue, date(2026, 12, 19))}
    assert after["foodex-japan-2027"] == CLOSED


def test_filters(catalogue):
    jp = list_events(catalogue, TODAY, Query(market="jp"))
    assert jp and all(i.event.market == "jp" for i in jp)
    food = list_events(catalogue, TODAY, Query(sector="food"))
    assert food and all("food" in i.event.sectors for i in food)
    march = list_events(catalogue, TODAY, Query(month=(2027, 3)))
    assert march and all(i.event.starts.month == 3 or i.event.ends.month == 3 for i in march)
    sessions = list_events(catalogue, TODAY, Query(market="us", kind="matchmaking"))
    assert [i.event.id for i in sessions] == ["us-online-matchmaking-2027"]
    dates = [i.event.starts for i in list_events(catalogue, TODAY)]
    assert dates == sorted(dates)


@pytest.mark.parametrize("text, month, kind, open_only", [
    ("3月有什麼展", (2027, 3), None, False),
    ("三月的展覽", (2027, 3), None, False),
    ("十二月", (2026, 12), None, False),
    ("下個月有線上媒合嗎", (2026, 12), "online_matchmaking", False),
    ("現在可以報名的臺灣館", None, "taiwan_pavilion", True),
    ("any matchmaking in March still open", (2027, 3), "matchmaking", True),
    ("有什麼展可以參加", None, None, False),
])
def test_parse_query(text, month, kind, open_only):
    query = parse_query(text, TODAY)
    assert (query.month, query.kind, query.open_only) == (month, kind, open_only)


def test_match_event_by_name_number_and_id(catalogue):
    assert match_event(catalogue, "FOODEX", TODAY).id == "foodex-japan-2027"
    assert match_event(catalogue, "漢諾威工業展", TODAY).id == "hannover-messe-2027"
    assert match_event(catalogue, "medica-2027", TODAY).id == "medica-2027"
    assert match_event(catalogue, "2", TODAY, ["ces-2027", "gulfood-2027"]).id == "gulfood-2027"
    assert match_event(catalogue, "火星展", TODAY) is None


def test_description_warns_about_estimated_dates(catalogue):
    listed = next(i for i in list_events(catalogue, TODAY) if i.event.id == "foodex-japan-2027")
    zh = describe(listed, "zh-TW", "日本", 1)
    assert "日期為預估，請以主辦單位公告為準" in zh and "報名中（截止 2026-12-18）" in zh
    assert say("events.estimate_note", "en").strip() in describe(listed, "en", "Japan")
    assert listed.event.url in zh


def test_questions_misread_as_event_requests_go_to_the_packs():
    from market_entry.events.listing import is_question_for_the_packs
    for question in ("明年想去日本參加展覽，攤位費政府有補助嗎？", "想去德國賣茶要注意什麼",
                     "is there funding for trade shows",
                     "Is there any support for joining a Taiwan Pavilion abroad?"):
        assert is_question_for_the_packs(question), question
    for request in ("有什麼展可以參加", "三月有什麼展", "any food expo in Dubai next year",
                    '/ask_events{"market":"jp"}', "展覽", "which shows do you support"):
        assert not is_question_for_the_packs(request), request
