"""The console in a real headless Chromium (Debian's): login → queue → lead → status change,
on a laptop and a phone viewport. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.console.stack import PASSWORD, REPO

playwright_api = pytest.importorskip("playwright.sync_api")
ARTIFACTS = REPO / "test-artifacts"
# The same flags as the widget's browser test (tests/e2e/test_widget_browser.py).
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    executable = "/usr/bin/chromium"            # Debian's (browser downloads are not possible)
    if not shutil.which(executable):
        pytest.fail("Chromium is required for the console's browser test (scripts/test.sh "
                    "installs it).")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def test_officer_logs_in_opens_a_lead_and_moves_it_on(browser, stack):
    ARTIFACTS.mkdir(exist_ok=True)
    expect = playwright_api.expect
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-TW")
    page.goto(stack.base + "/queue")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)queue$"))
    page.get_by_label("帳號").fill("ming.jp")
    page.get_by_label("密碼").fill(PASSWORD)
    page.get_by_role("button", name="登入").click()
    expect(page).to_have_url(stack.base + "/queue")
    expect(page.get_by_role("heading", name="案件佇列・臺日窗口")).to_be_visible()
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("高分精機")
    expect(page.get_by_text("美國通商")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "console-queue.png"), full_page=True)

    page.get_by_role("link", name="高分精機").click()
    expect(page.locator("#status")).to_have_text("新案件")
    expect(page.get_by_text("想賣到日本需要什麼認證？")).to_be_visible()
    page.get_by_role("button", name="認領此案件").click()
    expect(page.get_by_role("status")).to_have_text("已認領此案件")
    page.get_by_role("button", name="改為「已聯繫」").click()
    expect(page.locator("#status")).to_have_text("已聯繫")
    expect(page.get_by_role("status")).to_contain_text("已聯繫")
    page.get_by_label("新增備註").fill("已電話聯繫，下週寄型錄")
    page.get_by_role("button", name="新增備註").click()
    expect(page.get_by_text("已電話聯繫，下週寄型錄")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "console-lead.png"), full_page=True)

    page.get_by_role("button", name="登出").click()
    expect(page).to_have_url(stack.base + "/login")
    page.close()


def test_phone_layout(browser, stack):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2, locale="zh-TW")
    page = context.new_page()
    page.goto(stack.base + "/login")
    page.get_by_label("帳號").fill("boss")
    page.get_by_label("密碼").fill(PASSWORD)
    page.get_by_role("button", name="登入").click()
    expect = playwright_api.expect
    expect(page.get_by_role("heading", name="案件佇列")).to_be_visible()
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "console-phone-queue.png"), full_page=True)
    page.goto(stack.base + "/kpi")
    expect(page.locator("svg.chart")).to_have_count(2)       # the period's pace, the year's months
    for chart in page.locator("svg.chart").all():
        expect(chart).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "console-phone-kpi.png"), full_page=True)
    context.close()
