"""The agent's day in a real browser: review, clarify, answer, merge, split, consultations, search.

GIVEN/WHEN/THEN in the seeds' words; the customer side runs in the portal, in its own browser
context (its own cookies), as the teacher would see it.
"""

import re

import pytest
from playwright.sync_api import expect

from edudesk.desk.models import CannedResponse
from edudesk.desk.tests.browser import sign_in
from edudesk.portal.auth import issue_login_link
from edudesk.testing import factories
from edudesk.tickets.models import Consultation, Ticket
from edudesk.tickets.status import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _status(page):
    return page.locator("#ticket-status")


def _customer_page(browser, live_server, contact, ticket):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    token = issue_login_link(contact)
    page.goto(f"{live_server.url}/support/{ticket.service.code}/signin/{token}")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/support/{ticket.service.code}/requests/{ticket.number}/")
    return page


@pytest.mark.any_database
def test_review_clarify_customer_answers_agent_replies_customer_confirms(
        browser, desk, live_server, eschool, teacher):
    # GIVEN a teacher's error report without the browser's version, and a canned response
    CannedResponse.objects.create(title="Проверьте, пожалуйста",
                                  body="Мария Петровна, проверьте, пожалуйста, {number}.")
    ticket = factories.ticket(eschool, teacher, subject="Ошибка при сохранении оценок", category="error",
                              fields={"steps": "Журнал → 5А → Сохранить"})
    # WHEN the agent opens it from the queue of new requests and marks it reviewed
    desk.goto(f"{live_server.url}/desk/?queue=new")
    desk.click(f"text={ticket.number}")
    desk.click("button:has-text('Обращение в обработке')")
    # THEN the status is the seed's «Обращение в обработке»
    expect(_status(desk)).to_have_text("Обращение в обработке")

    # WHEN the agent asks for what the form still needs (pre-ticked from the service's schema)
    desk.check("input[name=mode][value=clarify]")
    expect(desk.locator("input[name=missing][value=browser]")).to_be_checked()
    desk.fill("#composer-body", "Здравствуйте! Уточните, пожалуйста:")
    desk.click("#composer button[type=submit]")
    expect(_status(desk)).to_have_text("Техподдержке требуется уточнение")
    expect(desk.locator(".timeline")).to_contain_text("— Наименование и версия браузера")

    # WHEN the teacher answers in the portal
    customer = _customer_page(browser, live_server, teacher, ticket)
    customer.fill("#reply-body", "Браузер Chrome 120, снимок пришлю позже.")
    customer.click("#reply button[type=submit]")
    # THEN the agent sees the answer and «Уточнение техподдержке отправлено»
    desk.reload()
    expect(_status(desk)).to_have_text("Уточнение техподдержке отправлено")
    expect(desk.locator(".timeline")).to_contain_text("Chrome 120")

    # WHEN the agent replies from a canned response (the reply marks the ticket answered)
    desk.check("input[name=mode][value=reply]")
    desk.fill("#composer-body", "Исправили ошибку сохранения.")
    desk.select_option("#canned-select", label="Проверьте, пожалуйста")
    expect(desk.locator("#composer-body")).to_have_value(
        f"Исправили ошибку сохранения.\n\nМария Петровна, проверьте, пожалуйста, {ticket.number}.")
    desk.select_option("select[name=then_status]", Status.ANSWERED.value)
    desk.click("#composer button[type=submit]")
    expect(_status(desk)).to_have_text("Ответ техподдержки")

    # AND the teacher confirms the solution in the portal
    customer.reload()
    customer.click("a:has-text('Подтвердить решение')")
    customer.click("#close-form button[type=submit]")
    desk.reload()
    expect(_status(desk)).to_have_text("Вопрос решён")
    customer.context.close()


@pytest.mark.any_database
def test_merge_a_duplicate_and_split_a_second_problem(desk, live_server, eschool, teacher):
    original = factories.ticket(eschool, teacher, subject="Не сохраняются оценки")
    duplicate = factories.ticket(eschool, teacher, subject="Снова не сохраняются оценки",
                                 description="Оценки не сохраняются. И ещё не печатается отчёт.")
    # WHEN the agent merges the duplicate into the original by its short number
    desk.goto(f"{live_server.url}/desk/t/{duplicate.number}/")
    desk.fill("#merge-number", str(int(original.number[3:])))
    desk.click("button:has-text('Объединить…')")
    desk.click("button:has-text('Объединить обращения')")
    # THEN the original shows the duplicate's message and the duplicate is closed with a link
    desk.wait_for_url(re.compile(f"/desk/t/{original.number}/$"))
    expect(desk.locator(".timeline")).to_contain_text("И ещё не печатается отчёт.")
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == original.pk and duplicate.status == Status.CANCELLED

    # WHEN the agent splits the second problem off that message (one ticket, one problem)
    message = desk.locator(".timeline li.message", has_text="И ещё не печатается отчёт.")
    message.locator("summary:has-text('Выделить в отдельное обращение')").click()
    message.locator("input[name=subject]").fill("Не печатается отчёт")
    message.locator("textarea[name=text]").fill("Не печатается отчёт.")
    message.locator("button:has-text('Выделить')").click()
    # THEN a new ticket exists, linked to the original
    expect(desk.locator("h1")).to_contain_text("Не печатается отчёт")
    new_ticket = Ticket.objects.get(subject="Не печатается отчёт")
    expect(desk.locator(".requester-card")).to_contain_text(original.number)
    assert new_ticket.links_in.filter(source=original).exists()


