"""The consistency check: key facts agree across entries and with the answers stating them."""

from __future__ import annotations

from datetime import date

import pytest

from market_entry.knowledge import load_knowledge
from market_entry.knowledge.consistency import (
    check_consistency,
    dates_in,
    facts_due,
    numbers_in,
    quantities_in,
)
from market_entry.knowledge_tool import main
from tests.conftest import REAL_KNOWLEDGE
from tests.unit.knowledge_packs import entries_file, entry_yaml, knowledge_folder

TODAY = date(2026, 11, 27)


def issues(root) -> list[str]:
    return [str(i) for i in check_consistency(load_knowledge(root, today=TODAY))]


def line_of(root, relative: str, text: str) -> int:
    lines = (root / relative).read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


EXEMPTION = "jp.low_value_import_exemption"


def two_entries(tariffs_value: str, customs_value: str) -> dict[str, str]:
    return {
        "markets/jp/tariffs.yml": entries_file(entry_yaml(
            "jp-tariffs-low-value", "tariffs", zh="1萬日圓以下的貨物免關稅。",
            facts=[{"name": EXEMPTION, "value": tariffs_value}])),
        "markets/jp/customs.yml": entries_file(entry_yaml(
            "jp-customs-small-parcels", "customs", zh="日本小額包裹：1萬日圓以下免稅，2萬日圓以下簡易稅率。",
            facts=[{"name": "jp.simplified_rate_threshold", "value": "20,000 yen"},
                   {"name": EXEMPTION, "value": customs_value}])),
    }


def test_a_correct_pack_passes(tmp_path, capsys):
    root = knowledge_folder(tmp_path, two_entries("10,000 yen or less", "10,000 yen or less"))
    assert issues(root) == []
    assert main(["--root", str(root), "--today", "2026-11-27", "validate"]) == 0
    assert capsys.readouterr().out.startswith("OK: 3 markets")


def test_a_planted_contradiction_is_reported_at_each_entry(tmp_path, capsys):
    root = knowledge_folder(tmp_path, two_entries("10,000 yen or less", "1萬日圓以下"))
    tariffs, customs = "knowledge/markets/jp/tariffs.yml", "knowledge/markets/jp/customs.yml"
    t_line = line_of(root, "markets/jp/tariffs.yml", f"- name: {EXEMPTION}")
    c_line = line_of(root, "markets/jp/customs.yml", f"- name: {EXEMPTION}")
    assert (t_line, c_line) == (17, 20)
    assert issues(root) == [
        f"{customs}:{c_line}: facts.value: {EXEMPTION} = '1萬日圓以下' in jp-customs-small-parcels, "
        f"but jp-tariffs-low-value says '10,000 yen or less' ({tariffs}:{t_line})",
        f"{tariffs}:{t_line}: facts.value: {EXEMPTION} = '10,000 yen or less' in "
        f"jp-tariffs-low-value, but jp-customs-small-parcels says '1萬日圓以下' ({customs}:{c_line})",
    ]
    assert main(["--root", str(root), "--today", "2026-11-27", "validate"]) == 1
    err = capsys.readouterr().err
    assert f"{customs}:{c_line}: facts.value: " in err and f"{tariffs}:{t_line}: facts.value: " in err
    assert "2 consistency problem(s) found." in err


@pytest.mark.parametrize("written", [
    "2026-01-01", "2026/1/1", "2026年1月1日", "115年1月1日", "民國115年1月1日", "1 January 2026",
    "January 1, 2026", "Jan. 1 2026",
])
def test_date_formats(written):
    assert (2026, 1, 1) in dates_in(f"自{written}起")


@pytest.mark.parametrize("written", ["January 2026", "2026年1月", "115年1月", "2026-01"])
def test_month_precision(written):
    assert dates_in(written) == {(2026, 1, None)}


@pytest.mark.parametrize(("written", "value"), [
    ("1,500", 1500), ("12萬", 120_000), ("新臺幣12萬元", 120_000), ("2 million", 2_000_000),
    ("15%", 15), ("低於750瓦", 750), ("RM500", 500), ("1.5億", 150_000_000),
])
def test_numbers(written, value):
    assert value in numbers_in(written)


def test_numbers_in_dates_are_not_numbers():
    assert numbers_in("2026年2月24日起加徵10%") == {10}


@pytest.mark.parametrize(("written", "unit", "value"), [
    ("15%", "%", 15), ("16 percent", "%", 16), ("NT$120,000", "TWD", 120_000),
    ("新臺幣12萬元", "TWD", 120_000), ("RM 500,000", "MYR", 500_000), ("50萬令吉", "MYR", 500_000),
    ("US$800", "USD", 800), ("800美元", "USD", 800), ("10,000 yen", "JPY", 10_000),
    ("€1.5 billion", "EUR", 1_500_000_000), ("AED 375,000", "AED", 375_000),
])
def test_quantities(written, unit, value):
    assert [(u, v) for _, _, u, v in quantities_in(written)] == [(unit, value)]


