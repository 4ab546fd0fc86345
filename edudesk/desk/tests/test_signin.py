from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "pass-12345-word"  # the factories' agent password
MORNING = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
MAX_FAILURES = settings.EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT
WINDOW = timedelta(minutes=settings.EDUDESK_SIGNIN_LOCK_MINUTES)  # the first lock's length


def _sign_in(client, username, password):
    return client.post(reverse("desk:login"), {"username": username, "password": password})


def test_agent_signs_in_with_password_and_lands_on_the_queues(client, line1_agent):
    response = _sign_in(client, "line1", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("desk:queue")
    assert client.get(reverse("desk:queue")).status_code == 200


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, line1_agent):
    response = _sign_in(client, "line1", "wrong")
    assert response.status_code == 401
    assert "Неверный логин или пароль." in response.content.decode()


def test_repeated_failures_lock_the_username_even_for_the_right_password(client, line1_agent):
    with time_machine.travel(MORNING, tick=False):
        for _attempt in range(MAX_FAILURES):
            _sign_in(client, "line1", "wrong")
        response = _sign_in(client, "LINE1", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Слишком много неудачных попыток входа" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_first_lock_lifts_after_its_minutes(client, line1_agent):
    with time_machine.travel(MORNING, tick=False):
        for _attempt in range(MAX_FAILURES):
            _sign_in(client, "line1", "wrong")
    with time_machine.travel(MORNING + WINDOW + timedelta(seconds=1), tick=False):
        response = _sign_in(client, "line1", PASSWORD)
    assert response.status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client, line1_agent):
    with time_machine.travel(MORNING, tick=False):
        for _attempt in range(MAX_FAILURES - 1):
            _sign_in(client, "line1", "wrong")
        assert _sign_in(client, "line1", PASSWORD).status_code == 302
        client.logout()
        for _attempt in range(MAX_FAILURES - 1):
            _sign_in(client, "line1", "wrong")
        assert _sign_in(client, "line1", PASSWORD).status_code == 302


@pytest.mark.parametrize("name", ["desk:queue", "desk:consultations", "desk:search"])
def test_desk_pages_send_anonymous_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("desk:login"))


def test_sign_in_does_not_redirect_to_another_site(client, line1_agent):
    response = client.post(reverse("desk:login") + "?next=https://evil.example/",
                           {"username": "line1", "password": PASSWORD})
    assert response.url == reverse("desk:queue")


def test_a_poll_after_the_session_ended_asks_htmx_to_go_to_sign_in(client):
    response = client.get(reverse("desk:queue"), {"queue": "new"},
                          headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/desk/?queue=new"})
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("desk:login") + "?next=")
