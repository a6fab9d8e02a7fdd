"""A reader and an editor in headless Chromium, through nginx and gunicorn.

Drives Debian's /usr/bin/chromium with Playwright (no browser download) and
saves a screenshot of each step under artifacts/browser/. Every page must load
without a content security policy violation.
"""

import time
from pathlib import Path

import pytest

from tests.servers import ADMIN_PASSWORD, ADMIN_USER, ROOT, require_binary

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "browser"
TOPIC_SLUG = "transformer-learning-rate"


@pytest.fixture(scope="module")
def browser():
    require_binary(CHROMIUM, "chromium")
    # Screenshots of an earlier run would mix with this one's.
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


class Session:
    """A browser context with its console's CSP violations and page errors collected."""

    def __init__(self, browser, base_url: str):
        # The test certificate is self-signed; nginx's TLS itself is checked in tests/deploy.
        self.context = browser.new_context(
            base_url=base_url, ignore_https_errors=True, locale="zh-CN"
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.violations: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.violations.append(f"page error: {error}"))
        self.page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        # Failed loads are reported with their address by _on_response.
        if message.text.startswith("Failed to load resource"):
            return
        if "Content Security Policy" in message.text or message.type == "error":
            self.violations.append(f"{self.page.url}: {message.text}")

    def _on_response(self, response) -> None:
        # Browsers ask for /favicon.ico by themselves; the site has none.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.violations.append(f"{response.url}: HTTP {response.status}")

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def reader(browser, stack):
    session = Session(browser, stack.nginx_url)
    yield session
    session.close()


@pytest.fixture
def editor(browser, stack):
    session = Session(browser, stack.nginx_url)
    page = session.page
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    yield session
    session.close()


def open_topic_by_search(reader: Session) -> None:
    """Search 学习率 from the home page and open the learning-rate topic.

    While the search page is not part of the site, the search form still
    points at the home page; the topic list is used then.
    """
    page = reader.page
    page.fill("#search-q", "学习率")
    page.press("#search-q", "Enter")
    page.wait_for_load_state()
    if "/search/" in page.url:
        results = page.locator(".search-result")
        assert results.count() > 0, f"no results for 学习率 at {page.url}"
        reader.shot("02-search-results")
        results.first.locator("a").first.click()
    else:
        page.goto("/zh-hans/topics/")
        reader.shot("02-topic-list")
        page.click(f"a[href='/zh-hans/topics/{TOPIC_SLUG}/']")
    page.wait_for_url(f"**/topics/{TOPIC_SLUG}/")


def test_reader_finds_topic_and_switches_language(reader):
    page = reader.page
    page.goto("/zh-hans/")
    assert page.locator("h1").first.inner_text() == "ML/LLM 知识库"
    reader.shot("01-home-zh")

    open_topic_by_search(reader)
    chinese_title = page.locator("article.topic h1").inner_text()
    assert "如何设定" in chinese_title
    reader.shot("03-topic-zh")

    page.click(".language-switch a[hreflang='en']")
    page.wait_for_url(f"**/en/topics/{TOPIC_SLUG}/")
    english_title = page.locator("article.topic h1").inner_text()
    assert "learning rate" in english_title.lower()
    assert page.locator("html").get_attribute("lang") == "en"
    reader.shot("04-topic-en")

    page.goto("/")
    assert page.url.endswith("/en/"), "the chosen language should stick"
    assert reader.violations == []


def test_calculator_chart_follows_inputs(reader):
    page = reader.page
    response = page.goto("/en/calculators/lr-schedule/")
    if response.status != 200:
        pytest.fail(
            f"/en/calculators/lr-schedule/ answered {response.status}: the calculator pages "
            "are not on main yet. This step changes an input and expects the chart to change."
        )
    chart = page.locator("#calc-output svg").first
    before = chart.inner_html()
    warmup = page.locator("form[data-calculator] input[name=warmup_steps]")
    steps = int(warmup.input_value() or "0")
    reader.shot("05-calculator-before")
    # Typing fires the input events that static/js/calculators.js follows.
    warmup.fill("")
    warmup.type(str(steps * 3 + 50))
    deadline = time.monotonic() + 10
    while chart.inner_html() == before and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    chart.scroll_into_view_if_needed()
    reader.shot("05-calculator-after")
    assert chart.inner_html() != before
    assert "/calculators/lr-schedule/" in page.url
    assert reader.violations == []


def test_editor_changes_summary_and_reader_sees_it(editor, reader):
    reader.page.goto(f"/en/topics/{TOPIC_SLUG}/")
    new_summary = f"Edited in the browser test at {time.time():.0f}: warmup, then decay."
    assert new_summary not in reader.page.content()

    page = editor.page
    page.goto(f"/admin/kb/topic/?q={TOPIC_SLUG}")
    page.locator("#result_list tbody th a").first.click()
    page.wait_for_url(lambda url: "/change/" in url)
    editor.shot("06-admin-change-form")
    page.fill("#id_summary_en", new_summary)
    page.click("input[name=_save]")
    page.wait_for_url(lambda url: url.split("?")[0].endswith("/admin/kb/topic/"))
    assert page.locator(".messagelist .success").count() == 1
    editor.shot("07-admin-saved")

    reader.page.goto(f"/en/topics/{TOPIC_SLUG}/")
    assert new_summary in reader.page.content()
    reader.shot("08-topic-after-edit")
    assert editor.violations == []
    assert reader.violations == []


def test_api_docs_render_under_csp(reader):
    page = reader.page
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "knowledge base API" in page.locator(".swagger-ui .info .title").inner_text()
    reader.shot("09-api-docs")
    assert reader.violations == []
