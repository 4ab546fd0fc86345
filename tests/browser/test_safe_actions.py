"""Safe actions on a ticket in a real browser: nothing happens over a change the agent did not
see, a merge is confirmed with both tickets on screen, closing asks why and can be undone.

GIVEN/WHEN/THEN in the seeds' words; the colleague's change is made through the ticket domain,
as a second agent's click would make it.
"""

import re

import pytest
from playwright.sync_api import expect

from edudesk.portal.auth import issue_login_link
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.types import Actor

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]


def customer_page(browser, live_server, contact, ticket):
    """The requester's portal, signed in by a mailed link, on the ticket's page."""
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server.url}/support/{ticket.service.code}/signin/{issue_login_link(contact)}")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/support/{ticket.service.code}/requests/{ticket.number}/")
    return page


def test_take_from_a_stale_page_does_not_take_a_colleagues_ticket(
        desk, live_server, eschool, teacher, colleague, line1_agent):
    # GIVEN Анна has a new ticket open in her desk
    ticket = factories.ticket(eschool, teacher, subject="Не открывается журнал 5А")
    desk.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    # WHEN Илья takes it meanwhile, and Анна then presses «Взять себе» on her old page
    services.assign(ticket, actor=Actor.agent(colleague), assignee=colleague)
    desk.click(".ticket-actions button:has-text('Взять себе')")
    # THEN nothing is taken: she is told who changed what, and the page shows the ticket as it is
    alert = desk.locator(".flash .error").first
    expect(alert).to_contain_text("изменилось")
    expect(desk.locator(".flash")).to_contain_text("Морозов Илья")
    expect(desk.locator(".flash")).to_contain_text("Назначено: Морозов Илья")
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    # AND on the page as it is now, the same button works
    desk.click(".ticket-actions button:has-text('Взять себе')")
    expect(desk.locator(".flash")).to_contain_text("Обращение назначено на вас.")
    ticket.refresh_from_db()
    assert ticket.assignee == line1_agent


def test_merge_shows_both_tickets_and_refuses_different_requesters_in_favour_of_a_link(
        browser, desk, live_server, eschool, teacher):
    # GIVEN Иванова (Казань) and Петров (Тверь) wrote about the same journal error
    tver = factories.organisation(eschool, name="МОУ «Гимназия № 3»", city="Тверь",
                                  region="Тверская область")
    petrov = factories.contact(eschool, full_name="Петров Сергей Иванович", org=tver,
                               email="petrov@gym3.example")
    ivanova_ticket = factories.ticket(eschool, teacher, subject="Журнал не сохраняет оценки",
                                      description="Мой телефон +7 843 555-00-01, класс 5А.")
    petrov_ticket = factories.ticket(eschool, petrov, subject="Оценки не сохраняются",
                                     description="Звоните мне: +7 4822 55-00-02.")
    # WHEN the agent says Иванова's ticket repeats Петров's
    desk.goto(f"{live_server.url}/desk/t/{ivanova_ticket.number}/")
    desk.fill("#merge-number", petrov_ticket.number)
    desk.click("button:has-text('Объединить…')")
    # THEN both tickets are shown side by side, and the merge is refused: different requesters
    pair = desk.locator("#merge-pair")
    for text in (ivanova_ticket.number, petrov_ticket.number, "Иванова Мария Петровна",
                 "Петров Сергей Иванович", "Казань", "Тверь", "Журнал не сохраняет оценки",
                 "Оценки не сохраняются", "Обращение зарегистрировано"):
        expect(pair).to_contain_text(text)
    expect(desk.locator("#merge-refusal")).to_contain_text("разные заявители")
    expect(desk.locator("button:has-text('Объединить обращения')")).to_have_count(0)
    # WHEN the agent links them as one problem instead
    desk.click("button:has-text('Связать как одну проблему')")
    expect(desk.locator(".flash")).to_contain_text("Обращения связаны.")
    ivanova_ticket.refresh_from_db()
    assert ivanova_ticket.merged_into is None and ivanova_ticket.is_open
    # THEN Иванова's portal shows her own ticket and nothing of Петров's
    customer = customer_page(browser, live_server, teacher, ivanova_ticket)
    expect(customer.locator("main")).to_contain_text("Мой телефон")
    expect(customer.locator("main")).not_to_contain_text("4822")
    expect(customer.locator("main")).not_to_contain_text("Петров Сергей")
    customer.context.close()


