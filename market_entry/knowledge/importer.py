"""Drafts a knowledge entry from an official web page.

Staff give a URL; the importer fetches the page politely and safely, extracts its title, headings,
main text and published/updated date, and writes a **draft** entry (status: draft, never shown to
owners) for a person to edit, verify and publish. Safety: only http(s); the host must resolve to
public addresses only (no loopback, private, link-local or reserved ranges), checked again on
every redirect; connect/read timeouts; a size limit; robots.txt respected; an honest User-Agent.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlparse
from urllib.robotparser import RobotFileParser

import requests
from bs4 import BeautifulSoup

USER_AGENT = (
    "OverseasExpansionAssistant-KnowledgeImporter/0.1 "
    "(drafts knowledge entries for Taiwan SME export support; run by knowledge staff)"
)
TIMEOUT = (5, 20)            # connect, read (seconds)
MAX_BYTES = 3 * 1024 * 1024  # pages larger than this are refused
MAX_REDIRECTS = 5
MAX_TEXT_CHARS = 4000


class ImportRefused(Exception):
    """The URL or page cannot be imported; the message says why, for the staff member."""


Resolver = Callable[[str], list[str]]


def resolve_host(host: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except socket.gaierror as error:
        raise ImportRefused(f"cannot resolve {host}: {error}") from error


def check_url(url: str, resolver: Resolver = resolve_host) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise ImportRefused(f"only http and https pages can be imported, not {parsed.scheme or 'this'!r}")
    if not parsed.hostname:
        raise ImportRefused("the URL has no host name")
    for address in resolver(parsed.hostname):
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise ImportRefused(f"{parsed.hostname} resolves to a non-public address ({ip}); refused")


@dataclass
class Page:
    url: str
    title: str
    headings: list[str]
    text: str
    published: date | None
    updated: date | None
    language: str | None = None
    notes: list[str] = field(default_factory=list)


class PageFetcher:
    def __init__(self, session: requests.Session | None = None,
                 resolver: Resolver = resolve_host) -> None:
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.resolver = resolver

    def fetch(self, url: str) -> tuple[str, str]:
        """(final URL, HTML) after safety checks, robots.txt and manual redirects."""
        self._check_robots(url)
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url, self.resolver)
            response = self._get(url)
            if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                response.close()
                if not location:
                    raise ImportRefused(f"redirect without a Location from {url}")
                url = urljoin(url, location)
                continue
            if response.status_code != 200:
                raise ImportRefused(f"the page answered HTTP {response.status_code}")
            content_type = response.headers.get("Content-Type", "")
            if "html" not in content_type.lower():
                raise ImportRefused(f"not an HTML page ({content_type or 'no content type'})")
            return url, self._read_limited(response)
        raise ImportRefused(f"more than {MAX_REDIRECTS} redirects")

    def _get(self, url: str) -> requests.Response:
        try:
            return self.session.get(url, timeout=TIMEOUT, stream=True, allow_redirects=False)
        except requests.Timeout as error:
            raise ImportRefused(f"the site did not answer in time ({url})") from error
        except requests.RequestException as error:
            raise ImportRefused(f"cannot fetch {url}: {type(error).__name__}") from error

    def _read_limited(self, response: requests.Response) -> str:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > MAX_BYTES:
            raise ImportRefused(f"the page is larger than {MAX_BYTES // 1024 // 1024} MB")
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_BYTES:
                response.close()
                raise ImportRefused(f"the page is larger than {MAX_BYTES // 1024 // 1024} MB")
            chunks.append(chunk)
        raw = b"".join(chunks)
        encoding = response.encoding if "charset" in response.headers.get("Content-Type", "") else None
        return raw.decode(encoding or _sniff_encoding(raw), errors="replace")

    def _check_robots(self, url: str) -> None:
        parsed = urlparse(url)
        robots_url = f"{parsed.scheme}://{parsed.netloc}/robots.txt"
        check_url(robots_url, self.resolver)
        try:
            response = self.session.get(robots_url, timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException:
            return  # no robots.txt reachable: allowed, as crawlers treat it
        if response.status_code >= 400 or not response.text:
            return
        parser = RobotFileParser()
        parser.parse(response.text[:200_000].splitlines())
        if not parser.can_fetch(USER_AGENT, url):
            raise ImportRefused(f"robots.txt of {parsed.netloc} does not allow fetching this page")


def _sniff_encoding(raw: bytes) -> str:
    head = raw[:4096].decode("ascii", errors="ignore")
    match = re.search(r"charset=[\"']?([\w-]+)", head, re.IGNORECASE)
    return match.group(1) if match else "utf-8"


# -- extraction ---------------------------------------------------------------------------------

_DATE_META = {
    "published": ("article:published_time", "dc.date", "dc.date.issued", "dcterms.issued",
                  "date", "pubdate", "publish-date", "citation_publication_date"),
    "updated": ("article:modified_time", "og:updated_time", "dcterms.modified", "dc.date.modified",
                "last-modified", "lastmod"),
}
_UPDATED_WORDS = r"(?:更新日期|最後更新|最終更新日|更新日|Last updated|Last update|Updated|Page last updated|Last modified|Date of last update)"
_PUBLISHED_WORDS = r"(?:發布日期|發佈日期|公告日期|發文日期|掲載日|公表日|Published|Date of document|Publication date|Release date)"
_ISO = r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})(?!\d)"
_ROC = r"(?<!\d)(\d{2,3})[-/.年](\d{1,2})[-/.月](\d{1,2})(?!\d)"   # 民國 115-03-02
_DMY = r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)"
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_TEXTUAL = r"(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})|(" + "|".join(_MONTHS) + r") (\d{1,2}), (\d{4})"


def parse_date(text: str) -> date | None:
    """A date in the formats official sites use: ISO, 2026年3月2日, ROC 115-03-02, 12/06/2024
    (day first, as eur-lex), 2 March 2026, March 2, 2026."""
    text = text.strip()
    for pattern, kind in ((_ISO, "iso"), (_ROC, "roc"), (_DMY, "dmy"), (_TEXTUAL, "textual")):
        match = re.search(pattern, text, re.IGNORECASE)
        if not match:
            continue
        try:
            if kind == "iso":
                y, m, d = (int(g) for g in match.groups())
                if y < 1900:
                    continue
            elif kind == "roc":
                y, m, d = (int(g) for g in match.groups())
                if y > 200:
                    continue
                y += 1911
            elif kind == "dmy":
                d, m, y = (int(g) for g in match.groups())
            else:
                g = match.groups()
                if g[0]:
                    d, m, y = int(g[0]), _MONTHS[g[1].lower()], int(g[2])
                else:
                    m, d, y = _MONTHS[g[3].lower()], int(g[4]), int(g[5])
            return date(y, m, d)
        except ValueError:
            continue
    return None


def extract(url: str, html: str) -> Page:
    soup = BeautifulSoup(html, "html.parser")
    meta = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key and tag.get("content"):
            meta.setdefault(key, tag["content"])
    title = (meta.get("og:title") or (soup.title.string if soup.title and soup.title.string else "")
             or (soup.h1.get_text(" ", strip=True) if soup.h1 else "")).strip()
    dates = {kind: next((parse_date(meta[k]) for k in keys if k in meta and parse_date(meta[k])), None)
             for kind, keys in _DATE_META.items()}
    for time_tag in soup.find_all("time"):
        found = parse_date(time_tag.get("datetime") or time_tag.get_text(" ", strip=True))
        if found and not dates["published"]:
            dates["published"] = found
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    main = (soup.find("main") or soup.find("article") or soup.find(attrs={"role": "main"})
            or soup.find(id=re.compile(r"^(content|main|maincontent|main-content)$", re.I))
            or soup.body or soup)
    text_all = soup.get_text(" ", strip=True)
    for kind, words in (("updated", _UPDATED_WORDS), ("published", _PUBLISHED_WORDS)):
        if dates[kind] is None:
            match = re.search(words + r"\s*[:：]?\s*(.{6,30})", text_all, re.IGNORECASE)
            if match:
                dates[kind] = parse_date(match.group(1))
    headings = [h.get_text(" ", strip=True) for h in main.find_all(["h1", "h2", "h3"])]
    paragraphs = [p.get_text(" ", strip=True) for p in main.find_all(["p", "li", "td"])]
    text = "\n".join(p for p in paragraphs if len(p) > 1) or main.get_text("\n", strip=True)
    language = (soup.html.get("lang") if soup.html else None) or meta.get("language")
    return Page(url, title or url, [h for h in headings if h], text[:MAX_TEXT_CHARS],
                dates["published"], dates["updated"], language)


# -- the draft entry ----------------------------------------------------------------------------

def slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:40].strip("-") or "page"


def draft_entry(page: Page, market: str, topic: str, today: date, entry_slug: str | None = None) -> dict:
    """A schema-valid entry marked draft; the answer holds extracted text for staff to rewrite."""
    excerpt = page.text[:1200].strip()
    stamp = page.updated or page.published
    note = f"（頁面日期：{stamp.isoformat()}）" if stamp else "（頁面未標示日期，請自行確認）"
    return {
        "id": f"{market}-{topic.replace('_', '-')}-{entry_slug or slug(page.title) or 'draft'}",
        "topic": topic,
        "title": {"zh-TW": f"草稿：{page.title}", "en": f"Draft: {page.title}"},
        "questions": {"zh-TW": [f"（請填入業者會怎麼問）{page.title}"]},
        "answer": {"zh-TW": f"【草稿，請改寫後再發布】{note}\n" + (excerpt or "（未擷取到內文）")},
        "sources": [{"title": page.title[:200], "url": page.url}],
        "checked": today,
        "review_by": date(today.year + 1, today.month, min(today.day, 28)),
        "status": "draft",
        "notes": "Imported by knowledge_tool import; headings: " + " / ".join(page.headings[:8]),
    }
