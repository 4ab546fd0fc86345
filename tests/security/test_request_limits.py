"""Unauthenticated resource exhaustion: body size, free-text size, decoded pixels per request and
decodes at once per process.

Before: ten 40-megapixel images per message were each fully decoded (three anonymous posts of
1.2 MB took 67 s and grew a web process to 1 GB); nothing capped the body as a whole; a 4.8 MB
description was stored.
"""

import pytest
from PIL import ImageFile

from edudesk.intake.tests import files
from edudesk.portal.tests.helpers import CHROME_UA, form, upload
from edudesk.portal.tests.test_portal import signed_in
from edudesk.security import budget
from edudesk.testing import factories
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

MEGAPIXEL_PNG = files.png(1000, 1000)  # one million pixels, a few kilobytes on the wire


def submit(client, data, **extra):
    return client.post("/support/eschool/new", data, HTTP_USER_AGENT=CHROME_UA, **extra)


@pytest.fixture
def decodes(monkeypatch):
    """How many images were actually decoded (Pillow's load() of a file-backed image)."""
    calls = []
    real = ImageFile.ImageFile.load

    def counting(image):
        if image.tile:  # pixels still to decode (a loaded image has none left)
            calls.append(image.size)
        return real(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    return calls


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_read(client, eschool, settings):
    settings.EDUDESK_MAX_REQUEST_BYTES = 100_000
    response = submit(client, form(description="Не сохраняются оценки. " + "x" * 150_000))
    assert response.status_code == 413
    assert "Запрос слишком большой" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_the_api_answers_413_in_json_and_in_english_when_asked(client, line1_agent, settings):
    settings.EDUDESK_MAX_REQUEST_BYTES = 100_000
    token = factories.token_for(line1_agent)
    response = client.post("/api/v1/tickets", {"service": "eschool", "description": "x" * 150_000},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "Request too large" in response.json()["message"]


def test_an_over_long_description_is_refused_on_the_api(client, line1_agent, teacher):
    token = factories.token_for(line1_agent)
    response = client.post("/api/v1/tickets", {
        "service": "eschool", "description": "Не открывается журнал. " * 1_500,  # 34,500 characters
        "requester": {"email": teacher.email}}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    # The API's schema documents the cap (maxLength) and refuses before the intake's own check.
    assert response.json()["errors"][0]["field"] == "description"
    assert "20000" in str(response.json())
    assert Ticket.objects.count() == 0


def test_an_over_long_portal_reply_is_refused_and_nothing_is_added(client, eschool, teacher):
    ticket = factories.ticket(eschool, teacher)
    signed_in(client, teacher)
    response = client.post(f"/support/eschool/requests/{ticket.number}/reply", {"body": "а" * 20_001},
                           follow=True)
    assert "Сократите текст до 20000 символов" in response.content.decode()
    assert ticket.messages.count() == 1


def test_pixels_are_budgeted_per_request_not_only_per_file(client, eschool, settings, decodes):
    settings.EDUDESK_MAX_PIXELS_PER_REQUEST = 2_500_000
    pictures = [upload(f"снимок{n}.png", MEGAPIXEL_PNG) for n in range(4)]
    response = submit(client, form(screenshots=pictures))
    page = response.content.decode()
    assert response.status_code == 400
    assert "снимки экрана одного сообщения вместе слишком большие" in page
    assert len(decodes) == 2  # the third and fourth were refused from their headers alone
    assert Ticket.objects.count() == 0


def test_the_budget_is_fresh_for_every_request(client, eschool, settings):
    settings.EDUDESK_MAX_PIXELS_PER_REQUEST = 2_500_000
    first = submit(client, form(screenshots=[upload(f"a{n}.png", MEGAPIXEL_PNG) for n in range(2)]))
    second = submit(client, form(screenshots=[upload(f"b{n}.png", MEGAPIXEL_PNG) for n in range(2)],
                                 description="Не открывается расписание 7Б.",
                                 email="o.petrov@school12.example"))
    assert (first.status_code, second.status_code) == (302, 302)


def test_decodes_wait_for_a_free_slot_and_a_request_gives_up_with_503(client, eschool, settings,
                                                                      decodes):
    settings.EDUDESK_DECODE_CONCURRENCY = 1
    settings.EDUDESK_DECODE_WAIT_SECONDS = 0
    with budget.decoding_slot():  # another request is decoding: the process's only slot is taken
        response = submit(client, form(screenshots=upload("снимок.png", MEGAPIXEL_PNG)))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "занят обработкой изображений" in response.content.decode()
    assert decodes == []
    assert Ticket.objects.count() == 0
    assert submit(client, form(screenshots=upload("снимок.png", MEGAPIXEL_PNG))).status_code == 302
