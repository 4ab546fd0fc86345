"""Browser tests of the customer side, in Debian's headless chromium driven by Playwright.

GIVEN a teacher of School No. 12 (the e-school) or a learner of the LMS (Uchi.Pro), WHEN they use
the request form, the widget or «Мои обращения» in a real browser, THEN what they see and what is
stored follow the seeds' rules.
"""

import http.server
import secrets
import threading
import time

import pytest
from playwright.sync_api import expect

from edudesk.intake.tests import files
from edudesk.portal import auth
from edudesk.portal.widget_token import sign
from edudesk.security.models import ServiceProtection
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Attachment, Ticket
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot_file(tmp_path):
    path = tmp_path / "ошибка.png"
    path.write_bytes(files.png(320, 200))
    return path


@pytest.fixture
def zip_file(tmp_path):
    path = tmp_path / "скриншоты.zip"
    path.write_bytes(files.zip_archive())
    return path


def fill_eschool_error_form(page, live_server, *, browser_version="Chrome 120"):
    page.goto(f"{live_server.url}/support/eschool/new")
    page.get_by_label("Сообщение об ошибке").check()  # the script shows the fields at once
    expect(page.get_by_label("Регион")).to_be_visible()
    page.get_by_label("Регион").select_option("Республика Татарстан")
    page.get_by_role("textbox", name="ФИО", exact=True).fill("Иванова Мария Петровна")
    page.get_by_label("Наименование учреждения с указанием города").fill(
        "МБОУ «Средняя школа № 12», г. Казань")
    page.get_by_label("Суть вопроса").fill("Не сохраняются оценки в журнале 5А по математике.")
    page.get_by_label("Логин пользователя инициатора заявки").fill("m.ivanova")
    page.get_by_label("Логин пользователя, под которым наблюдается проблема").fill("m.ivanova")
    page.get_by_label("Адрес электронной почты").fill("m.ivanova@school12.example")
    page.get_by_label("Телефон").fill("8 843 555-12-34")
    page.get_by_label("Наименование и версия браузера").fill(browser_version)
    page.get_by_label("Порядок действий, который привёл к ошибке").fill(
        "Открываю журнал 5А, ставлю оценку, нажимаю «Сохранить» — ошибка 500.")


def test_complete_submission_with_a_screenshot(browser_page, live_server, eschool,
                                               screenshot_file):
    page = browser_page
    fill_eschool_error_form(page, live_server)
    page.get_by_label("Снимки экрана").set_input_files(str(screenshot_file))
    page.get_by_role("button", name="Отправить обращение").click()
    expect(page.get_by_role("heading", name="Обращение зарегистрировано")).to_be_visible()
    ticket = Ticket.objects.get()
    expect(page.locator(".ticket-number")).to_have_text(ticket.number)
    expect(page.locator(".ticket-priority")).to_have_text("обычный")
    expect(page.get_by_text("Обязательно зафиксируйте номер и дату")).to_be_visible()
    assert ticket.attachments.get().display_name == "картинка1"


def test_browser_field_is_filled_from_the_user_agent(browser_page, live_server, eschool):
    page = browser_page
    page.goto(f"{live_server.url}/support/eschool/new?category=error")
    expect(page.get_by_label("Наименование и версия браузера")).to_have_value(
        f"Chrome {page.evaluate('navigator.userAgent').split('Chrome/')[1].split(' ')[0]}")


def send_without_the_browser(page, live_server, screenshot_file) -> None:
    """The e-school's error form sent with a screenshot but without the browser's version."""
    fill_eschool_error_form(page, live_server, browser_version="")
    page.get_by_label("Снимки экрана").set_input_files(str(screenshot_file))
    page.get_by_role("button", name="Отправить обращение").click()


def test_missing_field_is_refused_and_nothing_is_stored(browser_page, live_server, eschool,
                                                         screenshot_file):
    page = browser_page
    send_without_the_browser(page, live_server, screenshot_file)
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Заполните поле «Наименование и версия браузера».")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Наименование и версия браузера")).to_be_focused()
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_zip_is_refused_quoting_the_rule_and_nothing_is_stored(browser_page, live_server, eschool,
                                                               zip_file):
    page = browser_page
    fill_eschool_error_form(page, live_server)
    page.get_by_label("Снимки экрана").set_input_files(str(zip_file))
    page.get_by_role("button", name="Отправить обращение").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Изображения, вставленные в файлы .doc, .zip или .rar, не принимаются к рассмотрению.")
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def widget_host_page(live_server, service, token: str) -> str:
    """The platform's page with the widget snippet, as an integrator would paste it."""
    return (f'<!doctype html><html><body><h1>СДО Учебного центра</h1>'
            f'<script src="{live_server.url}/static/portal/widget.js" '
            f'data-edudesk-service="{service.code}" data-edudesk-token="{token}"></script>'
            f'</body></html>')


