"""The desk's header in a real browser (issue 13, items 5 and 6): the search an agent types into
all day is comfortably wide beside the navigation at 1280 px, in one row so the queue keeps its
tickets per screen; on a phone it stays in view while the links fold behind «Меню»."""

import pytest
from playwright.sync_api import expect

from edudesk.desk.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


@pytest.fixture
def supervisors_desk(browser, live_server, supervisor):
    """Елена Волкова's desk: a supervisor has the most links (reports too)."""
    def at(width: int, height: int):
        context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": height})
        page = context.new_page()
        sign_in(page, live_server.url, "supervisor")
        return page
    return at


def test_the_search_is_wide_in_one_row_with_the_links_at_1280(supervisors_desk):
    page = supervisors_desk(1280, 800)
    search = box(page, "#desk-search-q")
    print("header parts at 1280:", {name: box(page, sel)["width"] for name, sel in (
        ("nav", ".site-header nav"), ("search", "#desk-search-q"), ("account", ".desk-account"),
        ("language", ".language"))})
    assert search["width"] >= 240, search
    # one row: the links, the search, the account and the language share the search's line
    for selector in (".site-header nav a >> nth=0", ".desk-account button", "#language-select"):
        other = box(page, selector)
        top, bottom = search["y"], search["y"] + search["height"]
        assert other["y"] < bottom and top < other["y"] + other["height"], selector
    expect(page.locator(".site-header nav")).to_contain_text("Почта в карантине")
    expect(page.locator(".desk-account")).to_contain_text("Волкова Елена")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.context.close()


def test_on_a_phone_the_search_stays_in_view_and_usable(supervisors_desk):
    page = supervisors_desk(390, 844)
    search = box(page, "#desk-search-q")
    assert search["x"] >= 0 and search["x"] + search["width"] <= 390
    assert search["width"] >= 240, search
    expect(page.get_by_role("button", name="Меню")).to_be_visible()
    expect(page.locator("#desk-search-q")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()