def test_one_requesters_duplicate_is_merged_after_confirmation_and_shown_as_merged(
        browser, desk, live_server, eschool, teacher):
    original = factories.ticket(eschool, teacher, subject="Не сохраняются оценки")
    duplicate = factories.ticket(eschool, teacher, subject="Снова не сохраняются оценки")
    desk.goto(f"{live_server.url}/desk/t/{duplicate.number}/")
    desk.fill("#merge-number", str(int(original.number[3:])))
    desk.click("button:has-text('Объединить…')")
    # THEN nothing is merged until the agent confirms what will happen
    expect(desk.locator("#merge-effect")).to_contain_text(
        f"заявитель получит письмо с номером {original.number}")
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    desk.click("button:has-text('Объединить обращения')")
    desk.wait_for_url(re.compile(f"/desk/t/{original.number}/$"))
    # THEN the duplicate reads «Объединено с INC…», in the desk and in the requester's portal
    desk.goto(f"{live_server.url}/desk/t/{duplicate.number}/")
    expect(desk.locator("#ticket-status")).to_have_text(f"Объединено с {original.number}")
    customer = customer_page(browser, live_server, teacher, duplicate)
    expect(customer.locator(".ticket-status")).to_have_text(f"Объединено с {original.number}")
    expect(customer.locator(".status-meaning")).to_contain_text(original.number)
    expect(customer.locator("main")).not_to_contain_text("отменено")
    customer.goto(f"{live_server.url}/support/eschool/requests/{original.number}/")
    expect(customer.locator("h1")).to_contain_text(original.number)
    customer.context.close()


def test_cancel_asks_why_tells_the_customer_and_can_be_undone_without_any_mail(
        browser, desk, live_server, eschool, teacher, line1_agent):
    from edudesk.mail.models import MailTemplate, OutboundMail
    from edudesk.tickets.status import Status

    # GIVEN a teacher's ticket in work
    ticket = factories.ticket(eschool, teacher, subject="Не открывается журнал 5А")
    services.transition(ticket, Status.IN_WORK, actor=Actor.agent(line1_agent))
    desk.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    # WHEN the agent presses «Обращение отменено»: nothing happens before a reason is given
    desk.click(".status-buttons a:has-text('Обращение отменено')")
    expect(desk.locator("#close-form")).to_contain_text("её увидит заявитель")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_WORK
    desk.check("input[name=reason][value=other]")
    desk.fill("#close-comment", "Учитель перешёл в другую школу")
    desk.click("#close-form button[type=submit]")
    # THEN the ticket is cancelled with its reason, the customer's mail is held, and undo is offered
    expect(desk.locator("#ticket-status")).to_have_text("Обращение отменено")
    expect(desk.locator("#close-reason")).to_contain_text("Учитель перешёл в другую школу")
    mail = OutboundMail.objects.get(ticket=ticket, template=MailTemplate.Key.CLOSED)
    assert mail.state == OutboundMail.State.QUEUED and mail.send_after is not None
    assert "Причина: Учитель перешёл в другую школу" in mail.body_text
    # AND the teacher sees the reason in her portal
    customer = customer_page(browser, live_server, teacher, ticket)
    expect(customer.locator(".close-reason")).to_contain_text("Учитель перешёл в другую школу")
    # WHEN the agent undoes it
    desk.click("#undo button:has-text('Отменить закрытие')")
    # THEN the status is back, the history says so, and the held mail will never go
    expect(desk.locator("#ticket-status")).to_have_text("Обращение в работе")
    expect(desk.locator(".timeline")).to_contain_text("Закрытие отменено")
    from edudesk.mail.outbound import send_outbound

    assert send_outbound(mail.pk, now=mail.send_after) == OutboundMail.State.WITHDRAWN
    customer.reload()
    expect(customer.locator(".ticket-status")).to_have_text("Обращение в работе")
    expect(customer.locator(".close-reason")).to_have_count(0)
    customer.context.close()