@pytest.mark.any_database
def test_a_phone_consultation_becomes_an_official_request(desk, live_server, eschool, teacher):
    # WHEN the agent logs a call, finding the caller as they type
    desk.goto(f"{live_server.url}/desk/consultations/")
    desk.fill("#caller-query", "Иванова")
    desk.click("#callers button:has-text('Иванова Мария Петровна')")
    expect(desk.locator("#caller-chosen")).to_contain_text("Иванова Мария Петровна")
    desk.fill("#id_topic", "Не открывается электронный журнал")
    desk.fill("#id_notes", "Ошибка 500 при открытии журнала 5А")
    desk.click("#consultation-form button[type=submit]")
    expect(desk.locator("table.consultations")).to_contain_text("Не открывается электронный журнал")
    # AND turns it into an official request, the form filled with what is known
    desk.click("text=Оформить официальное обращение")
    expect(desk.locator("#id_f_email")).to_have_value("m.ivanova@school12.example")
    desk.select_option("#id_f_region", "Республика Татарстан")
    desk.click("button:has-text('Зарегистрировать обращение')")
    # THEN the ticket is registered and the agent sees the number to tell the caller
    ticket = Ticket.objects.get(consultation=Consultation.objects.get())
    expect(desk.locator(".flash")).to_contain_text(ticket.number)
    expect(_status(desk)).to_have_text("Обращение зарегистрировано")


def test_search_by_number_and_by_a_word_form(desk, live_server, eschool, teacher):
    ticket = factories.ticket(eschool, teacher, subject="Ошибка при выставлении оценок")
    # WHEN the agent types the short number the caller reads out
    desk.fill("#desk-search-q", str(int(ticket.number[3:])))
    desk.press("#desk-search-q", "Enter")
    # THEN the ticket opens
    expect(desk.locator(".ticket-number")).to_have_text(ticket.number)
    # AND a word in another form finds it too
    desk.fill("#desk-search-q", "ошибки")
    desk.press("#desk-search-q", "Enter")
    expect(desk.locator(".search-results")).to_contain_text(ticket.number)


@pytest.mark.any_database
def test_an_agent_is_warned_that_a_colleague_has_the_ticket_open(
        browser, desk, live_server, ticket, colleague):
    desk.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    context = browser.new_context(locale="ru-RU")
    other = context.new_page()
    sign_in(other, live_server.url, "colleague")
    other.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    expect(other.locator("#presence")).to_contain_text("Соколова Анна тоже просматривает это обращение.")
    context.close()


@pytest.mark.any_database
def test_an_agent_of_another_service_cannot_open_the_ticket(browser, live_server, ticket, outsider_agent):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    sign_in(page, live_server.url, "outsider")
    response = page.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    assert response.status == 404
    context.close()


@pytest.mark.any_database
def test_a_letter_with_several_problems_is_split_and_its_category_corrected_in_one_click(
        desk, live_server, eschool, tmp_path):
    """GIVEN a letter that describes two problems and came without a category
    WHEN the agent opens it THEN the inferred category with its confidence and the problems
    are shown; one click corrects the category, one click splits the problems."""
    from edudesk.intake.pipeline import submit
    from edudesk.intake.submission import RequesterData, Submission

    text = ("Здравствуйте!\nВо-первых, в журнале 7Б не сохраняются оценки за 23 ноября, выходит "
            "сообщение «Ошибка сохранения». Во-вторых, у родителей 5А в дневнике не отображается "
            "домашнее задание.\nС уважением, Иванова М.П.")
    ticket = submit(Submission(service=eschool, channel="email", description=text,
                               requester=RequesterData(email="m.ivanova@school12.example"),
                               register_incomplete=True)).ticket
    for width in (1280, 390):
        desk.set_viewport_size({"width": width, "height": 900})
        desk.goto(f"{live_server.url}/desk/t/{ticket.number}/")
        expect(desk.locator("#category-finding")).to_contain_text("уверенность")
        expect(desk.locator("#problems-finding li")).to_have_count(2)
        desk.screenshot(path=str(tmp_path / f"intake-findings-{width}.png"), full_page=True)
    other = "Другое" if ticket.category != "other" else "Предложение по доработке платформы"
    desk.click(f"#category-finding button:has-text('{other}')")
    expect(desk.locator("#category-finding")).to_contain_text("специалист её исправил")
    desk.click("text=Разделить на отдельные обращения")
    expect(desk.locator("#problems-finding")).to_contain_text("Выделены в отдельные обращения")
    assert Ticket.objects.count() == 2
