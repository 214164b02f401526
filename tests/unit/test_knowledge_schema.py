"""Staff get file:line:field messages for every mistake, and nothing invalid is served."""

from datetime import date

import pytest

from market_entry.knowledge import KnowledgeError, load_knowledge
from tests.conftest import write_knowledge


def issues_for(tmp_path, relative: str, text: str) -> list[str]:
    root = write_knowledge(tmp_path / "k", {relative: text})
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root, today=date(2026, 11, 27))
    return [str(i) for i in caught.value.issues]


def test_small_knowledge_loads(small_knowledge):
    kb = load_knowledge(small_knowledge, today=date(2026, 11, 27))
    assert set(kb.markets) == {"jp", "us", "vn"}
    assert kb.entry("jp-certification-pse").sources[0].url.startswith("https://")
    assert kb.entry("us-tariffs-overview").volatile


ENTRY = """\
entries:
  - id: jp-ip-trademark
    topic: ip
    title: {zh-TW: 商標註冊}
    questions: {zh-TW: [日本商標怎麼註冊？]}
    answer: {zh-TW: 向日本特許廳申請。}
    sources: [{title: JPO, url: "https://www.jpo.go.jp/"}]
    checked: 2026-11-01
    review_by: 2027-05-01
"""


def test_valid_entry_passes(tmp_path):
    root = write_knowledge(tmp_path / "k", {"markets/jp/ip.yml": ENTRY})
    assert load_knowledge(root, today=date(2026, 11, 27)).entry("jp-ip-trademark")


def test_missing_field_is_reported_with_file_line_and_field(tmp_path):
    text = ENTRY.replace("    checked: 2026-11-01\n", "")
    assert issues_for(tmp_path, "markets/jp/ip.yml", text) == [
        "k/markets/jp/ip.yml:2: entries[0].checked: missing (a date, YYYY-MM-DD)"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("topic: ip", "topic: ipr"), "ip.yml:3: entries[0].topic: unknown topic 'ipr'"),
        (("2027-05-01", "2026-10-01"), "ip.yml:9: entries[0].review_by: must be after `checked`"),
        (("2026-11-01", "2026-13-01"), "ip.yml:8: entries[0].checked: expected a date"),
        (("https://www.jpo.go.jp/", "www.jpo.go.jp"), "not an absolute http(s) URL"),
        (("id: jp-ip-trademark", "id: us-ip-trademark"), "must start with the market code 'jp-'"),
        (("review_by: 2027-05-01", "review_by: 2027-05-01\n    products: [rockets]"),
         "ip.yml:10: entries[0].products[0]: unknown product 'rockets'"),
        (("review_by: 2027-05-01", "review_by: 2027-05-01\n    colour: red"), "unknown field 'colour'"),
        (("2026-11-01", "2027-11-01"), "is in the future"),
        (("review_by: 2027-05-01", "review_by: 2027-05-01\n    places: [東京, 3]"),
         "ip.yml:10: entries[0].places[1]: expected a place name"),
        (("review_by: 2027-05-01", "review_by: 2027-05-01\n    also_for: [jp]"),
         "ip.yml:10: entries[0].also_for[0]: expected another market's code"),
        (("review_by: 2027-05-01", "review_by: 2027-05-01\n    also_for: [atlantis]"),
         "also_for: unknown market 'atlantis'"),
    ],
)
def test_each_mistake_is_named(tmp_path, change, expected):
    found = issues_for(tmp_path, "markets/jp/ip.yml", ENTRY.replace(*change))
    assert any(expected in issue for issue in found), found


def test_volatile_entries_need_a_short_review_cycle(tmp_path):
    text = ENTRY.replace("review_by: 2027-05-01", "review_by: 2027-05-01\n    volatile: true")
    found = issues_for(tmp_path, "markets/jp/ip.yml", text)
    assert any("volatile entries must be reviewed within 92 days" in i for i in found)


def test_yaml_syntax_error_names_the_line(tmp_path):
    found = issues_for(tmp_path, "markets/jp/ip.yml", ENTRY.replace("title: {zh-TW: 商標註冊}", "title: {zh-TW: 商標"))
    assert len(found) == 1 and found[0].startswith("k/markets/jp/ip.yml:") and "YAML syntax" in found[0]


def test_duplicate_ids_across_files_are_refused(tmp_path):
    text = ENTRY.replace("jp-ip-trademark", "jp-certification-pse")
    found = issues_for(tmp_path, "markets/jp/ip.yml", text)
    assert any("duplicate id 'jp-certification-pse'" in i for i in found)


def test_all_problems_are_listed_at_once(tmp_path):
    text = ENTRY.replace("topic: ip", "topic: nope").replace("2027-05-01", "soon")
    assert len(issues_for(tmp_path, "markets/jp/ip.yml", text)) == 2


def test_market_folder_and_code_must_agree(tmp_path):
    found = issues_for(tmp_path, "markets/kr/market.yml",
                       "code: jp\nnames: {zh-TW: 韓國, en: Korea}\ndesk: emerging\naliases: {}\n")
    assert any("must match its folder name 'kr'" in i for i in found)


def test_drafts_load_but_are_not_published(tmp_path):
    root = write_knowledge(tmp_path / "k", {"markets/jp/ip.yml": ENTRY + "    status: draft\n"})
    kb = load_knowledge(root, today=date(2026, 11, 27))
    assert kb.entry("jp-ip-trademark") and not kb.entry("jp-ip-trademark").published
    assert all(e.id != "jp-ip-trademark" for e in kb.published_entries("jp"))


def test_a_product_outranking_an_unknown_product_is_named(tmp_path):
    """Staff who mistype the product a kind of product outranks get its line, not a silent no-op."""
    from tests.conftest import REAL_KNOWLEDGE
    text = (REAL_KNOWLEDGE / "vocabulary.yml").read_text("utf-8")
    text = text.replace("outranks: [food]", "outranks: [fod]")
    root = write_knowledge(tmp_path / "k")
    (root / "vocabulary.yml").write_text(text, "utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root, today=date(2026, 11, 27))
    found = [str(i) for i in caught.value.issues]
    assert any("vocabulary.yml:" in i and "outranks[0]: unknown product 'fod'" in i for i in found), found
