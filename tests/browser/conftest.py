"""Fixtures shared by the browser tests: one headless Debian chromium for the package (each test
opens contexts of its own: no cookies or storage carry over from one test to the next)."""

import pytest
from playwright.sync_api import sync_playwright

from edudesk.desk.tests.browser import allow_database_calls_beside_playwright, launch, sign_in
from edudesk.testing import factories


@pytest.fixture(scope="package")
def browser():
    """Closed when the package's last test is done: Playwright's event loop stays in the thread
    while chromium runs, and the tests after these must not find it there."""
    allow_database_calls_beside_playwright()
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def desk(browser, live_server, line1_agent):
    """Анна Соколова's desk, signed in through the sign-in form."""
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    sign_in(page, live_server.url, "line1")
    yield page
    context.close()


@pytest.fixture
def colleague(eschool):
    """Илья Морозов, Анна's colleague on the first line."""
    return factories.agent(eschool, username="colleague", full_name="Морозов Илья")
