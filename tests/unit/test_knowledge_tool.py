"""The knowledge staff's command-line tool, command by command."""

from __future__ import annotations

from pathlib import Path

import pytest

from market_entry.knowledge import load_knowledge
from market_entry.knowledge.coverage import coverage_markdown
from market_entry.knowledge_tool import main
from tests.conftest import REAL_KNOWLEDGE, US_ENTRIES, write_knowledge

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_knowledge(tmp_path: Path) -> Path:
    """The shared small folder, with the key facts `validate` requires of its volatile entry."""
    facts = ("    facts:\n      - name: us.tariff_basis\n        value: HTSUS\n"
             "        as_of: 2026-11-01\n")
    us = US_ENTRIES if "facts:" in US_ENTRIES else US_ENTRIES + facts
    return write_knowledge(tmp_path / "knowledge", {"markets/us/tariffs.yml": us})


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok(capsys, small_knowledge):
    code, out, _ = run(capsys, "--root", str(small_knowledge), "--today", "2026-11-27", "validate")
    assert code == 0 and out.startswith("OK: 3 markets")


def test_validate_lists_every_problem_with_file_and_line(capsys, small_knowledge):
    path = small_knowledge / "markets/jp/certification.yml"
    path.write_text(path.read_text("utf-8").replace("topic: certification", "topic: certs", 1), "utf-8")
    code, _, err = run(capsys, "--root", str(small_knowledge), "--today", "2026-11-27", "validate")
    assert code == 1
    assert "knowledge/markets/jp/certification.yml:3: entries[0].topic: unknown topic 'certs'" in err
    assert "1 problem(s) found." in err


def test_stale_report(capsys, small_knowledge):
    (small_knowledge / "official_sources.yml").write_text(
        (REAL_KNOWLEDGE / "official_sources.yml").read_text("utf-8"), "utf-8")
    code, out, _ = run(capsys, "--root", str(small_knowledge), "--today", "2027-04-20", "stale",
                       "--days", "30")
    assert code == 0
    now, later = out.split("To plan (listed, not failures):")
    # us-tariffs-overview: volatile, review_by 2027-01-15 passed, checked 2026-11-01 > 90 days ago
    assert "us-tariffs-overview: review date passed" in now
    assert "us-tariffs-overview: volatile, checked more than 90 days ago" in now
    # review_by 2027-05-01 is within 30 days of 2027-04-20: planned, not a failure
    assert "jp-certification-pse: review due soon" in later
    # https://www.tele.soumu.go.jp/ is official but a homepage, and has no review_note
    assert "jp-certification-giteki: no official page that states the rule" in now
    # jp-certification-giteki cites tele.soumu.go.jp: official; fixture hts.usitc.gov: official
    assert "no official source" not in out
    assert "vn/certification: no entry for this topic" in later
    code, _, _ = run(capsys, "--root", str(small_knowledge), "--today", "2027-04-20", "stale", "--strict")
    assert code == 1


def test_stale_flags_unofficial_sources(capsys, small_knowledge):
    (small_knowledge / "official_sources.yml").write_text("domains: [go.jp]\n", "utf-8")
    _, out, _ = run(capsys, "--root", str(small_knowledge), "--today", "2026-11-27", "stale")
    assert "us-tariffs-overview: no official source (cites hts.usitc.gov)" in out


def test_coverage_table_and_markdown(capsys, small_knowledge, tmp_path):
    code, out, _ = run(capsys, "--root", str(small_knowledge), "--today", "2026-11-27", "coverage")
    assert code == 0 and "certification" in out
    target = tmp_path / "coverage.md"
    run(capsys, "--root", str(small_knowledge), "--today", "2026-11-27", "coverage", "--markdown", str(target))
    text = target.read_text("utf-8")
    assert "| 日本 (jp) | 0 | 2 | 2 |" in text


def test_committed_coverage_table_is_current():
    committed = (REPO / "docs/coverage.md").read_text("utf-8")
    assert committed == coverage_markdown(load_knowledge(REAL_KNOWLEDGE)), (
        "docs/coverage.md is out of date: run "
        "`python -m market_entry.knowledge_tool coverage --markdown docs/coverage.md`")


def test_import_writes_a_draft(capsys, small_knowledge, monkeypatch):
    from market_entry.knowledge import importer
    from tests.unit.test_importer import fetcher, html

    url = "https://www.meti.go.jp/policy/consumer_safety/"
    fake, _ = fetcher({url: html("meti_pse.html")})
    monkeypatch.setattr(importer, "PageFetcher", lambda: fake)
    code, out, _ = run(capsys, "--root", str(small_knowledge), "--today", "2026-11-27", "import", url,
                       "--market", "jp", "--topic", "certification", "--slug", "pse-law")
    assert code == 0 and "draft written" in out
    assert (small_knowledge / "markets/jp/draft-pse-law.yml").exists()
    code, out, _ = run(capsys, "--root", str(small_knowledge), "--today", "2026-11-27", "validate")
    assert code == 0 and "drafts 1" in out


def test_import_refusal_is_a_clear_message(capsys, small_knowledge):
    code, _, err = run(capsys, "--root", str(small_knowledge), "import", "http://127.0.0.1/admin",
                       "--market", "jp", "--topic", "certification")
    assert code == 1 and "not imported:" in err and "non-public address" in err


@pytest.mark.parametrize(("flag", "value", "message"), [("--market", "zz", "unknown market"),
                                                       ("--topic", "rockets", "unknown topic")])
def test_import_checks_market_and_topic_first(capsys, small_knowledge, flag, value, message):
    args = {"--market": "jp", "--topic": "certification", flag: value}
    code, _, err = run(capsys, "--root", str(small_knowledge), "import", "https://www.meti.go.jp/",
                       "--market", args["--market"], "--topic", args["--topic"])
    assert code == 2 and message in err


def test_gaps_needs_redis(capsys, small_knowledge, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    code, _, err = run(capsys, "--root", str(small_knowledge), "gaps")
    assert code == 2 and "REDIS_URL" in err
