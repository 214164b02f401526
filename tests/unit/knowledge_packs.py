"""Small temporary knowledge folders for the knowledge-staff tool's tests (consistency, stale,
review, record, gaps): entries written block style, as staff write them, so line numbers and
in-place edits are tested on realistic files. Never the real packs, which others are editing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import write_knowledge

OFFICIAL = "domains: [go.jp, gov, gov.vn]\n"


def entry_yaml(entry_id: str, topic: str, *, zh: str, en: str | None = None,
               checked: str = "2026-11-01", review_by: str = "2027-05-01",
               volatile: bool = False, facts: list[dict] | None = None,
               sources: tuple[tuple[str, str], ...] = (
                   ("METI – PSE", "https://www.meti.go.jp/policy/consumer_safety/pse.html"),),
               review_note: str | None = None, checked_by: str | None = None) -> str:
    """One entry as staff write it (block style, a comment on `checked`)."""
    lines = [
        f"  - id: {entry_id}",
        f"    topic: {topic}",
        f"    title: {{zh-TW: {entry_id} 標題, en: {entry_id} title}}",
        "    questions:",
        f"      zh-TW: [{entry_id} 怎麼辦？]",
        "    answer:",
        "      zh-TW: |",
        f"        {zh}",
    ]
    if en:
        lines += ["      en: |", f"        {en}"]
    lines.append("    sources:")
    for title, url in sources:
        lines += [f"      - title: {title}", f"        url: {url}"]
    lines.append(f"    checked: {checked}   # confirmed against the sources")
    if checked_by:
        lines.append(f"    checked_by: {checked_by}")
    lines.append(f"    review_by: {review_by}")
    if volatile:
        lines.append("    volatile: true")
    if review_note:
        lines.append(f"    review_note: {json.dumps(review_note, ensure_ascii=False)}")
    if facts:
        lines.append("    facts:")
        for fact in facts:
            lines.append(f"      - name: {fact['name']}")
            lines.append(f"        value: {json.dumps(fact['value'], ensure_ascii=False)}")
            lines.append(f"        as_of: {fact.get('as_of', checked)}")
            if fact.get("changes_on"):
                lines.append(f"        changes_on: {fact['changes_on']}")
    return "\n".join(lines) + "\n"


def entries_file(*entries: str) -> str:
    return "# Test pack\nentries:\n" + "".join(entries)


US_TARIFFS = entries_file(entry_yaml(
    "us-tariffs-overview", "tariffs", volatile=True, review_by="2027-01-15",
    zh="美國自2026年2月24日起加徵10%臨時附加稅，到2026年7月24日為止。",
    en="From 24 February 2026 a temporary 10% surcharge applied, until 24 July 2026.",
    sources=(("USITC HTS", "https://hts.usitc.gov/current"),),
    facts=[{"name": "us.section_122_surcharge", "value": "10% from 2026-02-24 to 2026-07-24"}],
))

JP_CERTIFICATION = entries_file(entry_yaml(
    "jp-certification-pse", "certification",
    zh="日本的電氣用品安全法要求電氣用品標示 PSE 標章。",
    en="Japan's Electrical Appliance and Material Safety Act requires the PSE mark.",
))


def knowledge_folder(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """A folder that validates and has nothing to act on (as of 2026-11-27) unless `files`
    adds it: the shared files of the real packs, jp/us/vn, specific official sources."""
    base = {
        "markets/jp/certification.yml": JP_CERTIFICATION,
        "markets/jp/labelling.yml": "entries: []\n",
        "markets/us/tariffs.yml": US_TARIFFS,
        "official_sources.yml": OFFICIAL,
    }
    base.update(files or {})
    return write_knowledge(tmp_path / "knowledge", base)
