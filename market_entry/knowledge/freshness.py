"""The freshness report: what knowledge staff should review next.

Lists entries past or near their review date, volatile entries checked too long ago, entries with
no official source, and market × topic cells with no entry. Pure functions over a KnowledgeBase
so the report is the same in the CLI, in tests and in any later console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlparse

from market_entry.knowledge.model import Entry, KnowledgeBase

VOLATILE_MAX_AGE_DAYS = 90

OVERDUE, DUE_SOON, VOLATILE_OLD, NO_OFFICIAL_SOURCE, MISSING_TOPIC = (
    "overdue", "due_soon", "volatile_old", "no_official_source", "missing_topic",
)
KIND_LABELS = {
    OVERDUE: "review date passed",
    DUE_SOON: "review due soon",
    VOLATILE_OLD: f"volatile, checked more than {VOLATILE_MAX_AGE_DAYS} days ago",
    NO_OFFICIAL_SOURCE: "no official source",
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


def is_official(url: str, domains: list[str]) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


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
    findings.extend(missing_topics(kb))
    order = [OVERDUE, VOLATILE_OLD, DUE_SOON, NO_OFFICIAL_SOURCE, MISSING_TOPIC]
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
