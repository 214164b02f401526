"""The freshness report: what knowledge staff should review next.

Lists entries past or near their review date, volatile entries checked too long ago, entries with
no official source or only homepages, entries marked for review, and market × topic cells with no
entry. Pure functions over a KnowledgeBase so the report is the same in the CLI, in tests and in
any later console.

`stale --strict` (CI) fails only on findings that need action now (`ACTION_NOW`): a review date
that has passed, a volatile entry checked more than 90 days ago, and an entry whose sources are
not an official page that states the rule (no official domain, or only homepages) and that has no
`review_note` saying why. Due soon, marked for review and missing topics are listed for planning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlparse

from market_entry.knowledge.model import Entry, KnowledgeBase

VOLATILE_MAX_AGE_DAYS = 90

OVERDUE, DUE_SOON, VOLATILE_OLD, NO_OFFICIAL_SOURCE, MISSING_TOPIC = (
    "overdue", "due_soon", "volatile_old", "no_official_source", "missing_topic",
)
NOT_SPECIFIC, MARKED_FOR_REVIEW = "source_not_specific", "marked_for_review"
# Paths that are a site's front page rather than the page stating a rule.
_HOME_PATHS = re.compile(r"^/?((en|eng|english|zh|zh-tw|zh_tw|tw|ja|jp|vi|th|id|ms|es|ar|"
                         r"index|home|portal|default|main)(\.(html?|aspx?|php|jsp))?/?)?$",
                         re.IGNORECASE)
# What `stale --strict` fails on; everything else is listed for planning, not a failure.
ACTION_NOW = frozenset({OVERDUE, VOLATILE_OLD, NO_OFFICIAL_SOURCE, NOT_SPECIFIC})
KIND_LABELS = {
    OVERDUE: "review date passed",
    DUE_SOON: "review due soon",
    VOLATILE_OLD: f"volatile, checked more than {VOLATILE_MAX_AGE_DAYS} days ago",
    NO_OFFICIAL_SOURCE: "no official source",
    NOT_SPECIFIC: "no official page that states the rule (only homepages or secondary sites)",
    MARKED_FOR_REVIEW: "marked for human review",
    MISSING_TOPIC: "no entry for this topic",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str        # file:line of the entry, or the market pack folder
    subject: str      # entry id, or market/topic
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.subject}: {KIND_LABELS[self.kind]} ({self.detail})"

    @property
    def needs_action(self) -> bool:
        return self.kind in ACTION_NOW


def is_official(url: str, domains: list[str]) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def is_homepage(url: str) -> bool:
    """A site's front page (https://www.rd.go.th/, https://www.moea.gov.tw/en/) does not itself
    state a rule; an owner or reviewer needs the page that does."""
    parsed = urlparse(url)
    return not parsed.query and bool(_HOME_PATHS.match(parsed.path or "/"))


def freshness_report(
    kb: KnowledgeBase, today: date, within_days: int, official_domains: list[str]
) -> list[Finding]:
    findings: list[Finding] = []
    soon = today + timedelta(days=within_days)
    for entry in kb.entries:
        if not entry.published:
            continue
        where = f"{entry.file}:{entry.line}"
        if entry.review_by < today:
            findings.append(Finding(OVERDUE, where, entry.id,
                                    f"review by {entry.review_by}, {(today - entry.review_by).days} days ago"))
        elif entry.review_by <= soon:
            findings.append(Finding(DUE_SOON, where, entry.id,
                                    f"review by {entry.review_by}, in {(entry.review_by - today).days} days"))
        if entry.volatile and (today - entry.checked).days > VOLATILE_MAX_AGE_DAYS:
            findings.append(Finding(VOLATILE_OLD, where, entry.id,
                                    f"checked {entry.checked}, {(today - entry.checked).days} days ago"))
        if not any(is_official(s.url, official_domains) for s in entry.sources):
            hosts = ", ".join(sorted({urlparse(s.url).hostname or s.url for s in entry.sources}))
            findings.append(Finding(NO_OFFICIAL_SOURCE, where, entry.id, f"cites {hosts}"))
        elif not any(is_official(s.url, official_domains) and not is_homepage(s.url)
                     for s in entry.sources):
            findings.append(Finding(NOT_SPECIFIC, where, entry.id, ", ".join(
                s.url for s in entry.sources)))
        if entry.review_note:
            findings.append(Finding(MARKED_FOR_REVIEW, where, entry.id, entry.review_note))
    findings.extend(missing_topics(kb))
    # An entry marked for review has a person looking at its sources: report the mark, not the
    # source findings it explains.
    marked = {f.subject for f in findings if f.kind == MARKED_FOR_REVIEW}
    findings = [f for f in findings
                if not (f.subject in marked and f.kind in (NO_OFFICIAL_SOURCE, NOT_SPECIFIC))]
    order = [OVERDUE, VOLATILE_OLD, DUE_SOON, NO_OFFICIAL_SOURCE, NOT_SPECIFIC, MARKED_FOR_REVIEW,
             MISSING_TOPIC]
    return sorted(findings, key=lambda f: (order.index(f.kind), f.where))


def missing_topics(kb: KnowledgeBase) -> list[Finding]:
    found = []
    for code in kb.destinations():
        present = set(kb.topics_with_entries(code))
        for topic in kb.topics:
            if topic not in present:
                found.append(Finding(MISSING_TOPIC, f"knowledge/markets/{code}", f"{code}/{topic}",
                                     kb.topics[topic].name("zh-TW")))
    return found


def entries_by_market(kb: KnowledgeBase) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {code: [] for code in kb.markets}
    for entry in kb.entries:
        if entry.published:
            out.setdefault(entry.market, []).append(entry)
    return out
