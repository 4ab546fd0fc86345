"""The receipt (web form and widget) and «Мои обращения» in the seeds' words: number, date,
priority, due date, the next working day out of hours, and the advice to users."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from edudesk.portal.tests.helpers import CHROME_UA, form, screenshot
from edudesk.portal.tests.test_portal import page_of, signed_in
from edudesk.portal.tests.test_widget import open_widget, token_for, widget_session
from edudesk.testing import factories
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
SATURDAY = datetime(2026, 11, 28, 14, 0, tzinfo=MSK)
NEXT_WORKING_DAY = "специалист свяжется с вами в ближайший рабочий день — 30.11.2026 с 08:00"
SEED_ADVICE = (
    "Необходимо четко отвечать на вопросы технической поддержки",
    "После создания инцидента не пытайтесь решить проблему самостоятельно",
    "не пытайтесь создать новый инцидент с идентичной проблемой",
    "Необходимо четко следовать инструкции специалиста",
)


def assert_receipt(page: str, ticket: Ticket) -> None:
    assert ticket.number in page and "28.11.2026 14:00" in page, "number and date"
    assert ticket.get_priority_display() in page and "Срок исполнения" in page
    assert "Обязательно зафиксируйте номер и дату созданного инцидента!" in page
    assert NEXT_WORKING_DAY in page
    for advice in SEED_ADVICE:
        assert advice in page


def test_web_receipt_out_of_hours(client, eschool):
    with time_machine.travel(SATURDAY, tick=False):
        response = client.post("/support/eschool/new", form(screenshots=screenshot()),
                               HTTP_USER_AGENT=CHROME_UA)
        assert response.status_code == 302
        assert_receipt(client.get(response["Location"]).content.decode(), Ticket.objects.get())


def test_widget_receipt_out_of_hours(client, uchipro):
    with time_machine.travel(SATURDAY, tick=False):
        page = open_widget(client, uchipro, token_for(uchipro)).content.decode()
        response = client.post("/support/uchipro/widget/form", {
            "widget_session": widget_session(page), "category": "course", "step": "submit",
            "description": "Курс «Охрана труда» не открывается у слушателей.",
            "course_name": "Охрана труда", "course_url": "https://sdo.uc.example.ru/course/15",
        })
        assert response.status_code == 302
        assert_receipt(client.get(response["Location"]).content.decode(), Ticket.objects.get())


def test_web_receipt_in_working_hours_has_no_off_hours_sentence(client, eschool):
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=MSK), tick=False):
        response = client.post("/support/eschool/new", form(screenshots=screenshot()),
                               HTTP_USER_AGENT=CHROME_UA)
        assert "ближайший рабочий день" not in client.get(response["Location"]).content.decode()


def test_the_portal_shows_what_the_status_means_and_the_advice(client, eschool, teacher):
    ticket = factories.ticket(eschool, teacher)
    page = page_of(signed_in(client, teacher), ticket).content.decode()
    assert "Обращение добавлено в систему." in page
    for advice in SEED_ADVICE:
        assert advice in page
