"""The site's own error pages: in the visitor's language, with a way back (issue 13, item 7).

GIVEN a customer who followed a stale link, or hit a failure of the server, WHEN the page opens
in a real browser, THEN it says what happened in Russian (or English once chosen) and offers a
way back to the start page, instead of Django's bare English page.
"""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tour_urls(settings):
    settings.ROOT_URLCONF = "edudesk.testing.error_urls"


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize(("address", "status", "heading"), [
    ("/support/eschool/requests/INC404/nothing", 404, "Страница не найдена"),
    ("/tour-errors/500", 500, "Внутренняя ошибка сервера"),
    ("/tour-errors/400", 400, "Некорректный запрос"),
    ("/tour-errors/403", 403, "Доступ запрещён"),
])
def test_error_page_in_russian_with_a_way_back(page, live_server, tour_urls, address, status, heading):
    response = page.goto(f"{live_server.url}{address}")
    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page).to_have_title(f"{heading} · Техподдержка")
    page.get_by_role("link", name="На главную страницу").click()
    expect(page.get_by_role("heading", name="Техническая поддержка образовательных платформ")).to_be_visible()


def test_not_found_page_in_english_once_chosen(page, live_server, tour_urls, eschool):
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_label("Язык").select_option("en")
    response = page.goto(f"{live_server.url}/desk/t/INC999999/nothing")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="To the ticket queues")).to_be_visible()
    expect(page.get_by_role("link", name="To the start page")).to_be_visible()
