"""The weekly routine: `stale --strict` for CI, `review` (what to recheck) and `record` (the check,
written into the YAML file in place). Temporary knowledge folders only."""

from __future__ import annotations

from datetime import date

import pytest

from market_entry.knowledge import load_knowledge
from market_entry.knowledge_tool import main
from tests.unit.knowledge_packs import entries_file, entry_yaml, knowledge_folder

TODAY = "2026-11-27"


def run(capsys, root, *args) -> tuple[int, str, str]:
    code = main(["--root", str(root), "--today", TODAY, *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- stale --strict ---------------------------------------------------------------------------

HOMEPAGE = (("METI", "https://www.meti.go.jp/"),)
UNOFFICIAL = (("A law firm", "https://lawfirm.example.com/japan-pse-guide"),)


@pytest.mark.parametrize(("entry", "kind"), [
    (dict(review_by="2026-11-20"), "review date passed"),
    (dict(sources=HOMEPAGE), "no official page that states the rule"),
    (dict(sources=UNOFFICIAL), "no official source"),
])
def test_strict_fails_on_what_needs_action_now(tmp_path, capsys, entry, kind):
    text = entries_file(entry_yaml("jp-labelling-x", "labelling", zh="x。", **entry))
    root = knowledge_folder(tmp_path, {"markets/jp/labelling.yml": text})
    code, out, _ = run(capsys, root, "stale", "--strict")
    assert code == 1
    section = out.split("To plan")[0]
    assert section.startswith("Needs action now (stale --strict fails on these):")
    assert f"jp-labelling-x: {kind}" in section
    code, _, _ = run(capsys, root, "stale")
    assert code == 0                                    # without --strict: a list, never a failure


def test_strict_fails_on_volatile_entries_checked_over_90_days_ago(tmp_path, capsys):
    text = entries_file(entry_yaml("jp-labelling-x", "labelling", zh="x。", volatile=True,
                                   checked="2026-08-20", review_by="2026-11-20",
                                   facts=[{"name": "jp.x", "value": "x"}]))
    root = knowledge_folder(tmp_path, {"markets/jp/labelling.yml": text})
    code, out, _ = run(capsys, root, "--today", "2026-11-19", "stale", "--strict")
    assert code == 1
    assert "jp-labelling-x: volatile, checked more than 90 days ago (checked 2026-08-20, 91 days " \
           "ago)" in out.split("To plan")[0]


@pytest.mark.parametrize("entry", [
    dict(review_by="2026-12-10"),                                          # due soon
    dict(sources=HOMEPAGE, review_note="METI's PSE page was not found"),   # marked, explained
    dict(sources=UNOFFICIAL, review_note="Only a law firm states it"),
])
def test_strict_passes_on_what_is_only_listed(tmp_path, capsys, entry):
    text = entries_file(entry_yaml("jp-labelling-x", "labelling", zh="x。", **entry))
    root = knowledge_folder(tmp_path, {"markets/jp/labelling.yml": text})
    code, out, _ = run(capsys, root, "stale", "--strict")
    assert code == 0, out
    assert "Needs action now" not in out and "To plan (listed, not failures):" in out
    assert "jp-labelling-x" in out                  # listed
    assert "vn/certification: no entry for this topic" in out
    assert out.rstrip().endswith("0 need action now.")


def test_a_clean_folder_passes_strict(tmp_path, capsys):
    code, out, _ = run(capsys, knowledge_folder(tmp_path), "stale", "--strict")
    assert code == 0 and "Needs action now" not in out


# --- review -----------------------------------------------------------------------------------

def review_folder(tmp_path):
    jp = entries_file(
        entry_yaml("jp-labelling-note", "labelling", zh="x。", review_note="No CAA page found",
                   sources=(("CAA", "https://www.caa.go.jp/"),)),
        entry_yaml("jp-labelling-soon", "labelling", zh="x。", review_by="2026-12-07"),
        entry_yaml("jp-labelling-later", "labelling", zh="x。", review_by="2026-12-20"),
        entry_yaml("jp-labelling-volatile", "labelling", zh="稅率10%。", volatile=True,
                   checked="2026-09-20", review_by="2026-12-19",
                   facts=[{"name": "jp.rate", "value": "10%"}]),
        entry_yaml("jp-labelling-fact", "labelling", zh="到2026年11月20日為止10%。",
                   sources=(("CAA", "https://www.caa.go.jp/policies/food_labeling/"),
                            ("MOF", "https://www.customs.go.jp/english/index.htm")),
                   facts=[{"name": "jp.until", "value": "10% until 2026-11-20",
                           "as_of": "2026-11-01", "changes_on": "2026-11-20"}]),
    )
    us = entries_file(entry_yaml("us-tariffs-overdue", "tariffs", zh="x。", checked="2026-05-01",
                                 review_by="2026-11-01",
                                 sources=(("CBP", "https://www.cbp.gov/trade/basic-import-export"),)))
    return knowledge_folder(tmp_path, {"markets/jp/labelling.yml": jp, "markets/us/tariffs.yml": us})


def test_review_lists_what_to_recheck_by_market_most_urgent_first(tmp_path, capsys):
    root = review_folder(tmp_path)
    code, out, _ = run(capsys, root, "review")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("5 entries in 2 market(s).")
    headers = [line for line in lines if line.startswith("== ")]
    assert headers == ["== 美國 (us): 1 ==", "== 日本 (jp): 4 =="]
    jp_file = "knowledge/markets/jp/labelling.yml"
    ids = [line.split(": ", 1)[1] for line in lines if line.startswith("knowledge/")]
    # us overdue (2026-11-01); jp: volatile due since 2026-11-19, fact changed 2026-11-20,
    # review due 2026-12-07, then the review note; jp-labelling-later (2026-12-20) is not due.
    assert ids == ["us-tariffs-overdue", "jp-labelling-volatile", "jp-labelling-fact",
                   "jp-labelling-soon", "jp-labelling-note"]
    assert "    - review date passed: 2026-11-01 (26 days ago)" in lines
    assert "    - volatile, last checked 2026-09-20 (68 days ago)" in lines
    fact_line = next(i for i, line in enumerate(
        (root / "markets/jp/labelling.yml").read_text("utf-8").splitlines(), 1)
        if "name: jp.until" in line)
    assert (f"    - {jp_file}:{fact_line}: fact jp.until may have changed on 2026-11-20 "
            "(value '10% until 2026-11-20' confirmed 2026-11-01)") in lines
    assert "    - review due 2026-12-07 (in 10 days)" in lines
    assert "    - review note: No CAA page found" in lines
    fact_entry = lines.index(next(line for line in lines if line.endswith(": jp-labelling-fact")))
    assert lines[fact_entry].startswith(f"{jp_file}:")
    assert lines[fact_entry + 2:fact_entry + 4] == [
        "    open: https://www.caa.go.jp/policies/food_labeling/",
        "          https://www.customs.go.jp/english/index.htm"]
    assert "jp-labelling-later" not in out


def test_review_window_and_market(tmp_path, capsys):
    root = review_folder(tmp_path)
    _, out, _ = run(capsys, root, "review", "--days", "30", "--market", "jp")
    assert "jp-labelling-later" in out and "us-tariffs-overdue" not in out


# --- record -----------------------------------------------------------------------------------

def record_folder(tmp_path):
    jp = entries_file(
        entry_yaml("jp-labelling-food", "labelling", zh="食品須標示。"),
        entry_yaml("jp-labelling-rate", "labelling", volatile=True, review_by="2027-01-15",
                   checked_by="amy", zh="稅率10%，自2026年1月1日起。",
                   en="The rate is 10% from 1 January 2026.",
                   facts=[{"name": "jp.rate", "value": "10%"},
                          {"name": "jp.start", "value": "2026-01-01", "as_of": "2026-10-01"}]),
    )
    return knowledge_folder(tmp_path, {"markets/jp/labelling.yml": jp})


def test_record_edits_only_the_checked_values_in_place(tmp_path, capsys):
    root = record_folder(tmp_path)
    path = root / "markets/jp/labelling.yml"
    before = path.read_text("utf-8")
    code, out, err = run(capsys, root, "record", "jp-labelling-rate", "--by", "Lin Mei",
                         "--date", "2026-11-26")
    assert code == 0, err
    after = path.read_text("utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True)
               if a != b]
    assert changed == [
        ("    checked: 2026-11-01   # confirmed against the sources",
         "    checked: 2026-11-26   # confirmed against the sources"),
        ("    checked_by: amy", "    checked_by: Lin Mei"),
        ("    review_by: 2027-01-15", "    review_by: 2027-02-26"),           # volatile: +92
        ("        as_of: 2026-11-01", "        as_of: 2026-11-26"),
        ("        as_of: 2026-10-01", "        as_of: 2026-11-26"),
    ]
    assert "recorded in knowledge/markets/jp/labelling.yml: jp-labelling-rate checked " \
           "2026-11-26 by Lin Mei, review by 2027-02-26" in out
    assert "facts confirmed as of 2026-11-26: jp.rate, jp.start" in out
    assert "-    checked: 2026-11-01" in out and "+    checked: 2026-11-26" in out
    entry = load_knowledge(root, today=date(2026, 11, 27)).entry("jp-labelling-rate")
    assert entry.checked == date(2026, 11, 26) and entry.checked_by == "Lin Mei"
    assert {f.as_of for f in entry.facts} == {date(2026, 11, 26)}


def test_record_adds_checked_by_and_defaults_to_half_a_year(tmp_path, capsys):
    root = record_folder(tmp_path)
    path = root / "markets/jp/labelling.yml"
    before = path.read_text("utf-8").splitlines()
    code, _, err = run(capsys, root, "record", "jp-labelling-food", "--by", "chen")
    assert code == 0, err
    after = path.read_text("utf-8").splitlines()
    at = before.index("    checked: 2026-11-01   # confirmed against the sources")
    assert after[at:at + 3] == ["    checked: 2026-11-27   # confirmed against the sources",
                                "    checked_by: chen",
                                "    review_by: 2027-05-28"]                 # +182
    assert after[:at] == before[:at] and after[at + 3:] == before[at + 2:]


def test_record_sets_fact_values(tmp_path, capsys):
    root = record_folder(tmp_path)
    path = root / "markets/jp/labelling.yml"
    path.write_text(path.read_text("utf-8").replace("稅率10%", "稅率8%").replace(
        "The rate is 10%", "The rate is 8%"), "utf-8")
    code, out, err = run(capsys, root, "record", "jp-labelling-rate", "--by", "amy",
                         "--fact", "jp.rate=8%", "--fact", "jp.start=2026-01-01",
                         "--review-by", "2027-01-31")
    assert code == 0, err
    assert "new value: jp.rate\n" in out
    text = path.read_text("utf-8")
    assert '        value: 8%\n' in text and "    review_by: 2027-01-31\n" in text
    assert '        value: "2026-01-01"\n' in text          # unchanged value: left as written
    entry = load_knowledge(root, today=date(2026, 11, 27)).entry("jp-labelling-rate")
    assert [f.value for f in entry.facts] == ["8%", "2026-01-01"]


def test_record_quotes_values_that_need_it(tmp_path, capsys):
    root = record_folder(tmp_path)
    path = root / "markets/jp/labelling.yml"
    path.write_text(path.read_text("utf-8").replace("自2026年1月1日起", "自2026年1月1日起，2026年2月1日生效")
                    .replace("from 1 January 2026", "from 1 January 2026, in force 1 February 2026"),
                    "utf-8")
    code, _, err = run(capsys, root, "record", "jp-labelling-rate", "--by", "amy",
                       "--fact", "jp.start=signed: 2026-01-01, in force 2026-02-01")
    assert code == 0, err
    assert '        value: "signed: 2026-01-01, in force 2026-02-01"\n' in path.read_text("utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["jp-labelling-rat", "--by", "amy"], "no entry with id 'jp-labelling-rat'"),
    (["jp-labelling-rat", "--by", "amy"], "did you mean jp-labelling-rate"),
    (["jp-labelling-rate", "--by", "amy", "--fact", "jp.nope=1"],
     "jp-labelling-rate declares no fact jp.nope (its facts: jp.rate, jp.start)"),
    (["jp-labelling-rate", "--by", "amy", "--date", "2026-12-01"],
     "the edit would not validate:\n  knowledge/markets/jp/labelling.yml:"),
    (["jp-labelling-rate", "--by", "amy", "--date", "2026-12-01"], "2026-12-01 is in the future"),
    (["jp-labelling-rate", "--by", "amy", "--review-by", "2027-06-01"],
     "volatile entries must be reviewed within 92 days"),
    (["jp-labelling-rate", "--by", "amy", "--fact", "jp.rate=12%"],
     "the edit would add consistency problems for jp-labelling-rate"),
    (["jp-labelling-rate", "--by", "amy", "--fact", "jp.rate=12%"],
     "jp.rate = '12%', but the zh-TW answer of jp-labelling-rate does not state 12"),
])
def test_record_refuses_with_a_clear_message_and_leaves_the_file(tmp_path, capsys, args, message):
    root = record_folder(tmp_path)
    path = root / "markets/jp/labelling.yml"
    before = path.read_bytes()
    code, _, err = run(capsys, root, "record", *args)
    assert code == 1 and err.startswith("not recorded: ")
    assert message in err
    assert path.read_bytes() == before


def test_record_needs_name_equals_value(tmp_path, capsys):
    code, _, err = run(capsys, record_folder(tmp_path), "record", "jp-labelling-rate", "--by",
                       "amy", "--fact", "jp.rate")
    assert code == 2 and "NAME=VALUE" in err


def test_record_keeps_problems_the_entry_already_had_as_warnings(tmp_path, capsys):
    root = record_folder(tmp_path)
    path = root / "markets/jp/labelling.yml"
    path.write_text(path.read_text("utf-8").replace("The rate is 10%", "The rate is ten percent"),
                    "utf-8")
    code, _, err = run(capsys, root, "record", "jp-labelling-rate", "--by", "amy")
    assert code == 0
    assert "warning: still open: knowledge/markets/jp/labelling.yml:" in err
    assert "the en answer of jp-labelling-rate does not state 10" in err


def test_record_handles_block_and_flow_facts_and_windows_line_ends(tmp_path, capsys):
    root = record_folder(tmp_path)
    path = root / "markets/jp/labelling.yml"
    text = path.read_text("utf-8").replace(
        '      - name: jp.rate\n        value: "10%"\n        as_of: 2026-11-01\n',
        "      - {name: jp.rate, value: 10%, as_of: 2026-11-01}  # flow style\n").replace(
        '        value: "2026-01-01"\n', "        value: >\n          2026-01-01\n")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    code, _, err = run(capsys, root, "record", "jp-labelling-food", "--by", "amy")
    assert code == 0, err
    code, _, err = run(capsys, root, "record", "jp-labelling-rate", "--by", "amy",
                       "--fact", "jp.start=from 2026-01-01")
    assert code == 0, err
    after = path.read_bytes().decode("utf-8")
    assert "\r\n" in after and "\n" not in after.replace("\r\n", "")
    assert "      - {name: jp.rate, value: 10%, as_of: 2026-11-27}  # flow style\r\n" in after
    assert "        value: from 2026-01-01\r\n        as_of: 2026-11-27\r\n" in after
    assert "    checked_by: amy\r\n" in after
    entry = load_knowledge(root, today=date(2026, 11, 27)).entry("jp-labelling-rate")
    assert [(f.value, f.as_of) for f in entry.facts] == [("10%", date(2026, 11, 27)),
                                                        ("from 2026-01-01", date(2026, 11, 27))]
