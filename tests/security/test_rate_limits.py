"""Rate limits on the public form, the widget, the API and sign-in links; 429 with Retry-After.

Before: 50 anonymous form submissions from one address made 50 tickets in 7 s; 50 API creations
with one token met no 429. Every test runs against both counter stores: the database (no
REDIS_URL) and a real Redis (EDUDESK_TEST_REDIS_URL).
"""

import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from edudesk.portal.tests.helpers import CHROME_UA, form, screenshot
from edudesk.portal.tests.test_widget import open_widget, widget_session
from edudesk.portal.tests.test_widget import token_for as widget_token
from edudesk.security.models import RateCounter, ServiceProtection
from edudesk.testing import factories
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("EDUDESK_TEST_REDIS_URL", "")


# The windows are fixed (a minute, ten minutes, an hour): each test runs at the start of all
# three with the clock stopped, so a slow machine cannot carry its requests into a new window.
# The start is the next hour of the real clock, taken when the test runs (not a fixed date, nor
# when the module is collected): Redis expires a window's key at its end by its own clock
# (EXPIREAT), so a window already past in real time held no count. A fixed 2026-11-30 09:00
# failed every Redis case after that hour; a start taken at collection failed the one-minute
# API window when the suite reached it minutes later.
def windows_start() -> datetime:
    return datetime.now(UTC).replace(minute=0, second=1, microsecond=0) + timedelta(hours=1)


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def counters(request, settings):
    """Which store keeps the counters for this test."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("EDUDESK_TEST_REDIS_URL is not set")
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        settings.EDUDESK_RATE_LIMIT_REDIS_URL = REDIS_URL
    else:
        settings.EDUDESK_RATE_LIMIT_REDIS_URL = ""
    with time_machine.travel(windows_start(), tick=False):
        yield request.param


def submit(client, address="198.51.100.10", **changes):
    changes.setdefault("screenshots", screenshot())
    return client.post("/support/eschool/new", form(**changes), HTTP_USER_AGENT=CHROME_UA,
                       REMOTE_ADDR=address)


def test_one_address_may_not_flood_the_public_form(client, eschool, counters, settings):
    settings.EDUDESK_RATE_FORM_PER_ADDRESS = 3
    answers = [submit(client, email=f"teacher{n}@school12.example",
                      description=f"Не сохраняются оценки в журнале {n}А.").status_code
               for n in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    assert Ticket.objects.count() == 3
    refused = submit(client, email="late@school12.example")
    page = refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Слишком много обращений за короткое время" in page
    assert "Не сохраняются оценки в журнале 5А по математике." in page  # the typed text is kept
    assert submit(client, address="198.51.100.11", email="other@school12.example").status_code == 302
    if counters == "database":
        assert RateCounter.objects.exists()


def test_one_requester_may_not_flood_the_form_from_many_addresses(client, eschool, counters, settings):
    settings.EDUDESK_RATE_FORM_PER_CONTACT = 2
    answers = [submit(client, address=f"198.51.100.{n}",
                      description=f"Не открывается журнал {n}Б.").status_code for n in range(4)]
    assert answers == [302, 302, 429, 429]


def test_a_service_sets_its_own_limit_in_the_admin(client, eschool, counters, settings):
    settings.EDUDESK_RATE_FORM_PER_ADDRESS = 100
    ServiceProtection.objects.create(service=eschool, form_per_address=1)
    assert submit(client, email="a@school12.example").status_code == 302
    assert submit(client, email="b@school12.example").status_code == 429


def test_the_refusal_speaks_english_when_asked(client, eschool, counters, settings):
    settings.EDUDESK_RATE_FORM_PER_ADDRESS = 0
    page = client.post("/support/eschool/new", form(), HTTP_ACCEPT_LANGUAGE="en",
                       REMOTE_ADDR="198.51.100.10").content.decode()
    assert "Too many requests in a short time" in page


def test_the_widget_is_limited_per_address_too(client, uchipro, counters, settings):
    settings.EDUDESK_RATE_FORM_PER_ADDRESS = 1
    page = open_widget(client, uchipro, widget_token(uchipro)).content.decode()
    answers = [client.post("/support/uchipro/widget/form", {
        "widget_session": widget_session(page), "category": "course", "step": "submit",
        "description": f"Курс «Охрана труда» не открывается у слушателей ({n}).",
        "course_name": "Охрана труда", "course_url": "https://sdo.uc.example.ru/course/15",
    }, HTTP_USER_AGENT=CHROME_UA).status_code for n in range(2)]
    assert answers == [302, 429]
    assert Ticket.objects.count() == 1


def test_one_api_token_may_not_flood_creations(client, line1_agent, teacher, counters, settings):
    settings.EDUDESK_RATE_API_PER_TOKEN = 3
    token = factories.token_for(line1_agent)
    payload = {"service": "eschool", "description": "Не открывается журнал.",
               "requester": {"email": teacher.email}}
    answers = [client.post("/api/v1/tickets", {**payload, "description": f"Не открывается журнал {n}."},
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}").status_code for n in range(5)]
    refused = client.post("/api/v1/tickets", payload, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    reading = client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answers == [201, 201, 201, 429, 429]
    assert refused.json()["code"] == "rate_limited"
    assert "Too many requests with this token" in refused.json()["message"]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert reading.status_code == 200  # reads are not counted
    assert Ticket.objects.count() == 3


def test_one_address_may_not_ask_for_sign_in_links_endlessly(client, teacher, counters, settings,
                                                            mailoutbox):
    settings.EDUDESK_RATE_SIGNIN_LINKS_PER_ADDRESS = 2
    answers = [client.post("/support/eschool/signin", {"email": teacher.email},
                           REMOTE_ADDR="198.51.100.10").status_code for _n in range(3)]
    refused = client.post("/support/eschool/signin", {"email": "nobody@example.ru"},
                          REMOTE_ADDR="198.51.100.10")
    assert answers == [200, 200, 429]
    assert refused.status_code == 429  # the same answer for unknown addresses
    assert "Слишком много запросов ссылки для входа" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