class LmsSite:
    """The platform's own web site: a real server on another origin than edudesk's, serving
    the page an integrator pastes the widget snippet into."""

    def __init__(self):
        self.html = b""
        site = self

        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(site.html)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def open(self, page, live_server, service, token: str) -> None:
        self.html = widget_host_page(live_server, service, token).encode()
        page.goto(f"{self.origin}/")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def lms_site():
    site = LmsSite()
    yield site
    site.close()


@pytest.fixture
def uchipro_lms(uchipro, lms_site):
    """Uchi.Pro with its LMS's origin listed: only it may frame the widget (frame-ancestors)."""
    ServiceProtection.objects.create(service=uchipro, lms_origins=lms_site.origin)
    return uchipro


def learner_token(service, **changes) -> str:
    now = int(time.time())
    return sign(service.widget_secret, {
        "service": service.code, "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
        "full_name": "Петров Олег Иванович", "login": "petrov.oi", "role": "learner",
        "organisation": "ООО «Учебный центр»", "platform_url": "https://sdo.uc.example.ru",
        "email": "petrov@uc.example.ru", "phone": "+7 912 345-67-89", **changes,
    })


def open_widget_on_a_course(page, live_server, uchipro, lms_site):
    """The learner opens the widget in the LMS and chooses «Курс или учебный материал»."""
    lms_site.open(page, live_server, uchipro, learner_token(uchipro))
    page.get_by_role("button", name="Техподдержка").click()
    frame = page.frame_locator("iframe[title='Техподдержка']")
    frame.get_by_label("Курс или учебный материал").check()
    return frame


