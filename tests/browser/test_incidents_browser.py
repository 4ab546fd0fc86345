"""A mass incident in a real browser: the agent declares it from a ticket, a teacher of another
school reports the same through «У меня та же проблема», one update reaches every child (by
mail in its thread, real SMTP; in the portal), the resolution closes them; the status page and
its feeds show it.
"""

import json

import pytest
from playwright.sync_api import expect

from edudesk.desk.tests.browser import sign_in
from edudesk.incidents.models import Incident, IncidentChild
from edudesk.mail.models import MailTemplate, OutboundMail
from edudesk.portal.auth import issue_login_link
from edudesk.testing import factories
from edudesk.tickets.models import Channel
from edudesk.tickets.status import Status

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]

TITLE = "Не открывается электронный журнал"
PUBLIC_TEXT = "С 8:15 электронный журнал недоступен: ошибка 502. Сервер восстанавливают."


@pytest.fixture
def smtp(settings):
    from edudesk.mail.tests.conftest import load_mail_test_module

    with load_mail_test_module("servers").SmtpCapture() as capture:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = capture.host, capture.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield capture


@pytest.fixture
def desk(browser, live_server, line1_agent):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    sign_in(page, live_server.url, "line1")
    yield page
    context.close()


def _portal(browser, live_server, contact, *, width=1280):
    context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/support/{contact.service.code}/signin/{issue_login_link(contact)}")
    page.click("button[type=submit]")
    return page


def _mails_to(smtp, address):
    return [m for m in smtp.messages() if address in m["To"]]