@pytest.mark.parametrize(("value", "zh", "missing"), [
    ("ended 2026-01-01", "免稅措施已於115年1月1日取消。", None),
    ("ended 2026-01-01", "免稅措施已於2026年1月取消。", "2026-01-01"),
    ("from January 2026", "自2026年1月5日起。", None),
    ("NT$120,000 per booth", "每個攤位補助新臺幣12萬元。", None),
    ("2 million units", "約200萬件。", None),
    ("up to 1,500 baht", "1,000泰銖以下。", "1500"),
    ("up to 1,500 baht", "1500泰銖以下。", None),
    ("motor under 750 watts", "電動機功率低於750瓦。", None),
])
def test_a_facts_numbers_and_dates_must_be_in_the_answer(tmp_path, value, zh, missing):
    root = knowledge_folder(tmp_path, {"markets/jp/tariffs.yml": entries_file(entry_yaml(
        "jp-tariffs-x", "tariffs", zh=zh, facts=[{"name": "jp.x", "value": value}]))})
    found = issues(root)
    if missing is None:
        assert found == []
    else:
        assert len(found) == 1 and f"the zh-TW answer of jp-tariffs-x does not state {missing}" in found[0]


def vat_pack(tmp_path, fact: str, en: str, name: str = "th.vat_rate"):
    return knowledge_folder(tmp_path, {"markets/jp/tariffs.yml": entries_file(entry_yaml(
        "jp-tariffs-x", "tariffs", zh=f"稅率為{fact}。", en=en,
        facts=[{"name": name, "value": fact}]))})


def test_an_answer_stating_another_rate_next_to_the_key_word_disagrees(tmp_path):
    root = vat_pack(tmp_path, "7%", "The 7% rate applies to imports; VAT is 10% on services.")
    line = line_of(root, "markets/jp/tariffs.yml", "- name: th.vat_rate")
    assert issues(root) == [
        f"knowledge/markets/jp/tariffs.yml:{line}: facts.value: th.vat_rate = '7%', but the en "
        "answer of jp-tariffs-x says 'VAT is 10% on services'"]


def test_an_amount_next_to_the_facts_own_words_disagrees(tmp_path):
    root = vat_pack(tmp_path, "NT$120,000 per booth",
                    "The booth subsidy pays NT$120,000 per booth; a second booth subsidy is "
                    "NT$100,000 per booth.", name="tw.booth_subsidy")
    found = issues(root)
    assert len(found) == 1 and "says 'a second booth subsidy is NT$100,000 per booth'" in found[0]


@pytest.mark.parametrize(("fact", "en"), [
    ("7%", "VAT is 7% (the standard rate of 10% is suspended)."),       # another clause
    ("7%", "Thailand charges 7% VAT and 10% corporate surcharge."),     # another item
    ("7%", "VAT is 7%; the corporate income tax rate is 20%."),         # another tax
    ("7%", "The 7% VAT applies from 2024-07-05 to goods valued from 1 baht."),  # another unit
    ("0%, 5% or 10%", "VAT is 0%, 5% or 10%; machinery VAT is 5%."),    # several rates declared
    ("7%", "Imports with VAT at 7% are cleared; the surcharge at 15% was proposed."),
])
def test_no_disagreement_without_a_different_value_about_the_fact(tmp_path, fact, en):
    assert issues(vat_pack(tmp_path, fact, en)) == []


def test_volatile_entries_must_declare_facts_and_names_are_unique(tmp_path):
    root = knowledge_folder(tmp_path, {"markets/jp/tariffs.yml": entries_file(
        entry_yaml("jp-tariffs-a", "tariffs", zh="關稅會變。", volatile=True, review_by="2027-01-15"),
        entry_yaml("jp-tariffs-b", "tariffs", zh="稅率10%。",
                   facts=[{"name": "jp.rate", "value": "10%"}, {"name": "jp.rate", "value": "10%"}]),
    )})
    found = issues(root)
    assert "knowledge/markets/jp/tariffs.yml:3: facts: jp-tariffs-a is volatile: declare its key " \
           "facts (name, value, as_of)" in found
    assert any("facts.name: jp.rate is declared twice in jp-tariffs-b" in i for i in found)


def test_facts_due_after_their_change_date(tmp_path):
    root = knowledge_folder(tmp_path, {"markets/jp/tariffs.yml": entries_file(entry_yaml(
        "jp-tariffs-x", "tariffs", zh="到2026年11月20日為止10%。",
        facts=[{"name": "jp.x", "value": "10% until 2026-11-20", "changes_on": "2026-11-20"}]))})
    kb = load_knowledge(root, today=TODAY)
    assert [f.name for _, f in facts_due(kb, TODAY)] == ["jp.x"]
    assert facts_due(kb, date(2026, 11, 19)) == []


def test_real_packs_load_and_are_checked():
    """Smoke test on the real folder (others edit it: only that it loads and the check runs)."""
    kb = load_knowledge(REAL_KNOWLEDGE)
    assert kb.entries and isinstance(check_consistency(kb), list)