def test_the_customer_confirms_the_solution_with_a_reason_and_can_take_it_back(
        browser, live_server, eschool, teacher, line1_agent):
    from edudesk.tickets.status import Status

    ticket = factories.ticket(eschool, teacher, subject="Не печатается отчёт")
    services.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent))
    customer = customer_page(browser, live_server, teacher, ticket)
    # WHEN the teacher presses «Подтвердить решение»: she is asked why first
    customer.click("a:has-text('Подтвердить решение')")
    expect(customer.locator("#close-form")).to_contain_text("Ответ техподдержки помог")
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED
    customer.click("#close-form button[type=submit]")
    # THEN «Вопрос решён» with her reason, and a way back for a few minutes
    expect(customer.locator(".ticket-status")).to_have_text("Вопрос решён")
    expect(customer.locator(".close-reason")).to_contain_text("Ответ техподдержки помог")
    customer.click("#undo button:has-text('Вернуть обращение')")
    expect(customer.locator(".ticket-status")).to_have_text("Ответ техподдержки")
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED
    customer.context.close()


def test_a_refused_portal_reply_keeps_its_text_and_its_accepted_screenshot(
        browser, live_server, eschool, teacher, tmp_path):
    from edudesk.intake.tests import files
    from edudesk.tickets.models import Message

    png, archive = tmp_path / "ошибка.png", tmp_path / "скриншоты.zip"
    png.write_bytes(files.png(320, 200))
    archive.write_bytes(files.zip_archive())
    ticket = factories.ticket(eschool, teacher)
    customer = customer_page(browser, live_server, teacher, ticket)
    # WHEN the teacher writes, attaches a screenshot and an archive, and sends
    customer.fill("#reply-body", "Снимок во вложении: картинка1.")
    customer.locator("#reply-screenshots").set_input_files([str(png), str(archive)])
    customer.click("#reply button[type=submit]")
    # THEN the archive is refused, and her text and the screenshot are still there
    expect(customer.locator(".error-summary")).to_contain_text(".zip")
    expect(customer.locator("#reply-body")).to_have_value("Снимок во вложении: картинка1.")
    expect(customer.locator("#reply .pending-uploads")).to_contain_text("ошибка.png")
    # WHEN she sends again without picking anything
    customer.click("#reply button[type=submit]:has-text('Отправить')")
    # THEN the message is added with its screenshot
    expect(customer.locator(".flash")).to_contain_text("Сообщение добавлено в обращение.")
    message = ticket.messages.filter(kind=Message.Kind.PUBLIC).latest("id")
    assert message.body == "Снимок во вложении: картинка1."
    assert [a.original_name for a in message.attachments.all()] == ["ошибка.png"]
    customer.context.close()


