"""The start page shows each service's channels as the guides describe them (issue 13, item 10).

GIVEN the two services of the guides WHEN a visitor opens the start page THEN each service shows
its official channels (the form, the support e-mail) apart from consultations (the phone,
messengers), the working hours in Moscow time and what happens out of hours, all from the
service's configuration.
"""

import pytest
from playwright.sync_api import expect

from edudesk.sla.calendars import forget_calendars, hours_for

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_each_service_shows_official_channels_consultations_and_hours(page, live_server, eschool, uchipro):
    eschool.support_email, eschool.support_phone = "edu.support@o7.com", "8-800-200-9582"
    eschool.save()
    uchipro.support_email, uchipro.support_phone = "support@uchi.pro", "8 (800) 100-08-62"
    uchipro.save()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title("Техническая поддержка образовательных платформ")
    school = page.get_by_role("region", name=eschool.name)
    official = school.locator(".channel.official")
    expect(official.get_by_role("heading")).to_have_text("Официальное обращение")
    expect(official.get_by_role("link", name="Заполнить форму обращения")).to_have_attribute(
        "href", "/support/eschool/new")
    expect(official.get_by_role("link", name="edu.support@o7.com")).to_have_attribute(
        "href", "mailto:edu.support@o7.com")
    consultation = school.locator(".channel.consultation")
    expect(consultation.get_by_role("heading")).to_have_text("Консультация")
    expect(consultation.get_by_role("link", name="8-800-200-9582")).to_have_attribute(
        "href", "tel:88002009582")
    expect(consultation).to_contain_text("мессенджер")
    expect(school.locator(".channel-hours")).to_contain_text("в будние дни с 8:00 до 17:00 (МСК)")
    expect(school.locator(".channel-hours")).to_contain_text(
        "специалист свяжется с вами в ближайший рабочий день")
    lms = page.get_by_role("region", name=uchipro.name)
    expect(lms.get_by_role("link", name="support@uchi.pro")).to_be_visible()


def test_hours_come_from_the_service_configuration(page, live_server, eschool):
    hours = hours_for(eschool)
    hours.monday = hours.tuesday = hours.wednesday = hours.thursday = hours.friday = "09:00-18:00"
    hours.save()
    forget_calendars()
    page.goto(f"{live_server.url}/")
    expect(page.locator(".channel-hours")).to_contain_text("в будние дни с 9:00 до 18:00 (МСК)")


def test_languages_are_named_in_their_own_language(page, live_server, eschool):
    """Issue 13, item 8: the English option was «Английский» on the Russian page."""
    page.goto(f"{live_server.url}/")
    expect(page.get_by_label("Язык").locator("option")).to_have_text(["Русский", "English"])
    with page.expect_navigation():
        page.get_by_label("Язык").select_option("en")
    expect(page.get_by_label("Language").locator("option")).to_have_text(["Русский", "English"])