def test_declare_same_problem_update_and_resolve(browser, desk, live_server, eschool, school, smtp):
    # GIVEN a teacher of School No. 12 wrote by mail that the journal does not open
    mailer = factories.contact(eschool, full_name="Иванова Мария Петровна", org=school,
                               email="m.ivanova@school12.example")
    mailed = factories.ticket(eschool, mailer, subject="Журнал не открывается",
                              description="С утра не открывается электронный журнал, ошибка 502.",
                              channel=Channel.EMAIL, external_id="first@school12.example")
    # WHEN the agent declares a mass incident from that ticket
    desk.goto(f"{live_server.url}/desk/t/{mailed.number}/")
    desk.click("text=Объявить массовый инцидент по этому обращению")
    desk.fill("#id_title", TITLE)
    desk.fill("#id_public_text", PUBLIC_TEXT)
    desk.click("#declare-form button[type=submit]")
    # THEN the incident page lists the ticket as its child
    expect(desk.locator("h1")).to_contain_text(TITLE)
    expect(desk.locator(".incident-children")).to_contain_text(mailed.number)
    incident = Incident.objects.get()

    # WHEN a teacher of another school opens the form, sees «Известные проблемы» first and
    # presses «У меня та же проблема»
    gymnasium = factories.organisation(eschool, name="МБОУ «Гимназия № 5»")
    teacher = factories.contact(eschool, full_name="Петрова Ольга Сергеевна", org=gymnasium,
                                email="o.petrova@gym5.example", phone="+78435550005")
    portal = _portal(browser, live_server, teacher)
    portal.goto(f"{live_server.url}/support/{eschool.code}/new")
    known = portal.locator(".known-problems")
    expect(known).to_contain_text("Известные проблемы")
    expect(known).to_contain_text(TITLE)
    portal.screenshot(path=str(_shot("portal_known_problems_1280")))
    known.locator("button:has-text('У меня та же проблема')").click()
    # THEN the required data still applies: what the portal does not know is asked for
    expect(portal.locator(".known-problem.chosen")).to_contain_text(TITLE)
    portal.select_option("#field-region", "Республика Татарстан")
    portal.fill("#field-institution", "МБОУ «Гимназия № 5», г. Казань")
    portal.fill("#field-initiator_login", "o.petrova")
    if portal.locator("#field-affected_login").count():
        portal.fill("#field-affected_login", "o.petrova")
    portal.click("button[name=step][value=submit]")
    # THEN the receipt says it is a known problem and the ticket is a linked child
    expect(portal.locator(".receipt .known-problem")).to_contain_text(f"Это известная проблема: «{TITLE}»")
    portal.screenshot(path=str(_shot("portal_receipt_known_problem_1280")), full_page=True)
    child = IncidentChild.objects.get(ticket__requester=teacher)
    assert child.incident == incident and child.how == IncidentChild.How.CUSTOMER

    # WHEN the agent posts one update on the incident
    desk.goto(f"{live_server.url}/desk/incidents/{incident.pk}/")
    desk.fill("#incident-update textarea", "Сервер перезапущен, проверяем работу журнала.")
    desk.click("#incident-update button[type=submit]")
    expect(desk.locator(".flash")).to_contain_text("Сообщение отправляется в связанные обращения: 2")
    # (jobs run inline in tests: the fan-out is over by the time the page is shown)
    expect(desk.locator(".incident-updates")).to_contain_text("обращений: 2")
    # THEN the mailed teacher gets it in her ticket's thread, over real SMTP
    [update_mail] = [m for m in _mails_to(smtp, mailer.email)
                     if "Сервер перезапущен" in m.get_body(("plain",)).get_content()]
    assert mailed.number in update_mail["Subject"]
    assert "first@school12.example" in update_mail["References"]
    # AND the portal teacher sees it on her ticket's page
    portal.goto(f"{live_server.url}/support/{eschool.code}/requests/{child.ticket.number}/")
    expect(portal.locator("body")).to_contain_text("Сервер перезапущен, проверяем работу журнала.")

    # WHEN the agent resolves the incident
    desk.fill("#incident-resolve textarea", "Журнал снова работает. Спасибо за терпение!")
    desk.click("#incident-resolve button[type=submit]")
    expect(desk.locator(".flash")).to_contain_text("связанные обращения закрываются: 2")
    # THEN every child is «Вопрос решён», told with the closing text
    for ticket in (mailed, child.ticket):
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED
    closing = [m for m in _mails_to(smtp, mailer.email) if "Журнал снова работает" in
               m.get_body(("plain",)).get_content()]
    assert len(closing) == 1 and "first@school12.example" in closing[0]["References"]
    assert OutboundMail.objects.filter(to_address=teacher.email,
                                       template=MailTemplate.Key.INCIDENT_RESOLVED).count() == 1
    portal.reload()
    expect(portal.locator("body")).to_contain_text("Вопрос решён")
    expect(portal.locator("body")).to_contain_text("Журнал снова работает.")

    # AND the status page shows it as recently resolved; the JSON and RSS feeds carry it
    portal.goto(f"{live_server.url}/status/{eschool.code}")
    expect(portal.locator("h1")).to_have_text("Состояние сервиса")
    expect(portal.locator(".status-ok")).to_be_visible()
    expect(portal.locator(".known-problem.resolved")).to_contain_text(TITLE)
    feed = json.loads(portal.request.get(f"{live_server.url}/status/{eschool.code}/incidents.json").text())
    assert feed["active"] == [] and feed["recent"][0]["title"] == TITLE
    rss = portal.request.get(f"{live_server.url}/status/{eschool.code}/feed.rss").text()
    assert f"Устранено: {TITLE}" in rss


def test_the_status_page_shows_an_active_incident_at_1280_and_390(
        browser, live_server, eschool, line1_agent):
    from edudesk.incidents import services

    services.declare(service=eschool, agent=line1_agent, title=TITLE, public_text=PUBLIC_TEXT,
                     regions=["Республика Татарстан"])
    for width in (1280, 390):
        context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{live_server.url}/status/{eschool.code}")
        expect(page.locator(".known-problem")).to_contain_text(PUBLIC_TEXT)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scroll"
        page.screenshot(path=str(_shot(f"status_active_{width}")), full_page=True)
        page.goto(f"{live_server.url}/support/{eschool.code}/new")
        expect(page.locator(".known-problems")).to_contain_text(TITLE)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(_shot(f"portal_known_problems_{width}")), full_page=True)
        context.close()


