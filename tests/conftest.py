"""Browser fixtures: Debian's Chromium driven by Playwright (no downloaded browsers)."""

import os
import time

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop; Django's ORM is used from the test thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _waits_without_eval(page):
    """Pages keep their real Content-Security-Policy in every browser test. Playwright's
    wait_for_function compiles its predicate with eval inside the page, which the policy
    forbids (no 'unsafe-eval'); page.evaluate goes through DevTools and is not subject to it,
    so the same wait is made by asking page.evaluate until the answer is true."""
    default_ms = {"value": 30_000}
    set_default_timeout = page.set_default_timeout

    def remember_timeout(ms):
        default_ms["value"] = ms
        set_default_timeout(ms)

    def answer(expression, arg):
        from playwright.sync_api import Error

        try:
            return page.evaluate(expression, arg)
        except Error as error:  # the page navigated meanwhile: ask the next one
            if "context was destroyed" not in str(error):
                raise
            return None

    def wait_for_function(expression, *, arg=None, timeout=None, polling=None):
        deadline = time.monotonic() + (timeout or default_ms["value"]) / 1000
        while not (value := answer(expression, arg)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false: {expression}")
            page.wait_for_timeout(100)
        return value

    page.set_default_timeout = remember_timeout
    page.wait_for_function = wait_for_function
    return page


@pytest.fixture
def page_factory(browser, live_server):
    # Asking for live_server here sets the pages up after the server and its database, so they
    # are closed first: a page still polling or syncing when the test ends would otherwise hold
    # locks that the database flush between tests deadlocks against.
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return _waits_without_eval(context.new_page())

    yield make
    for context in contexts:
        context.close()
