"""A supervisor's three clicks in a real browser: board, the month's report, where the 60-minute
promise was broken, down to the tickets; the report's export; both pages at 1280 and 390 px."""

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from edudesk.desk.tests.browser import sign_in
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.types import Actor

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]
SCREENS = Path(os.environ.get("EDUDESK_SCREENSHOTS", "var/screens"))


@pytest.fixture
def month(eschool, teacher, line1_agent):
    """Today: one request reviewed at once, one reviewed a day late (category «login»)."""
    now = timezone.now()
    quick = factories.ticket(eschool, teacher, category="journal", now=now - timedelta(minutes=30))
    services.assign(quick, actor=Actor.agent(line1_agent), assignee=line1_agent, now=now)
    late = factories.ticket(eschool, teacher, category="login", now=now - timedelta(days=3))
    services.transition(late, "in_processing", actor=Actor.agent(line1_agent), now=now)
    return quick, late


def _shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_supervisor_finds_where_the_review_promise_was_broken_and_opens_those_tickets(
        browser, live_server, supervisor, month):
    quick, late = month
    page = browser.new_context(locale="ru-RU", accept_downloads=True).new_page()
    sign_in(page, live_server.url, "supervisor")

    # Click 1: «Отчёты» — the live board
    page.click("nav >> text=Отчёты")
    expect(page.locator("h1")).to_have_text("Табло руководителя")
    expect(page.locator("[data-kpi=open]").first).to_have_text("2")
    _shot(page, "reports-board")

    # Click 2: the report for the period (this month by default)
    page.click("text=Отчёт за период")
    review = page.locator("#sla-table tbody tr").first
    expect(review).to_contain_text("50.0 %")
    expect(page.locator("svg.chart").first).to_be_visible()
    _shot(page, "reports-period")

    # The backlog by age: the youngest row's number lists those open tickets
    youngest = page.locator("#backlog-age-table tbody tr").first
    expect(youngest).to_contain_text("до 1 рабочего дня")
    youngest.locator("a").first.click()
    expect(page.locator("#drill-table")).to_contain_text(quick.number)
    page.go_back()

    # Click 3: where — the category with the broken promise comes first; its link filters the report
    first_row = page.locator("#breakdown-table tbody tr").first
    expect(first_row).to_contain_text("login")
    first_row.locator("th a").click()
    expect(page.locator("#id_category")).to_have_value("login")

    # Drill-down: the bar of late reviews opens the list of exactly those tickets
    page.locator("svg.chart a[aria-label*='с нарушением — 1']").first.click()
    expect(page.locator("#drill-table")).to_contain_text(late.number)
    expect(page.locator("#drill-table")).not_to_contain_text(quick.number)
    _shot(page, "reports-drill")

    # Export: the report as XLSX
    page.go_back()
    with page.expect_download() as download:
        page.click("text=Скачать XLSX")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_customer_rates_a_solved_request_from_the_link_without_signing_in(
        browser, live_server, eschool, teacher, line1_agent):
    from edudesk.reports.models import Rating
    from edudesk.reports.satisfaction import rating_url

    ticket = factories.ticket(eschool, teacher)
    services.transition(ticket, "resolved", actor=Actor.agent(line1_agent))
    path = "/support/rate/" + rating_url(ticket).rsplit("/", 1)[1]
    page = browser.new_context(locale="ru-RU").new_page()

    page.goto(f"{live_server.url}{path}")
    page.check("input[name=score][value='2']")
    page.fill("#id_comment", "Долго ждали ответа")
    page.click("button[type=submit]:has-text('Отправить оценку')")

    expect(page.locator("[role=status]")).to_contain_text("Спасибо")
    _shot(page, "reports-rate")
    assert Rating.objects.get(ticket=ticket).score == 2


def test_an_agent_exports_a_long_queue_waits_for_the_job_and_downloads_the_file(
        browser, live_server, settings, eschool, teacher, line1_agent):
    from openpyxl import load_workbook

    settings.EDUDESK_EXPORT_INLINE_ROWS = 2
    made = [factories.ticket(eschool, teacher, subject=f"Вопрос {i}") for i in range(3)]
    page = browser.new_context(locale="ru-RU", accept_downloads=True).new_page()
    sign_in(page, live_server.url, "line1")

    # The queue «Все» has more rows than are exported at once: the export runs as a job
    page.goto(f"{live_server.url}/desk/?queue=all")
    _shot(page, "desk-queue-export")
    page.locator("form.list-export button[value=xlsx]").click()
    expect(page.locator("h1")).to_have_text("Выгрузка списка")
    expect(page.locator("#list-export")).to_contain_text("Готово, строк: 3.")
    _shot(page, "reports-list-export")

    with page.expect_download() as download:
        page.click("#list-export-download")
    assert download.value.suggested_filename.startswith("edudesk-queue-")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [t.number for t in reversed(made)]


def test_a_short_search_result_downloads_at_once(browser, live_server, eschool, teacher, line1_agent):
    ticket = factories.ticket(eschool, teacher, subject="Ошибка при выставлении оценок")
    factories.ticket(eschool, teacher, subject="Ошибка в расписании")
    page = browser.new_context(locale="ru-RU", accept_downloads=True).new_page()
    sign_in(page, live_server.url, "line1")

    page.goto(f"{live_server.url}/desk/search?q=ошибки")
    _shot(page, "desk-search-export")
    with page.expect_download() as download:
        page.locator("form.list-export button[value=csv]").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert ticket.number in text and text.startswith("Номер;Тема;")


def test_a_supervisor_closes_the_follow_up_of_a_low_rating_with_a_note(
        browser, live_server, supervisor, eschool, teacher, line1_agent):
    from edudesk.reports import satisfaction

    ticket = factories.ticket(eschool, teacher, subject="Не работает журнал")
    services.transition(ticket, "resolved", actor=Actor.agent(line1_agent))
    satisfaction.rate(ticket, 1, "Так и не заработало")
    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, live_server.url, "supervisor")

    page.goto(f"{live_server.url}/reports/")
    page.locator("#low-ratings a:has-text('Разобрать')").click()
    expect(page.locator("h1")).to_have_text("Низкие оценки решений")
    expect(page.locator(".follow-up")).to_contain_text("Так и не заработало")
    _shot(page, "reports-follow-ups")
    page.fill("textarea[name=note]", "Позвонили, настроили журнал")
    page.click("button:has-text('Закрыть разбор')")

    expect(page.locator(".flash, [role=status]").first).to_contain_text("Разбор оценки закрыт")
    expect(page.locator("#closed-follow-ups")).to_contain_text("Позвонили, настроили журнал")
