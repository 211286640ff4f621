"""Real headless Chromium against a live server (Playwright's sync API).

Without /usr/bin/chromium the browser tests skip, saying how to enable them; with
ROPA_BROWSER_TESTS=required (CI) they fail instead.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ROPA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery staple"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _browser_missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return (f"Chromium not found at {CHROMIUM}: install it (apt-get install -y chromium) "
                "to run the browser tests, or set ROPA_CHROMIUM to its path.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "The playwright package is missing: install the dev dependencies."
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("ROPA_BROWSER_TESTS") == "required":
            pytest.fail(f"ROPA_BROWSER_TESTS=required but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reference_data(transactional_db):
    """The shipped reference data: a transactional test starts from a flushed database."""
    from processing.reference.load import load_reference_data

    load_reference_data()


def refused_by_policy(message: str) -> bool:
    """Whether a console message is Chromium's report of a script, style or frame that the
    page's Content-Security-Policy refused."""
    return "Content Security Policy" in message or "Content-Security-Policy" in message


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) for each user of a test. Whatever
    the pages it opens do, their Content-Security-Policy refuses nothing: a refusal is a
    script or a style that would not run for the user, and fails the test."""
    contexts, refused = [], []

    def open_page():
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
                if refused_by_policy(message.text) else None)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not refused, "The Content-Security-Policy refused:\n" + "\n".join(refused)


def login(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form [type=submit]")
    page.wait_for_selector("#header-inner")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose(page, scope: str, text: str, search: str | None = None) -> None:
    """Pick ``text`` in the admin autocomplete (select2) inside ``scope``."""
    page.click(f"{scope} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", search or text)
    page.locator(".select2-results__option:not(.loading-results)", has_text=text).first.click()
