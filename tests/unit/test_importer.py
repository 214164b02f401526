"""The importer, offline: saved official pages served by a fake transport faithful to HTTP."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests
from requests.adapters import BaseAdapter

from market_entry.knowledge import load_knowledge
from market_entry.knowledge.importer import (
    MAX_BYTES,
    ImportRefused,
    PageFetcher,
    draft_entry,
    extract,
    parse_date,
)

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


class FakeWeb(BaseAdapter):
    """Answers requests from a dict of URL → (status, headers, body) and records them."""

    def __init__(self, routes: dict[str, tuple[int, dict, bytes]]) -> None:
        super().__init__()
        self.routes = routes
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.requests.append(request)
        if request.url not in self.routes:
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        else:
            status, headers, body = self.routes[request.url]
        if isinstance(body, Exception):
            raise body
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response.url = request.url
        response.request = request
        response.raw = __import__("io").BytesIO(body)
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass


def public(host: str) -> list[str]:
    return ["93.184.216.34"]


def fetcher(routes, resolver=public) -> tuple[PageFetcher, FakeWeb]:
    web = FakeWeb(routes)
    session = requests.Session()
    session.mount("https://", web)
    session.mount("http://", web)
    return PageFetcher(session, resolver), web


def html(name: str) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, (PAGES / name).read_bytes()


@pytest.mark.parametrize(("page", "title", "updated", "published", "snippet"), [
    ("trade_gov_ccg.html", "Japan - Import Requirements and Documentation", date(2026, 1, 15), None,
     "Commercial invoice"),
    ("meti_pse.html", "電気用品安全法 | 経済産業省", date(2025, 12, 25), None, "PSEマーク"),
    ("eurlex_regulation.html", "EUR-Lex - 32023R0988 - EN - EUR-Lex", None, date(2023, 5, 10),
     "economic operator established in the Union"),
    ("trade_gov_tw_news.html", "經濟部國際貿易署-新聞稿", None, date(2026, 3, 2), "補助"),
])
def test_extracts_title_text_and_dates_from_official_pages(page, title, updated, published, snippet):
    url = f"https://example.gov/{page}"
    fetch, _ = fetcher({url: html(page)})
    final, body = fetch.fetch(url)
    result = extract(final, body)
    assert result.title == title
    assert result.updated == updated
    if published:
        assert result.published == published
    assert snippet in result.text
    assert result.headings
    assert "window.analytics" not in result.text and "版權所有" not in result.text


def test_honest_user_agent_and_robots_are_used():
    url = "https://www.trade.gov/japan"
    fetch, web = fetcher({url: html("trade_gov_ccg.html")})
    fetch.fetch(url)
    assert web.requests[0].url == "https://www.trade.gov/robots.txt"
    assert all("KnowledgeImporter" in r.headers["User-Agent"] for r in web.requests)


def test_robots_txt_disallow_is_respected():
    url = "https://www.example.gov/private/page"
    fetch, web = fetcher({
        "https://www.example.gov/robots.txt": (200, {"Content-Type": "text/plain"},
                                               b"User-agent: *\nDisallow: /private/\n"),
        url: html("meti_pse.html"),
    })
    with pytest.raises(ImportRefused, match="robots.txt"):
        fetch.fetch(url)
    assert [r.url for r in web.requests] == ["https://www.example.gov/robots.txt"]


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.1.5", "169.254.169.254",
                                     "::1", "fd00::1", "0.0.0.0"])
def test_private_and_loopback_addresses_are_refused(address):
    fetch, web = fetcher({}, resolver=lambda host: [address])
    with pytest.raises(ImportRefused, match="non-public address"):
        fetch.fetch("https://intranet.example/page")
    assert web.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.gov/x", "javascript:alert(1)"])
def test_only_http_and_https(url):
    fetch, _ = fetcher({})
    with pytest.raises(ImportRefused, match="only http and https"):
        fetch.fetch(url)


def test_redirect_to_a_private_address_is_refused():
    def resolver(host):
        return ["10.0.0.7"] if host == "internal.example" else ["93.184.216.34"]

    fetch, _ = fetcher({"https://www.example.gov/go": (302, {"Location": "http://internal.example/admin"}, b"")},
                       resolver)
    with pytest.raises(ImportRefused, match="non-public"):
        fetch.fetch("https://www.example.gov/go")


def test_redirects_are_followed_to_the_page():
    fetch, _ = fetcher({
        "https://www.example.gov/old": (301, {"Location": "/new"}, b""),
        "https://www.example.gov/new": html("meti_pse.html"),
    })
    final, _ = fetch.fetch("https://www.example.gov/old")
    assert final == "https://www.example.gov/new"


def test_oversized_and_non_html_pages_are_refused():
    big = (200, {"Content-Type": "text/html"}, b"<p>x</p>" * (MAX_BYTES // 8 + 10))
    fetch, _ = fetcher({"https://www.example.gov/big": big,
                        "https://www.example.gov/file.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF")})
    with pytest.raises(ImportRefused, match="larger than"):
        fetch.fetch("https://www.example.gov/big")
    with pytest.raises(ImportRefused, match="not an HTML page"):
        fetch.fetch("https://www.example.gov/file.pdf")


def test_timeouts_and_http_errors_are_explained():
    fetch, _ = fetcher({"https://www.example.gov/slow": (200, {}, requests.Timeout("slow")),
                        "https://www.example.gov/gone": (410, {"Content-Type": "text/html"}, b"")})
    with pytest.raises(ImportRefused, match="did not answer in time"):
        fetch.fetch("https://www.example.gov/slow")
    with pytest.raises(ImportRefused, match="HTTP 410"):
        fetch.fetch("https://www.example.gov/gone")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-02T10:00:00Z", date(2026, 3, 2)),
    ("最終更新日：2025年12月25日", date(2025, 12, 25)),
    ("發布日期：115-03-02", date(2026, 3, 2)),
    ("12/06/2024", date(2024, 6, 12)),
    ("2 March 2026", date(2026, 3, 2)),
    ("March 2, 2026", date(2026, 3, 2)),
    ("no date here", None),
    ("2026-13-45", None),
])
def test_date_formats(text, expected):
    assert parse_date(text) == expected


def test_draft_entry_is_valid_and_never_served(small_knowledge):
    import yaml

    url = "https://www.meti.go.jp/policy/consumer_safety/"
    fetch, _ = fetcher({url: html("meti_pse.html")})
    page = extract(*fetch.fetch(url))
    entry = draft_entry(page, "jp", "certification", date(2026, 11, 27), "pse-draft")
    target = small_knowledge / "markets/jp/draft-pse-draft.yml"
    target.write_text(yaml.safe_dump({"entries": [entry]}, allow_unicode=True), encoding="utf-8")
    kb = load_knowledge(small_knowledge, today=date(2026, 11, 27))
    draft = kb.entry("jp-certification-pse-draft")
    assert draft is not None and not draft.published
    assert draft.sources[0].url == url
    assert "2025-12-25" in draft.answer["zh-TW"]
    assert draft not in kb.published_entries("jp")
