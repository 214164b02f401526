"""The hand-off files validate, and mistakes are reported as file:line: field: message."""

import shutil

import pytest

from market_entry.leads.config import (
    NOTICE_SECTIONS,
    HandoffConfigError,
    load_consent_notice,
    load_scoring,
)
from tests.conftest import REAL_KNOWLEDGE

DESKS = {"us", "jp", "eu", "emerging"}


def copy_handoff(tmp_path):
    root = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE / "handoff", root / "handoff")
    shutil.copy(REAL_KNOWLEDGE / "desks.yml", root / "desks.yml")
    return root


def edit(root, name, old, new):
    path = root / "handoff" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1   # the line of the edit


def scoring_issues(root):
    with pytest.raises(HandoffConfigError) as caught:
        load_scoring(root)
    return [str(i) for i in caught.value.issues]


def test_real_files_load():
    config = load_scoring(REAL_KNOWLEDGE)
    assert config.default_desk == "emerging"
    assert set(config.service_days) == DESKS
    assert config.working_days("jp") == 2
    notice = load_consent_notice(REAL_KNOWLEDGE)
    assert notice.version and notice.retention_days > 0
    zh, en = notice.text("zh-TW"), notice.text("en")
    assert "本計畫雙邊平台窗口" in zh and "{retention_days}" not in zh
    assert str(notice.retention_days) in zh and str(notice.retention_days) in en
    for right in ("查詢", "複製本", "更正", "停止", "刪除"):
        assert right in zh
    assert "nothing personal is stored" in en


def test_points_must_be_whole_numbers(tmp_path):
    root = copy_handoff(tmp_path)
    line = edit(root, "scoring.yml", "within_3_months: 25", "within_3_months: lots")
    issues = scoring_issues(root)
    assert issues == [
        f"knowledge/handoff/scoring.yml:{line}: factors.timeline.points.within_3_months: "
        "expected a whole number from -100 to 100, got 'lots'"
    ]


def test_yes_no_keys_and_missing_values_are_explained(tmp_path):
    root = copy_handoff(tmp_path)
    line = edit(root, "scoring.yml", "{asked: 30, not_asked: 0}", "{yes: 30, no: 0}")
    issues = scoring_issues(root)
    assert any(i.startswith(f"knowledge/handoff/scoring.yml:{line}:") and "not yes/no" in i
               for i in issues)
    assert any("points for 'asked' are missing" in i for i in issues)


def test_unknown_desks_and_missing_service_time(tmp_path):
    root = copy_handoff(tmp_path)
    line = edit(root, "scoring.yml", "default_desk: emerging", "default_desk: mars")
    line2 = edit(root, "scoring.yml", "  eu: {working_days: 2}\n", "")
    issues = scoring_issues(root)
    assert f"knowledge/handoff/scoring.yml:{line}: default_desk: unknown desk 'mars' " \
           "(see knowledge/desks.yml)" in issues
    assert any("desk 'eu' has no service time" in i for i in issues)
    assert line2 > line


def test_unknown_factor_and_threshold_type(tmp_path):
    root = copy_handoff(tmp_path)
    line = edit(root, "scoring.yml", "  asked_for_person:", "  asked_for_persn:")
    threshold_line = edit(root, "scoring.yml", "threshold: 50", "threshold: high")
    issues = scoring_issues(root)
    assert any(i.startswith(f"knowledge/handoff/scoring.yml:{line}: factors.asked_for_persn:")
               for i in issues)
    assert any("factor 'asked_for_person' is missing" in i for i in issues)
    assert any(f":{threshold_line}: threshold: expected a whole number" in i for i in issues)


def test_yaml_syntax_error_has_a_line(tmp_path):
    root = copy_handoff(tmp_path)
    line = edit(root, "scoring.yml", "threshold: 50", "threshold: [50")
    issues = scoring_issues(root)
    assert len(issues) == 1 and issues[0].startswith("knowledge/handoff/scoring.yml:")
    assert int(issues[0].split(":")[1]) >= line


def test_consent_notice_needs_every_article_8_item(tmp_path):
    root = copy_handoff(tmp_path)
    text = (root / "handoff" / "consent_notice.yml").read_text(encoding="utf-8")
    start = text.index("  rights:")
    end = text.index("  declining:")
    (root / "handoff" / "consent_notice.yml").write_text(text[:start] + text[end:],
                                                         encoding="utf-8")
    with pytest.raises(HandoffConfigError) as caught:
        load_consent_notice(root)
    assert any("section 'rights' is missing (PDPA Art. 8)" in str(i) for i in caught.value.issues)
    assert "rights" in NOTICE_SECTIONS


def test_consent_notice_english_and_period_required(tmp_path):
    root = copy_handoff(tmp_path)
    line = edit(root, "consent_notice.yml", '    en: "If you decline:', '    fr: "If you decline:')
    edit(root, "consent_notice.yml", "保存 {retention_days} 日後刪除", "保存一年後刪除")
    with pytest.raises(HandoffConfigError) as caught:
        load_consent_notice(root)
    issues = [str(i) for i in caught.value.issues]
    assert f"knowledge/handoff/consent_notice.yml:{line}: sections.declining.fr: unknown " \
           "language 'fr' (use zh-TW or en)" in issues
    assert any("sections.use.zh-TW: must state the period" in i for i in issues)
