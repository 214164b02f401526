"""The web widget in a real headless Chromium (Debian's), against the real servers."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.harness import REPO, http_ok, wait_until

pytestmark = pytest.mark.servers
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def demo_page(services):
    server = subprocess.Popen(
        [shutil.which("python3") or "python3", "-m", "http.server", str(services.web_port),
         "--bind", "127.0.0.1", "--directory", str(REPO / "web")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{services.web_port}"
    wait_until(lambda: http_ok(f"{base}/demo/"), 20, "The demo page server", server)
    yield f"{base}/demo/?server={services.rasa_url}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is required for the widget test (scripts/test.sh installs it).")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def assert_each_source_shown_once(log, label: str) -> list[str]:
    """The answer's source card links each source once; the text no longer lists them."""
    cards = log.locator(".aw-card")
    expect(cards.last.locator("a").first).to_be_visible(timeout=60000)
    urls = [a.get_attribute("href") for a in cards.last.locator("a").all()]
    assert urls and all(u.startswith("https://") for u in urls)
    answer_texts = log.locator(".aw-bot .aw-text")
    for url in urls:
        expect(log.locator(f'a[href="{url}"]')).to_have_count(1)
        expect(answer_texts.filter(has_text=url)).to_have_count(0)
        assert log.inner_text().count(url) == 0  # the card shows the title, linked
    # The label appears once per source: in the card, not as lines of the answer's text.
    expect(answer_texts.filter(has_text=label)).to_have_count(0)
    assert cards.last.inner_text().count(label) == len(urls)
    return urls


def test_owner_asks_presses_a_quick_reply_and_keeps_the_conversation(browser, demo_page):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
    page = context.new_page()
    page.goto(demo_page)
    launcher = page.get_by_role("button", name="開啟海外佈局小幫手")
    launcher.click()
    dialog = page.get_by_role("dialog", name="海外佈局小幫手")
    expect(dialog).to_be_visible()
    expect(page.get_by_label("您的訊息")).to_be_focused()

    page.get_by_label("您的訊息").fill("我們是做小家電的，想賣到日本需要什麼認證？")
    page.keyboard.press("Enter")
    log = page.get_by_role("log")
    expect(log).to_contain_text("PSE", timeout=60000)
    source = log.locator("a[href^='https://']").first
    expect(source).to_be_visible()
    expect(log).to_contain_text("最後查核")
    urls = assert_each_source_shown_once(log, "資料來源：")

    quick = page.get_by_role("group", name="建議選項").get_by_role("button").filter(has_text="日本：")
    expect(quick.first).to_be_visible()
    label = quick.first.inner_text()
    quick.first.click()
    expect(log.locator(".aw-user").last).to_have_text(f"您: {label}")
    # welcome, answer, its card, then the next answer (with its card when it is an entry)
    page.wait_for_function("document.querySelectorAll('.aw-log .aw-bot').length >= 4",
                           timeout=60000)
    expect(page.locator(".aw-typing")).to_be_hidden()
    # The next answer's card (when it has one) took its sources out of the text as well.
    cards = log.locator(".aw-card a").count()
    expect(log.locator(".aw-text").filter(has_text="資料來源：")).to_have_count(0)
    assert cards >= len(urls)
    page.screenshot(path=str(ARTIFACTS / "widget-conversation.png"))

    page.reload()
    expect(page.get_by_role("log")).to_contain_text("PSE")       # the conversation is still there
    for url in urls:  # as shown before the reload: the texts do not list the sources again
        expect(page.get_by_role("log").locator(".aw-text").filter(has_text=url)).to_have_count(0)
        expect(page.get_by_role("log").locator(".aw-card").first.locator(f'a[href="{url}"]')
               ).to_have_count(1)
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name="開啟海外佈局小幫手")).to_be_focused()
    context.close()


def test_english_switch_and_phone_width(browser, demo_page):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(demo_page)
    page.get_by_role("button", name="開啟海外佈局小幫手").click()
    panel = page.get_by_role("dialog")
    box = panel.bounding_box()
    assert box is not None and box["width"] >= 370  # full width on a phone
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("log")).to_contain_text("reply in English", timeout=60000)
    page.get_by_label("Your message").fill("What certification do appliances need for Japan?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("log")).to_contain_text("Source:", timeout=60000)
    assert_each_source_shown_once(page.get_by_role("log"), "Source:")
    page.screenshot(path=str(ARTIFACTS / "widget-phone-english.png"))
    context.close()