def test_widget_with_a_valid_token_submits_with_locked_lms_data(browser_page, live_server,
                                                                uchipro_lms, lms_site):
    page = browser_page
    frame = open_widget_on_a_course(page, live_server, uchipro_lms, lms_site)
    expect(frame.get_by_label("Ваше ФИО")).to_have_value("Петров Олег Иванович")
    expect(frame.get_by_label("Ваше ФИО")).not_to_be_editable()
    frame.get_by_label("Описание проблемы").fill("Курс «Охрана труда» не открывается у слушателей.")
    frame.get_by_label("Полное название курса").fill("Охрана труда")
    frame.get_by_label("Ссылка на курс или материал").fill("https://sdo.uc.example.ru/course/15")
    frame.get_by_role("button", name="Отправить обращение").click()
    expect(frame.get_by_role("heading", name="Обращение зарегистрировано")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.channel == "widget" and ticket.requester.login == "petrov.oi"
    expect(frame.locator(".ticket-number")).to_have_text(ticket.number)


def test_widget_with_a_tampered_token_is_refused(browser_page, live_server, uchipro_lms, lms_site):
    uchipro = uchipro_lms
    version, payload, signature = learner_token(uchipro).split(".")
    tampered = f"{version}.{payload[:-3]}xyz.{signature}"
    page = browser_page
    lms_site.open(page, live_server, uchipro, tampered)
    page.get_by_role("button", name="Техподдержка").click()
    frame = page.frame_locator("iframe[title='Техподдержка']")
    expect(frame.get_by_role("alert")).to_contain_text("не прошли проверку подписи")
    assert Ticket.objects.count() == 0


def test_customer_answers_a_clarification_in_the_portal(browser_page, live_server, eschool,
                                                        screenshot_file):
    teacher = factories.contact(eschool, full_name="Иванова Мария Петровна",
                                email="m.ivanova@school12.example")
    agent = factories.agent(eschool, username="line1", full_name="Соколова Анна")
    ticket = factories.ticket(eschool, teacher)
    tickets.request_clarification(ticket, actor=Actor.agent(agent),
                                  body="Пришлите снимок экрана с сообщением об ошибке.")
    token = auth.issue_login_link(teacher)
    page = browser_page
    page.goto(f"{live_server.url}/support/eschool/signin/{token}")
    page.get_by_role("button", name="Войти").click()
    page.get_by_role("link", name=ticket.number).click()
    expect(page.get_by_role("heading", name="Техподдержке требуется уточнение")).to_be_visible()
    page.get_by_role("textbox", name="Сообщение", exact=True).fill("Снимок во вложении: картинка1.")
    page.get_by_label("Снимки экрана (.jpeg или .png)").set_input_files(str(screenshot_file))
    page.get_by_role("button", name="Отправить уточнение").click()
    expect(page.locator(".ticket-status")).to_have_text("Уточнение техподдержке отправлено")
    expect(page.get_by_role("img", name="картинка1")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLARIFICATION_SENT


def test_keyboard_user_arrows_through_categories_without_losing_focus(browser_page, live_server,
                                                                     eschool):
    page = browser_page
    page.goto(f"{live_server.url}/support/eschool/new")
    page.get_by_label("Сообщение об ошибке").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Наименование и версия браузера")).to_be_visible()
    page.keyboard.press("ArrowDown")  # «Предложение по доработке платформы»
    expect(page.get_by_label("Наименование и версия браузера")).to_have_count(0)
    expect(page.get_by_label("Предложение по доработке платформы")).to_be_focused()
    expect(page.locator("#fields-status")).to_contain_text("Предложение по доработке платформы")


def test_several_problems_are_split_in_one_click(browser_page, live_server, eschool,
                                                 screenshot_file):
    page = browser_page
    fill_eschool_error_form(page, live_server)
    page.get_by_label("Суть вопроса").fill(
        "1. Не сохраняются оценки в журнале 5А.\n2. Пропало расписание уроков у 7Б класса.")
    page.get_by_label("Снимки экрана").set_input_files(str(screenshot_file))
    page.get_by_role("button", name="Отправить обращение").click()
    page.get_by_role("button", name="Разделить на отдельные обращения (2)").click()
    expect(page.get_by_role("heading", name="Зарегистрировано обращений: 2")).to_be_visible()
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("width", [1280, 390])
def test_receipt_and_portal_page_in_the_seeds_words_at_desktop_and_phone_width(
        browser_page, live_server, eschool, tmp_path, width):
    """The receipt of a request sent on Saturday and its page in «Мои обращения»: number and
    date, priority and due date, the next working day, what the status means, the advice."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.core import signing

    from edudesk.portal.views_intake import RECEIPT_SALT

    teacher = factories.contact(eschool, full_name="Иванова Мария Петровна",
                                email="m.ivanova@school12.example")
    ticket = factories.ticket(eschool, teacher,
                              now=datetime(2026, 11, 28, 14, 0, tzinfo=ZoneInfo("Europe/Moscow")))
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    receipt = signing.dumps({"t": [ticket.pk], "added": False, "w": False}, salt=RECEIPT_SALT)
    page.goto(f"{live_server.url}/support/eschool/submitted/{receipt}")
    expect(page.locator(".off-hours")).to_contain_text("в ближайший рабочий день — 30.11.2026")
    expect(page.get_by_role("heading", name="Важные рекомендации при взаимодействии с "
                                              "технической поддержкой")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scroll"
    page.screenshot(path=str(tmp_path / f"receipt-{width}.png"), full_page=True)
    token = auth.issue_login_link(teacher)
    page.goto(f"{live_server.url}/support/eschool/signin/{token}")
    page.get_by_role("button", name="Войти").click()
    page.get_by_role("link", name=ticket.number).click()
    expect(page.locator(".status-meaning")).to_have_text("Обращение добавлено в систему.")
    expect(page.locator("section.advice li")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scroll"
    page.screenshot(path=str(tmp_path / f"portal-{width}.png"), full_page=True)


# --- accepted screenshots stay attached across a failed submit ----------------------------------

def test_a_screenshot_stays_attached_when_the_form_is_refused_for_another_field(
        browser_page, live_server, eschool, screenshot_file):
    # GIVEN Мария Петровна attaches her screenshot but forgets the browser's version
    page = browser_page
    send_without_the_browser(page, live_server, screenshot_file)
    expect(page.get_by_role("alert")).to_contain_text("Наименование и версия браузера")
    # THEN the form shows her screenshot as attached, with a button to remove it
    attached = page.locator(".pending-uploads")
    expect(attached).to_contain_text("ошибка.png")
    expect(attached.get_by_role("button", name="Убрать")).to_be_visible()
    # WHEN she adds the browser and sends again, without picking the file again
    page.get_by_label("Наименование и версия браузера").fill("Chrome 120")
    page.get_by_role("button", name="Отправить обращение").click()
    # THEN the request is registered with her screenshot
    expect(page.get_by_role("heading", name="Обращение зарегистрировано")).to_be_visible()
    ticket = Ticket.objects.get()
    assert [a.original_name for a in ticket.attachments.all()] == ["ошибка.png"]


def test_a_kept_screenshot_can_be_removed_before_sending(browser_page, live_server, eschool,
                                                         screenshot_file):
    page = browser_page
    send_without_the_browser(page, live_server, screenshot_file)
    page.locator(".pending-uploads").get_by_role("button", name="Убрать").click()
    expect(page.locator(".pending-uploads")).to_have_count(0)
    expect(page.get_by_label("Суть вопроса")).to_have_value(
        "Не сохраняются оценки в журнале 5А по математике.")


def test_a_widget_screenshot_stays_attached_across_a_refused_submit(
        browser_page, live_server, uchipro_lms, lms_site, screenshot_file):
    frame = open_widget_on_a_course(browser_page, live_server, uchipro_lms, lms_site)
    frame.get_by_label("Описание проблемы").fill("Курс «Охрана труда» не открывается у слушателей.")
    frame.get_by_label("Полное название курса").fill("Охрана труда")
    frame.locator("input[type=file]").set_input_files(str(screenshot_file))
    frame.get_by_role("button", name="Отправить обращение").click()  # the course link is missing
    expect(frame.locator(".pending-uploads")).to_contain_text("ошибка.png")
    frame.get_by_label("Ссылка на курс или материал").fill("https://sdo.uc.example.ru/course/15")
    frame.get_by_role("button", name="Отправить обращение").click()
    expect(frame.get_by_role("heading", name="Обращение зарегистрировано")).to_be_visible()
    assert Ticket.objects.get().attachments.count() == 1
