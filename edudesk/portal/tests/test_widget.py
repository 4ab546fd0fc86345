"""The widget: a signed token fills and locks the user's data; bad tokens are refused clearly."""

import secrets
import time

import pytest

from edudesk.portal.models import WidgetNonce
from edudesk.portal.tests.helpers import CHROME_UA
from edudesk.portal.widget_token import sign
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

LEARNER = {
    "full_name": "Петров Олег Иванович",
    "login": "petrov.oi",
    "role": "learner",
    "organisation": "ООО «Учебный центр»",
    "platform_url": "https://sdo.uc.example.ru",
    "email": "petrov@uc.example.ru",
    "phone": "+7 912 345-67-89",
}


def token_for(service, **changes):
    now = int(time.time())
    claims = {"service": service.code, "iat": now, "exp": now + 600,
              "nonce": secrets.token_urlsafe(16), **LEARNER, **changes}
    return sign(service.widget_secret, claims)


def open_widget(client, service, token):
    return client.post(f"/support/{service.code}/widget", {"token": token},
                       HTTP_USER_AGENT=CHROME_UA)


def widget_session(page: str) -> str:
    return page.split('name="widget_session" value="')[1].split('"')[0]


def test_valid_token_fills_and_locks_the_lms_data(client, uchipro):
    response = open_widget(client, uchipro, token_for(uchipro))
    page = response.content.decode()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers  # it lives in the platform's iframe
    assert "Данные из платформы заполнены автоматически." not in page  # no category yet
    page = client.post("/support/uchipro/widget/form",
                       {"widget_session": widget_session(page), "category": "course",
                        "step": "category"}).content.decode()
    assert 'value="Петров Олег Иванович" readonly' in page
    assert 'value="слушатель" readonly' in page
    assert 'name="full_name"' not in page  # locked fields are not even submitted


def test_widget_submission_uses_the_token_data_whatever_is_typed(client, uchipro):
    page = open_widget(client, uchipro, token_for(uchipro)).content.decode()
    response = client.post("/support/uchipro/widget/form", {
        "widget_session": widget_session(page), "category": "course", "step": "submit",
        "full_name": "Администратор", "role": "administrator",
        "description": "Курс «Охрана труда» не открывается у слушателей.",
        "course_name": "Охрана труда", "course_url": "https://sdo.uc.example.ru/course/15",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.get()
    assert ticket.channel == "widget"
    assert ticket.requester.full_name == "Петров Олег Иванович"
    assert ticket.requester.role == "learner"
    assert ticket.fields["lms_url"] == "https://sdo.uc.example.ru"
    assert ticket.organisation.name == "ООО «Учебный центр»"


def test_tampered_token_is_refused_with_a_clear_message(client, uchipro):
    token = token_for(uchipro)
    version, payload, signature = token.split(".")
    tampered = f"{version}.{payload[:-2]}AA.{signature}"
    response = open_widget(client, uchipro, tampered)
    assert response.status_code == 403
    assert "не прошли проверку подписи" in response.content.decode()
    assert uchipro.support_email in response.content.decode()


def test_replayed_token_is_refused(client, uchipro):
    token = token_for(uchipro)
    assert open_widget(client, uchipro, token).status_code == 200
    again = open_widget(client, uchipro, token)
    assert again.status_code == 403
    assert "уже была использована" in again.content.decode()
    assert WidgetNonce.objects.count() == 1


def test_expired_token_is_refused(client, uchipro):
    now = int(time.time())
    response = open_widget(client, uchipro, token_for(uchipro, iat=now - 900, exp=now - 300))
    assert response.status_code == 403
    assert "Срок действия" in response.content.decode()


def test_token_of_another_service_is_refused(client, uchipro, eschool):
    response = open_widget(client, uchipro, token_for(eschool))
    assert response.status_code == 403


def test_forged_widget_session_is_refused(client, uchipro):
    response = client.post("/support/uchipro/widget/form",
                           {"widget_session": "forged", "category": "other", "step": "submit"})
    assert response.status_code == 403
    assert Ticket.objects.count() == 0


def test_widget_session_of_another_service_is_refused(client, uchipro, eschool):
    page = open_widget(client, uchipro, token_for(uchipro)).content.decode()
    response = client.post("/support/eschool/widget/form",
                           {"widget_session": widget_session(page), "category": "other"})
    assert response.status_code == 403


def test_widget_signs_the_user_in_to_the_portal(client, uchipro):
    open_widget(client, uchipro, token_for(uchipro))
    assert client.get("/support/uchipro/requests/").status_code == 200


def test_my_requests_button_of_the_widget_signs_in_to_the_portal(client, uchipro):
    page = open_widget(client, uchipro, token_for(uchipro)).content.decode()
    client.cookies.clear()  # inside the iframe the portal cookie was dropped
    response = client.post("/support/uchipro/widget/requests",
                           {"widget_session": widget_session(page)})
    assert response.status_code == 302 and response["Location"] == "/support/uchipro/requests/"
    assert client.get("/support/uchipro/requests/").status_code == 200


def test_my_requests_button_refuses_a_forged_session(client, uchipro):
    response = client.post("/support/uchipro/widget/requests", {"widget_session": "forged"})
    assert response.status_code == 403
