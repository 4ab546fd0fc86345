"""Fixtures shared by the browser tests: one headless Debian chromium per test."""

import pytest
from playwright.sync_api import sync_playwright

from edudesk.desk.tests.browser import allow_database_calls_beside_playwright, launch


@pytest.fixture
def browser():
    allow_database_calls_beside_playwright()
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
