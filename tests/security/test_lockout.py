"""One sign-in lockout on every way in: the desk, /admin/login/, API tokens and portal links.

Before: only /desk/sign-in counted failures; /admin/login/ took 30 guesses in 16 s and then
signed in with the right password while the desk showed the account locked.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.conf import settings

from edudesk.accounts.models import User
from edudesk.portal import auth
from edudesk.testing import factories

pytestmark = pytest.mark.django_db

PASSWORD = "pass-12345-word"
MORNING = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
ATTACKER = "203.0.113.7"


@pytest.fixture
def administrator(db):
    return User.objects.create_superuser("chief", "chief@edudesk.example", PASSWORD)


def admin_login(client, username, password, address=ATTACKER):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def desk_login(client, username, password, address=ATTACKER):
    return client.post("/desk/sign-in", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_guesses_on_the_admin_login_lock_it_and_the_right_password_then_fails(
        client, administrator):
    with time_machine.travel(MORNING, tick=False):
        answers = [admin_login(client, "chief", f"guess-{n}").status_code for n in range(30)]
        assert 429 in answers
        response = admin_login(client, "chief", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Слишком много неудачных попыток входа" in response.content.decode()
    assert not signed_in(client)


def test_the_lock_counts_the_account_whatever_the_address(client, administrator):
    with time_machine.travel(MORNING, tick=False):
        for n in range(settings.EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT):
            admin_login(client, "chief", f"guess-{n}", address=f"198.51.100.{n + 1}")
        response = admin_login(client, "CHIEF ", PASSWORD, address="192.0.2.50")
    assert response.status_code == 429
    assert not signed_in(client)


def test_a_lock_taken_on_the_admin_login_also_closes_the_desk(client, administrator):
    with time_machine.travel(MORNING, tick=False):
        for n in range(settings.EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT):
            admin_login(client, "chief", f"guess-{n}")
        response = desk_login(client, "chief", PASSWORD, address="192.0.2.50")
    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа" in response.content.decode()
    assert not signed_in(client)


def test_one_address_guessing_many_accounts_is_locked(client, line1_agent):
    with time_machine.travel(MORNING, tick=False):
        for n in range(settings.EDUDESK_SIGNIN_FAILURES_PER_ADDRESS):
            desk_login(client, f"user{n}", "guess")
        locked = desk_login(client, "line1", PASSWORD)
        elsewhere = desk_login(client, "line1", PASSWORD, address="192.0.2.50")
    assert locked.status_code == 429
    assert elsewhere.status_code == 302  # the account itself was not attacked


def test_the_delay_grows_with_each_lock(client, line1_agent):
    limit = settings.EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT
    first = timedelta(minutes=settings.EDUDESK_SIGNIN_LOCK_MINUTES)
    with time_machine.travel(MORNING, tick=False):
        for n in range(limit):
            desk_login(client, "line1", f"guess-{n}")
        assert desk_login(client, "line1", PASSWORD).status_code == 429
    second_round = MORNING + first + timedelta(seconds=1)
    with time_machine.travel(second_round, tick=False):
        for n in range(limit):
            desk_login(client, "line1", f"again-{n}")
    with time_machine.travel(second_round + first + timedelta(seconds=1), tick=False):
        still = desk_login(client, "line1", PASSWORD)
    with time_machine.travel(second_round + 2 * first + timedelta(seconds=1), tick=False):
        lifted = desk_login(client, "line1", PASSWORD)
    assert still.status_code == 429
    assert lifted.status_code == 302


def test_wrong_api_tokens_lock_the_address_even_for_a_valid_token(client, line1_agent):
    good = factories.token_for(line1_agent)
    with time_machine.travel(MORNING, tick=False):
        answers = [client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer guess-{n}",
                              REMOTE_ADDR=ATTACKER).status_code
                   for n in range(settings.EDUDESK_SIGNIN_FAILURES_PER_ADDRESS)]
        locked = client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {good}", REMOTE_ADDR=ATTACKER,
                            HTTP_ACCEPT_LANGUAGE="en")
        elsewhere = client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {good}",
                               REMOTE_ADDR="192.0.2.50")
    assert answers[:-1] == [401] * (len(answers) - 1)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked"
    assert "Too many failed sign-in attempts" in locked.json()["message"]
    assert int(locked["Retry-After"]) > 0
    assert elsewhere.status_code == 200


def test_guessing_portal_links_locks_the_address_even_for_a_real_link(client, teacher):
    with time_machine.travel(MORNING, tick=False):
        for n in range(settings.EDUDESK_SIGNIN_FAILURES_PER_ADDRESS):
            client.post(f"/support/eschool/signin/guess-{n}", REMOTE_ADDR=ATTACKER)
        token = auth.issue_login_link(teacher)
        response = client.post(f"/support/eschool/signin/{token}", REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert auth.SESSION_KEY not in client.session


def test_failures_and_locks_are_listed_for_administrators(client, administrator, line1_agent):
    with time_machine.travel(MORNING, tick=False):
        for n in range(settings.EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT):
            desk_login(client, "line1", f"guess-{n}")
    assert AccessFailureLog.objects.filter(username="line1", ip_address=ATTACKER).count() == 5
    assert AccessFailureLog.objects.filter(username="line1", locked_out=True).exists()
    client.force_login(administrator)
    page = client.get("/admin/axes/accessfailurelog/")
    assert page.status_code == 200
    assert "line1" in page.content.decode()
