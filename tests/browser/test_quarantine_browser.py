"""The desk's mail quarantine in a real browser, wide and narrow: a mail without a sender
becomes a ticket for the address the agent types."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from edudesk.desk.tests.browser import follow_desk_link, sign_in
from edudesk.mail.ingest import ingest
from edudesk.mail.models import Mailbox
from edudesk.mail.tests.conftest import SUPPORT_ADDRESS, read_corpus_mail
from edudesk.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("width", [1280, 390])
def test_agent_turns_a_mail_without_sender_into_a_ticket(browser, live_server, line1_agent, eschool,
                                                         width):
    mailbox = Mailbox.objects.create(name="Техподдержка", address=SUPPORT_ADDRESS, service=eschool)
    for name in ("robust/no_from.eml", "robust/pgp_mime_encrypted.eml"):
        ingest(read_corpus_mail(name), service=eschool, source="test", mailbox=mailbox)
    context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "line1")
    follow_desk_link(page, "Почта в карантине")
    expect(page.locator("table.quarantine")).to_contain_text("нет пригодного адреса отправителя")
    expect(page.locator("table.quarantine")).to_contain_text("зашифровано")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"quarantine-{width}.png"), full_page=True)

    row = page.locator("tr", has_text="нет пригодного адреса")
    row.locator("input[name=address]").fill("a.smirnova@school5-tver.example")
    row.locator("button:has-text('Создать обращение')").click()

    ticket = Ticket.objects.get()
    page.wait_for_url(f"**/desk/t/{ticket.number}/")
    expect(page.locator("body")).to_contain_text("Не открывается расписание")
    context.close()
