"""Safe actions on a ticket in a real browser: nothing happens over a change the agent did not
see, a merge is confirmed with both tickets on screen, closing asks why and can be undone.

GIVEN/WHEN/THEN in the seeds' words; the colleague's change is made through the ticket domain,
as a second agent's click would make it.
"""

import pytest
from playwright.sync_api import expect

from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.types import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
