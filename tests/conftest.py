"""Browser fixtures: Debian's Chromium driven by Playwright (no downloaded browsers)."""

import os

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


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
