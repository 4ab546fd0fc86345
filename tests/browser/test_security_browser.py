"""The Content-Security-Policy in a real browser: every page still works and nothing is refused;
the widget is framed only by its service's LMS; a mail's remote images load only on request.

GIVEN the strict policy (no inline script, no eval, own origin only), WHEN a visitor, an agent
and an administrator use their pages in Chromium, THEN the browser reports no violation.
"""

import pytest
from playwright.sync_api import expect

from edudesk.accounts.models import User
from edudesk.desk.tests.browser import sign_in
from edudesk.intake.tests import files
from edudesk.mail.htmltext import sanitise_html
from edudesk.security.models import ServiceProtection
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Channel
from edudesk.tickets.types import Actor

# The portal browser tests' LMS page.
from .test_portal_browser import LmsSite, learner_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACKER = "http://track.mailer.example"


class Watched:
    """A page whose CSP violations (any frame) and outgoing requests are recorded."""

    def __init__(self, browser, width=1280, height=900):
        self.context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.violations: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", self._console)
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(message.text)


@pytest.fixture
def watched(browser):
    made = []

    def make(**viewport):
        item = Watched(browser, **viewport)
        made.append(item)
        return item

    yield make
    for item in made:
        item.context.close()


@pytest.mark.any_database
def test_public_pages_work_under_the_policy(watched, live_server, eschool):
    visitor = watched()
    page = visitor.page
    page.goto(f"{live_server.url}/support/eschool/new")
    page.get_by_label("Сообщение об ошибке").check()  # form.js fetches the category's fields
    expect(page.get_by_label("Наименование и версия браузера")).to_be_visible()
    page.select_option("#language-select", "en")  # edudesk.js submits the language form
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server.url}/support/eschool/signin")
    page.goto(f"{live_server.url}/")
    assert visitor.violations == []


@pytest.mark.any_database
def test_the_desk_works_and_a_mails_remote_images_load_only_on_request(watched, live_server, eschool,
                                                                     teacher, line1_agent, tmp_path):
    ticket = factories.ticket(eschool, teacher)
    html = ('<p>Добрый день! Журнал 5А не открывается, ошибка на снимке.</p>'
            f'<img src="{TRACKER}/open.gif?id=42" alt="" width="1" height="1">'
            f'<p><img src="{TRACKER}/logo.png" alt="Логотип школы"></p>')
    message = tickets.add_message(ticket, actor=Actor.customer(teacher), body="Журнал не открывается.",
                                  body_html=sanitise_html(html), channel=Channel.EMAIL)
    for width, height in ((1280, 900), (390, 844)):
        agent = watched(width=width, height=height)
        agent.page.route(f"{TRACKER}/**", lambda route: route.fulfill(
            body=files.png(120, 40), content_type="image/png"))
        sign_in(agent.page, live_server.url, "line1")
        assert agent.page.evaluate("typeof window.htmx") == "object"
        agent.page.goto(f"{live_server.url}/desk/t/{ticket.number}/")
        notice = agent.page.locator(f"#m{message.pk} .remote-images")
        expect(notice).to_contain_text("Внешние изображения не загружены (2)")
        agent.page.screenshot(path=str(tmp_path / f"ticket-images-hidden-{width}.png"), full_page=True)
        assert not [url for url in agent.requests if url.startswith(TRACKER)]
        notice.get_by_role("link", name="Показать изображения").click()
        expect(agent.page.get_by_role("img", name="Логотип школы")).to_be_visible()
        agent.page.screenshot(path=str(tmp_path / f"ticket-images-shown-{width}.png"), full_page=True)
        assert [url for url in agent.requests if url.startswith(TRACKER)]
        assert agent.violations == []
    print("screenshots in", tmp_path)


@pytest.mark.any_database
def test_admin_and_api_docs_work_under_the_policy(watched, live_server, db):
    User.objects.create_superuser("chief", "chief@edudesk.example", "pass-12345-word")
    admin = watched()
    page = admin.page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "pass-12345-word")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{live_server.url}/admin/security/serviceprotection/add/")
    expect(page.locator("#id_lms_origins")).to_be_visible()
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    assert admin.violations == []


@pytest.mark.any_database
def test_only_the_services_lms_may_frame_the_widget(watched, live_server, uchipro):
    platform_site, copycat_site = LmsSite(), LmsSite()
    try:
        ServiceProtection.objects.create(service=uchipro, lms_origins=platform_site.origin)
        stranger = watched()
        copycat_site.open(stranger.page, live_server, uchipro, learner_token(uchipro))
        with stranger.page.expect_console_message(lambda message: "frame-ancestors" in message.text):
            stranger.page.get_by_role("button", name="Техподдержка").click()
        expect(stranger.page.frame_locator("iframe[title='Техподдержка']")
               .get_by_label("Курс или учебный материал")).to_have_count(0)

        platform = watched()
        platform_site.open(platform.page, live_server, uchipro, learner_token(uchipro))
        platform.page.get_by_role("button", name="Техподдержка").click()
        expect(platform.page.frame_locator("iframe[title='Техподдержка']")
               .get_by_label("Курс или учебный материал")).to_be_visible()
        assert platform.violations == []
    finally:
        platform_site.close()
        copycat_site.close()


@pytest.mark.any_database
def test_reports_work_under_the_policy(watched, live_server, eschool, teacher, supervisor):
    factories.ticket(eschool, teacher)
    chief = watched()
    sign_in(chief.page, live_server.url, "supervisor")
    chief.page.click("nav >> text=Отчёты")
    expect(chief.page.locator("h1")).to_have_text("Табло руководителя")
    chief.page.click("text=Отчёт за период")
    expect(chief.page.locator(".legend .swatch-created", has_text="создано")).to_be_visible()
    assert chief.violations == []


@pytest.mark.any_database
def test_the_queue_does_not_refresh_while_tickets_are_ticked(watched, live_server, eschool, teacher,
                                                             line1_agent, settings):
    """queue.js polls without eval or inline script, and not while tickets are ticked (a
    refresh would clear the ticks)."""
    settings.EDUDESK_QUEUE_POLL_SECONDS = 1
    factories.ticket(eschool, teacher)
    agent = watched()
    polls = []
    agent.page.on("request", lambda r: polls.append(r.url) if "/desk/queue/updates" in r.url else None)
    sign_in(agent.page, live_server.url, "line1")
    agent.page.goto(f"{live_server.url}/desk/?queue=all")
    agent.page.locator("#queue-list input[name=tickets]").first.check()
    agent.page.wait_for_timeout(2500)
    assert polls == []
    agent.page.locator("#queue-list input[name=tickets]").first.uncheck()
    agent.page.wait_for_timeout(2500)
    assert polls
    assert agent.violations == []


@pytest.mark.parametrize("width", [1280, 390])
def test_a_request_with_a_nul_byte_gets_the_sites_400_page_and_its_language_switch_works(
        watched, live_server, eschool, width, tmp_path):
    visitor = watched(width=width)
    page = visitor.page
    response = page.goto(f"{live_server.url}/support/eschool/new?school=%00")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Некорректный запрос")
    expect(page.get_by_text("Запрос содержит недопустимые символы")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"error-400-characters-{width}.png"), full_page=True)
    page.select_option("#language-select", "en")  # the form's CSRF cookie was set with the page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert visitor.violations == []
