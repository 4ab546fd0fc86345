"""The desk's and the portal's words in a real browser: one name per status, lines by their
names, each message labelled by what it is, agents' wording for agents, Russia's regions.

GIVEN/WHEN/THEN in the seeds' words.
"""

import pytest
from playwright.sync_api import expect

from edudesk.desk.tests.browser import sign_in
from edudesk.portal.auth import issue_login_link
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Consultation, Message
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]


def test_a_status_has_one_name_on_the_ticket_in_the_queue_filter_and_on_the_board(
        browser, live_server, eschool, teacher, supervisor):
    # GIVEN a teacher's suggestion, marked so by the supervisor
    ticket = factories.ticket(eschool, teacher, subject="Добавить экспорт журнала в PDF")
    services.transition(ticket, Status.SUGGESTION, actor=Actor.agent(supervisor))
    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, live_server.url, "supervisor")
    # WHEN she opens the ticket, the queue's status filter and the reports board
    page.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    name = page.locator("#ticket-status").inner_text()
    page.goto(f"{live_server.url}/desk/")
    in_filter = page.locator("select[name=status] option[value=suggestion]").text_content()
    # THEN the status reads the same everywhere: seed 2's name
    assert name == in_filter == "Предложения по СДО"
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("main")).not_to_contain_text("по доработке системы")


def test_the_line_select_shows_line_names_not_internal_codes(
        browser, live_server, eschool, uchipro, teacher, supervisor):
    # GIVEN a supervisor serving the e-school and the LMS vendor, each with its first line
    supervisor.services.add(uchipro)
    ticket = factories.ticket(eschool, teacher)
    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, live_server.url, "supervisor")
    # WHEN she assigns a ticket to a line
    page.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    options = page.locator(".ticket-actions select[name=group] option").all_text_contents()
    # THEN the lines of the ticket's service are named as people name them
    assert "Первая линия" in options
    assert not [o for o in options if ":" in o]
    # AND the report's line filter groups the lines under each service's name
    page.goto(f"{live_server.url}/reports/period")
    groups = page.locator("select[name=line] optgroup")
    expect(groups).to_have_count(2)
    assert sorted(groups.evaluate_all("gs => gs.map(g => g.label)")) == [
        "АИС «Электронная школа»", "Учи.Про СДО"]
    assert "eschool" not in page.locator("select[name=line]").text_content()


def test_each_message_is_labelled_by_what_it_is_in_the_desk_and_the_portal(
        browser, desk, live_server, eschool, teacher, line1_agent):
    # GIVEN a teacher's request, the specialist's question, her answer, a note and the reply
    ticket = factories.ticket(eschool, teacher, subject="Не открывается журнал 5А")
    anna = Actor.agent(line1_agent)
    services.request_clarification(ticket, actor=anna, body="Какой у вас браузер?")
    services.add_message(ticket, actor=Actor.customer(teacher), body="Яндекс Браузер 24.1")
    services.add_message(ticket, actor=anna, body="Проверить кэш.", kind=Message.Kind.INTERNAL)
    services.add_message(ticket, actor=anna, body="Очистите кэш браузера, пожалуйста.")
    # WHEN the agent opens the ticket
    desk.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    # THEN each message says what it is, the first request included
    expect(desk.locator(".timeline .message .message-role")).to_have_text(
        ["Обращение", "Запрос уточнения", "Сообщение заявителя", "Внутренняя заметка",
         "Ответ специалиста"])
    # AND the teacher's portal labels the public ones the same way (no note)
    page = browser.new_context(locale="ru-RU").new_page()
    page.goto(f"{live_server.url}/support/eschool/signin/{issue_login_link(teacher)}")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/support/eschool/requests/{ticket.number}/")
    expect(page.locator(".conversation .message-role")).to_have_text(
        ["Обращение", "Запрос уточнения", "Сообщение заявителя", "Ответ специалиста"])


def test_the_conversion_form_speaks_to_the_agent_not_to_the_customer(
        desk, live_server, eschool, teacher, line1_agent):
    # GIVEN Мария Петровна phoned about an error message, and the agent logged the call
    consultation = Consultation.objects.create(
        service=eschool, agent=line1_agent, contact=teacher, topic="Ошибка при входе в журнал")
    # WHEN the agent makes it an official request
    desk.goto(f"{live_server.url}/desk/consultations/{consultation.pk}/convert")
    form = desk.locator("#convert-form")
    # THEN the empty browser field tells the agent what to ask, not «мы заполнили поле»
    expect(form).not_to_contain_text("Мы заполнили поле")
    expect(desk.locator("#id_f_browser + .help")).to_have_text(
        "Спросите у заявителя название и версию браузера: например, Chrome 120 или "
        "Яндекс Браузер 24.1.")
    # AND what came from her record is marked as such
    expect(desk.locator("#id_f_full_name")).to_have_value("Иванова Мария Петровна")
    expect(desk.locator("#id_f_full_name + .help")).to_have_text(
        "Заполнено по карточке заявителя — сверьте с ним.")


def test_the_region_is_chosen_from_russias_regions_on_the_form_and_in_the_desk(
        browser, desk, live_server, eschool, teacher, line1_agent):
    # GIVEN a teacher opens the e-school's request form
    page = browser.new_context(locale="ru-RU").new_page()
    page.goto(f"{live_server.url}/support/eschool/new?category=error")
    # THEN «Регион» offers the 89 subjects of the Federation (and an empty first choice)
    region = page.locator("select#field-region")
    expect(region.locator("option")).to_have_count(90)
    region.select_option("Тверская область")
    expect(region).to_have_value("Тверская область")
    assert "Республика Крым" in region.locator("option").all_text_contents()
    # AND the agent registering a call in the desk chooses from the same list
    consultation = Consultation.objects.create(
        service=eschool, agent=line1_agent, contact=teacher, topic="Ошибка при входе в журнал")
    desk.goto(f"{live_server.url}/desk/consultations/{consultation.pk}/convert")
    expect(desk.locator("select#id_f_region option")).to_have_count(90)
    # AND the queue's region filter offers them as the agent types
    desk.goto(f"{live_server.url}/desk/")
    expect(desk.locator("datalist#regions-ru option")).to_have_count(89)