def test_the_incident_page_follows_an_update_to_its_end_without_a_reload(
        desk, live_server, eschool, line1_agent):
    from django.utils import timezone

    from edudesk.incidents import services
    from edudesk.incidents.models import IncidentUpdate

    incident = services.declare(service=eschool, agent=line1_agent, title=TITLE,
                                public_text=PUBLIC_TEXT)
    update = IncidentUpdate.objects.create(incident=incident, body="Чиним сервер", author=line1_agent,
                                           children_total=500, children_told=120)
    desk.goto(f"{live_server.url}/desk/incidents/{incident.pk}/")
    progress = desk.locator(f"#update-progress-{update.pk}")
    expect(progress).to_have_text("отправлено в 120 из 500")
    desk.evaluate("document.body.dataset.unreloaded = 'yes'")
    IncidentUpdate.objects.filter(pk=update.pk).update(children_told=320)
    expect(progress).to_have_text("отправлено в 320 из 500", timeout=15_000)
    IncidentUpdate.objects.filter(pk=update.pk).update(children_told=500, finished_at=timezone.now())
    expect(progress).to_have_text("обращений: 500", timeout=15_000)
    assert desk.evaluate("document.body.dataset.unreloaded") == "yes"


def test_declare_from_the_queue_selection_then_edit_at_1280_and_390(
        browser, desk, live_server, eschool, line1_agent):
    # GIVEN two schools of one region reported the same outage
    schools = [factories.organisation(eschool, name=f"МБОУ «Школа № {n}»", region="Курская область")
               for n in (3, 8)]
    tickets = [factories.ticket(eschool, factories.contact(eschool, full_name=f"Учитель {n}", org=org,
                                                           email=f"t{n}@school.example"),
                                subject="Журнал не открывается", description="Ошибка 502 с утра.")
               for n, org in enumerate(schools)]
    # WHEN the agent selects them in the queue and presses «Объявить инцидент» in the bulk bar
    desk.goto(f"{live_server.url}/desk/")
    for ticket in tickets:
        desk.check(f"input[name=tickets][value='{ticket.number}']")
    desk.click("#bulk-incident")
    # THEN the declare form is filled in from the selection
    expect(desk.locator("#id_tickets")).to_have_value(" ".join(t.number for t in tickets))
    expect(desk.locator("#id_regions")).to_have_value("Курская область")
    expect(desk.locator("#id_title")).to_have_value("Журнал не открывается")
    desk.fill("#id_public_text", PUBLIC_TEXT)
    desk.click("#declare-form button[type=submit]")
    expect(desk.locator(".incident-children")).to_contain_text(tickets[1].number)
    incident = Incident.objects.get()
    # WHEN the agent corrects the text for users
    for width in (1280, 390):
        desk.set_viewport_size({"width": width, "height": 900})
        desk.goto(f"{live_server.url}/desk/incidents/{incident.pk}/edit")
        assert desk.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scroll"
        desk.screenshot(path=str(_shot(f"desk_incident_edit_{width}")), full_page=True)
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.fill("#id_public_text", "Журнал открывается, но медленно: сервер под нагрузкой.")
    desk.click("#edit-form button[type=submit]")
    # THEN the timeline keeps the change and the status page shows the new text
    expect(desk.locator(".incident-edit")).to_contain_text("Журнал открывается, но медленно")
    expect(desk.locator(".incident-edit del")).to_contain_text("ошибка 502")
    for width in (1280, 390):
        desk.set_viewport_size({"width": width, "height": 900})
        desk.reload()
        assert desk.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scroll"
        desk.screenshot(path=str(_shot(f"desk_incident_timeline_{width}")), full_page=True)
    desk.goto(f"{live_server.url}/status/{eschool.code}")
    expect(desk.locator(".known-problem")).to_contain_text("Журнал открывается, но медленно")


def _shot(name):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "incidents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"
