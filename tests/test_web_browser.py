"""The web app in a real browser: Debian's chromium, headless, driven by Selenium through chromedriver.

The server runs in a thread on a free loopback port over the small fake-embedder knowledge base.
A person's path through it: type a query, apply a filter, open a theme, download an evidence pack
(opened with python-docx), read a document. Every page is checked with axe-core (WCAG 2.2 A and AA
rules) and screenshots are saved under the test's tmp folder. Skipped, with the reason, where
chromium or chromedriver is not installed (`.ci/run` installs them).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.smallkb import build_kb, open_stores

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    import uvicorn

    from web.app import create_app

    settings = build_kb(tmp_path_factory.mktemp("docs"), tmp_path_factory.mktemp("kb") / "kb")
    port = free_port()
    app = create_app(lambda: open_stores(settings), allowed_hosts=["127.0.0.1", f"127.0.0.1:{port}"])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1000",
                f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(30)  # a page submitted by the keyboard may still be loading on a busy machine
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # type: ignore[attr-defined]
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def shoot(driver, path: Path) -> None:  # noqa: ANN001
    """A screenshot of the whole page (the window stretched to its height for the moment)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(height + 140, 5000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)


def accessibility_violations(driver) -> list[str]:  # noqa: ANN001
    """axe-core's WCAG 2.2 A/AA violations on the current page, one line each."""
    from axe_selenium_python import Axe

    Axe(driver).inject()  # the package's copy of axe-core, put into the page by WebDriver (no CSP applies)
    driver.set_script_timeout(60)
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r)).catch(e => done({error: String(e)}));",
        WCAG_TAGS,
    )
    assert "error" not in results, results
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['html'][:120]})"
            for v in results["violations"]]


def test_a_person_searches_filters_opens_a_theme_and_downloads_an_evidence_pack(server, browser, shots):
    from docx import Document
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Search the reviews"
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == "Skip to main content"  # the first Tab reaches the skip link, and it shows
    assert focused.value_of_css_property("outline-style") == "solid"

    box = browser.find_element(By.ID, "f-q")
    box.send_keys("information shared between the GP and the police")
    Select(browser.find_element(By.ID, "f-area")).select_by_visible_text("Eastmoor")
    box.send_keys(Keys.ENTER)  # the keyboard submits the form
    heading = browser.find_element(By.ID, "results-heading")
    assert "result" in heading.text
    assert "area=Eastmoor" in browser.current_url and "q=information" in browser.current_url  # bookmarkable
    titles = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "ol.results h3")]
    assert titles and all("Anna" not in t for t in titles)
    assert browser.find_elements(By.TAG_NAME, "mark")
    shoot(browser, shots / "search.png")
    assert accessibility_violations(browser) == []

    theme_link = browser.find_element(By.CSS_SELECTOR, "p.themes a")
    theme = theme_link.text
    theme_link.click()
    assert browser.find_element(By.TAG_NAME, "h1").text == theme
    assert browser.find_elements(By.CSS_SELECTOR, "ol.results blockquote")
    shoot(browser, shots / "theme.png")
    assert accessibility_violations(browser) == []

    browser.get(server + "/evidence")
    browser.find_element(By.ID, "f-q").send_keys("MARAC referral risk assessment")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    assert browser.find_element(By.ID, "preview-heading").text.startswith("Preview")
    shoot(browser, shots / "evidence.png")
    assert accessibility_violations(browser) == []
    browser.find_element(By.LINK_TEXT, "Word (.docx)").click()
    target = browser.downloads / "evidence-pack.docx"
    deadline = time.monotonic() + 20
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert target.exists(), list(browser.downloads.iterdir())
    time.sleep(0.3)  # let chromium finish renaming the partial file
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "MARAC referral risk assessment" in text and "MARAC was not made" in text


@pytest.mark.parametrize(
    ("path", "shot"),
    [("/themes", "themes.png"), ("/themes?by=year", "themes-by-year.png"), ("/themes?with=alcohol", "with.png"),
     ("/recommendations", "register.png"), ("/documents", "documents.png"),
     ("/extracts?theme=alcohol&section=introduction", "extracts.png"), ("/?q=GP&since=soon", "error.png")],
)
def test_every_page_passes_the_accessibility_rules(server, browser, shots, path, shot):
    from selenium.webdriver.common.by import By

    browser.get(server + path)
    assert browser.find_element(By.TAG_NAME, "h1").text
    shoot(browser, shots / shot)
    assert accessibility_violations(browser) == []


def test_a_document_page_and_its_original(server, browser, shots):
    from selenium.webdriver.common.by import By

    browser.get(server + "/documents")
    name = "DHR \u2018Hostile\u2019 (Westvale, 2021)"  # a review by its pseudonym, area and year
    browser.find_element(By.LINK_TEXT, name).click()
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "<script>alert('x')</script>" in body  # shown as text, never run
    assert browser.execute_script("return document.querySelectorAll('script').length") == 0
    shoot(browser, shots / "document.png")
    assert accessibility_violations(browser) == []


def test_the_accessibility_check_does_find_violations(browser):
    """The checker is not vacuous: a page with an unlabelled field and an image with no text fails it."""
    browser.get("data:text/html,<html lang=en><title>t</title><main><h1>x</h1><input type=text>"
                "<img src=x.png></main></html>")
    found = " ".join(accessibility_violations(browser))
    assert "label" in found and "image-alt" in found