def test_a_refused_desk_reply_keeps_its_text_and_its_screenshot_until_sent(
        desk, live_server, eschool, teacher, colleague, tmp_path):
    from edudesk.intake.tests import files
    from edudesk.tickets.models import Message

    png, second = tmp_path / "ошибка.png", tmp_path / "лишний.png"
    png.write_bytes(files.png(320, 200))
    second.write_bytes(files.png(200, 120))
    ticket = factories.ticket(eschool, teacher, subject="Не открывается журнал 5А")
    desk.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    # GIVEN Анна writes a reply with two screenshots, while Илья takes the ticket meanwhile
    desk.fill("#composer-body", "Исправили, проверьте: картинка1.")
    desk.locator("#composer-files").set_input_files([str(png), str(second)])
    services.assign(ticket, actor=Actor.agent(colleague), assignee=colleague)
    desk.click("#composer button[type=submit]:has-text('Отправить')")
    # THEN nothing is sent: the change is shown, her text and both screenshots are still there
    expect(desk.locator("#composer .conflict")).to_contain_text("Морозов Илья")
    expect(desk.locator("#composer-body")).to_have_value("Исправили, проверьте: картинка1.")
    kept = desk.locator("#composer .pending-uploads")
    expect(kept).to_contain_text("ошибка.png")
    expect(kept).to_contain_text("лишний.png")
    # WHEN she removes one and sends again without picking anything
    kept.locator("li", has_text="лишний.png").get_by_role("button", name="Убрать").click()
    expect(desk.locator("#composer .pending-uploads")).not_to_contain_text("лишний.png")
    expect(desk.locator("#composer-body")).to_have_value("Исправили, проверьте: картинка1.")
    desk.click("#composer button[type=submit]:has-text('Отправить')")
    # THEN the reply goes with the one screenshot she kept
    expect(desk.locator(".flash")).to_contain_text("Ответ отправлен.")
    message = ticket.messages.filter(kind=Message.Kind.PUBLIC).latest("id")
    assert message.body == "Исправили, проверьте: картинка1."
    assert [a.original_name for a in message.attachments.all()] == ["ошибка.png"]


def test_bulk_cancel_asks_why_tells_each_customer_and_can_be_undone(
        browser, desk, live_server, eschool, teacher, another_teacher):
    from edudesk.mail.models import MailTemplate, OutboundMail
    from edudesk.tickets import policy
    from edudesk.tickets.status import Status

    # GIVEN two teachers' new tickets and a third one left alone
    first = factories.ticket(eschool, teacher, subject="Журнал 5А не открывается")
    second = factories.ticket(eschool, another_teacher, subject="Журнал 6Б не открывается")
    other = factories.ticket(eschool, teacher, subject="Не печатается отчёт")
    desk.goto(f"{live_server.url}/desk/?queue=all")
    # WHEN the agent ticks two of them and chooses «Статус: Обращение отменено»
    for ticket in (first, second):
        desk.check(f"input[name=tickets][value={ticket.number}]")
    desk.select_option("#bulk-action", "status:cancelled")
    desk.click("#bulk-form button[type=submit]")
    # THEN nothing is cancelled yet: the two tickets are listed and a reason is asked
    listed = desk.locator("#bulk-tickets")
    expect(listed).to_contain_text(first.number)
    expect(listed).to_contain_text(second.number)
    expect(listed).not_to_contain_text(other.number)
    expect(desk.locator("#close-form")).to_contain_text("её увидит каждый заявитель")
    assert not eschool.tickets.filter(status=Status.CANCELLED).exists()
    desk.check("input[name=reason][value=other]")
    desk.fill("#close-comment", "Сбой устранён на стороне платформы")
    desk.click("#close-form button[type=submit]")
    # THEN both are cancelled with the reason, each customer's mail tells it and is held
    expect(desk.locator(".flash")).to_contain_text("Изменено обращений: 2.")
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.status == Status.CANCELLED
        assert policy.close_reason_text(policy.closing_event(ticket).data) == (
            "Сбой устранён на стороне платформы")
        mail = OutboundMail.objects.get(ticket=ticket, template=MailTemplate.Key.CLOSED)
        assert mail.send_after is not None
        assert "Причина: Сбой устранён на стороне платформы" in mail.body_text
    other.refresh_from_db()
    assert other.status == Status.REGISTERED
    # WHEN the agent presses «Вернуть» in the queue
    desk.click("#bulk-undo button:has-text('Вернуть')")
    # THEN each ticket has its status back, as an undo on its own page would
    expect(desk.locator(".flash")).to_contain_text("Изменено обращений: 2.")
    expect(desk.locator("#bulk-undo")).to_have_count(0)
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.status == Status.IN_PROCESSING
