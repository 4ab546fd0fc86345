"""Bad input answers 4xx with a clear message and changes nothing — never 500, on both databases.

Every public way in (the API with an agent's and a customer's token, the web form, the widget,
the portal sign-in, the desk's search, caller search and forms) gets, one input at a time:
a NUL byte, a lone UTF-16 surrogate (JSON only: form posts and query strings arrive as UTF-8,
where Django already replaces invalid bytes), a string longer than its column, an integer
beyond 64 bits. The case list is built from tables, so a new endpoint is one row.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from django.conf import settings

from edudesk.accounts.models import Contact
from edudesk.portal.tests.helpers import ESCHOOL_FORM
from edudesk.portal.widget_token import sign
from edudesk.testing import factories
from edudesk.tickets.models import Consultation, Event, Ticket

pytestmark = pytest.mark.django_db

NUL = "Не сохраняются\x00оценки"
SURROGATE = "\\ud800"  # written into raw JSON: json.loads turns it into a lone surrogate
HUGE_INT = 10**30
TEXT = settings.EDUDESK_MAX_TEXT_CHARS


def too_long(length: int) -> str:
    return "я" * (length + 1)


# --- the API -------------------------------------------------------------------------------------

REQUESTER = {"email": "m.ivanova@school12.example", "full_name": "Иванова Мария Петровна"}
TICKET = {"service": "eschool", "description": "Не открывается электронный журнал 5«А».",
          "requester": REQUESTER}
CONSULTATION = {"service": "eschool", "topic": "Как выставить итоговые оценки", "caller_name": "Мария"}
CONVERT = {"requester": REQUESTER, "subject": "Итоговые оценки"}
MESSAGE = {"body": "Ошибка повторяется."}

# (path, body, JSON path of the string to spoil, its maximum length)
API_STRINGS = [
    ("/api/v1/tickets", TICKET, ("subject",), 300),
    ("/api/v1/tickets", TICKET, ("description",), TEXT),
    ("/api/v1/tickets", TICKET, ("category",), 40),
    ("/api/v1/tickets", TICKET, ("requester", "full_name"), 300),
    ("/api/v1/tickets", TICKET, ("requester", "email"), 254),
    ("/api/v1/tickets", TICKET, ("requester", "phone"), 40),
    ("/api/v1/tickets", TICKET, ("requester", "role"), 32),
    ("/api/v1/tickets", TICKET, ("requester", "login"), 150),
    ("/api/v1/tickets", TICKET, ("requester", "organisation"), 300),
    ("/api/v1/tickets", TICKET, ("requester", "city"), 120),
    ("/api/v1/tickets", TICKET, ("requester", "region"), 120),
    ("/api/v1/tickets", TICKET, ("fields", "region"), 120),
    ("/api/v1/tickets", TICKET, ("fields", "steps"), TEXT),
    ("/api/v1/tickets/{number}/messages", MESSAGE, ("body",), TEXT),
    ("/api/v1/tickets/{number}/transitions", {"to": "in_processing"}, ("to",), 40),
    ("/api/v1/consultations", CONSULTATION, ("caller_name",), 300),
    ("/api/v1/consultations", CONSULTATION, ("contact_info",), 300),
    ("/api/v1/consultations", CONSULTATION, ("topic",), 300),
    ("/api/v1/consultations", CONSULTATION, ("notes",), TEXT),
    ("/api/v1/consultations", CONSULTATION, ("outcome",), 300),
    ("/api/v1/consultations", CONSULTATION, ("channel",), 20),
    ("/api/v1/consultations/{consultation}/convert", CONVERT, ("subject",), 300),
    ("/api/v1/consultations/{consultation}/convert", CONVERT, ("category",), 40),
    ("/api/v1/consultations/{consultation}/convert", CONVERT, ("priority",), 20),
    ("/api/v1/consultations/{consultation}/convert", CONVERT, ("requester", "full_name"), 300),
    ("/api/v1/consultations/{consultation}/convert", CONVERT, ("fields", "steps"), TEXT),
]
API_GETS = [
    "/api/v1/tickets?service={value}",
    "/api/v1/tickets?status={value}",
    "/api/v1/tickets?priority={value}",
    "/api/v1/tickets?assignee={value}",
    "/api/v1/tickets?cursor={value}",
    "/api/v1/tickets/{value}",
    "/api/v1/tickets/{value}/messages",
    "/api/v1/tickets/{value}/events",
    "/api/v1/services/{value}/form",
]
API_INTEGERS = [
    "/api/v1/tickets?organisation={value}",
    "/api/v1/tickets?limit={value}",
    "/api/v1/tickets?updated_since={value}",
    "/api/v1/tickets?organisation=-{value}",
]


def with_value(body: dict, path: tuple[str, ...], value) -> dict:
    body = json.loads(json.dumps(body))
    target = body
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return body


@pytest.fixture
def world(eschool, line1_agent, teacher):
    ticket = factories.ticket(eschool, teacher)
    consultation = Consultation.objects.create(service=eschool, agent=line1_agent, topic="Оценки")
    return {
        "agent": factories.token_for(line1_agent),
        "customer": factories.token_for(teacher),
        "number": ticket.number,
        "consultation": consultation.pk,
    }


def counts() -> tuple[int, ...]:
    return (Ticket.objects.count(), Contact.objects.count(), Consultation.objects.count(),
            Event.objects.count())


def post_json(client, url: str, raw: str, token: str):
    return client.generic("POST", url, raw.encode("utf-8", "surrogatepass"),
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def api_cases():
    for url, body, path, limit in API_STRINGS:
        name = f"{url} {'.'.join(path)}"
        yield pytest.param(url, body, path, NUL, 400, id=f"NUL {name}")
        yield pytest.param(url, body, path, too_long(limit), 422, id=f"over-long {name}")
        yield pytest.param(url, body, path, SURROGATE, 400, id=f"surrogate {name}")
    yield pytest.param("/api/v1/tickets", TICKET, ("fields", "ключ\x00"), "значение", 400,
                       id="NUL in a fields key")
    yield pytest.param("/api/v1/tickets", TICKET, ("fields", "я" * 101), "значение", 422,
                       id="over-long fields key")


@pytest.mark.parametrize(("url", "body", "path", "value", "expected"), list(api_cases()))
@pytest.mark.parametrize("who", ["agent", "customer"])
def test_api_refuses_bad_strings_and_changes_nothing(client, world, who, url, body, path, value,
                                                     expected):
    if who == "customer" and ("consultation" in url or path[0] == "requester"):
        pytest.skip("agents only")
    url = url.format(**world)
    raw = json.dumps(with_value(body, path, "PLACEHOLDER"), ensure_ascii=False)
    raw = raw.replace('"PLACEHOLDER"', json.dumps(value, ensure_ascii=False).replace("\\\\u", "\\u"))
    before = counts()

    response = post_json(client, url, raw, world[who])

    assert response.status_code == expected, response.content[:500]
    assert response.json()["message"]
    assert counts() == before


@pytest.mark.parametrize("url", API_GETS)
@pytest.mark.parametrize("value", [NUL, "я" * 5000], ids=["NUL", "over-long"])
def test_api_lookups_with_bad_strings_answer_4xx(client, world, url, value):
    response = client.get(url.format(value=value), HTTP_AUTHORIZATION=f"Bearer {world['agent']}")
    assert 400 <= response.status_code < 500, response.content[:300]


@pytest.mark.parametrize("url", API_INTEGERS)
def test_api_integer_filters_beyond_64_bits_answer_422(client, world, url):
    response = client.get(url.format(value=HUGE_INT), HTTP_AUTHORIZATION=f"Bearer {world['agent']}")
    assert response.status_code == 422, response.content[:300]


def test_api_huge_consultation_id_answers_4xx(client, world):
    response = post_json(client, f"/api/v1/consultations/{HUGE_INT}/convert", json.dumps(CONVERT),
                         world["agent"])
    assert 400 <= response.status_code < 500


def test_converting_a_consultation_with_an_unknown_priority_is_refused(client, world):
    before = counts()
    response = post_json(client, f"/api/v1/consultations/{world['consultation']}/convert",
                         json.dumps({**CONVERT, "priority": "urgent"}), world["agent"])
    assert response.status_code == 422
    assert "priority" in response.json()["message"]
    assert counts() == before


def test_api_errors_about_characters_speak_english_on_request(client, world):
    response = client.generic("POST", "/api/v1/tickets",
                              json.dumps(with_value(TICKET, ("subject",), NUL)).encode(),
                              content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
                              HTTP_AUTHORIZATION=f"Bearer {world['agent']}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert "NUL" in response.json()["message"] and "Запрос" not in response.json()["message"]


# --- the web form, the widget and the portal ----------------------------------------------------

FORM_LIMITS = {"full_name": 300, "email": 254, "phone": 40, "region": 120, "institution": 300,
               "initiator_login": 150, "category": 40, "description": TEXT}


def form_cases():
    for key in ("full_name", "description", "institution", "steps", "category", "email"):
        yield pytest.param(key, NUL, id=f"NUL {key}")
    yield pytest.param("ключ\x00", "значение", id="NUL in a field name")
    for key, limit in FORM_LIMITS.items():
        yield pytest.param(key, too_long(limit), id=f"over-long {key}")


@pytest.mark.parametrize(("key", "value"), list(form_cases()))
def test_web_form_refuses_bad_input_and_registers_nothing(client, eschool, key, value):
    before = counts()
    response = client.post("/support/eschool/new", {**ESCHOOL_FORM, key: value})
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("value", [NUL, "user@example.org\x00", too_long(254) + "@example.org"],
                         ids=["NUL", "NUL after the address", "over-long"])
def test_portal_sign_in_refuses_bad_addresses(client, eschool, teacher, value):
    response = client.post("/support/eschool/signin", {"email": value})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("token", ["v1.абв.где", "v1.\x00.x", "я" * 5000, "v1." + "a" * 100_000 + ".b"],
                         ids=["non-ASCII", "NUL", "over-long", "huge payload"])
def test_widget_refuses_bad_tokens_clearly(client, uchipro, token):
    response = client.post("/support/uchipro/widget", {"token": token})
    assert response.status_code in (400, 403), response.status_code


def test_widget_token_with_non_ascii_characters_is_refused_with_the_reason(uchipro):
    from edudesk.portal.widget_token import WidgetTokenError, verify

    with pytest.raises(WidgetTokenError):
        verify("v1.абв.где", secret=uchipro.widget_secret, service=uchipro.code,
               now=datetime.now(UTC), use_nonce=lambda *args: True)


def test_widget_claims_with_nul_are_refused(client, uchipro):
    now = int(time.time())
    token = sign(uchipro.widget_secret, {"service": uchipro.code, "iat": now, "exp": now + 600,
                                         "nonce": "n" * 20, "full_name": "Петров\x00"})
    response = client.post("/support/uchipro/widget", {"token": token})
    assert response.status_code in (400, 403)


@pytest.mark.parametrize("url", ["/support/eschool/signin/{value}", "/support/eschool/requests/{value}/",
                                 "/support/eschool/submitted/{value}"])
def test_portal_paths_with_nul_answer_4xx(client, eschool, url):
    response = client.get(url.format(value="INC%00"))
    assert 400 <= response.status_code < 500


# --- the desk -----------------------------------------------------------------------------------

@pytest.fixture
def agent_client(client, line1_agent):
    client.force_login(line1_agent)
    return client


@pytest.mark.parametrize("url", ["/desk/search?q={value}", "/desk/consultations/callers?caller_query={value}",
                                 "/desk/?q={value}", "/desk/?category={value}", "/desk/t/{value}/"])
@pytest.mark.parametrize("value", ["принтер%00", "%00", "я" * 5000], ids=["NUL", "only NUL", "over-long"])
def test_desk_lookups_with_bad_input_answer_4xx_or_nothing_found(agent_client, ticket, url, value):
    response = agent_client.get(url.format(value=value))
    assert response.status_code < 500


@pytest.mark.parametrize(("field", "value"), [
    ("caller_name", too_long(300)), ("caller_name", "я" * 100_000), ("topic", NUL), ("notes", NUL),
    ("contact", str(HUGE_INT)), ("service", str(HUGE_INT)),
])
def test_desk_consultation_form_refuses_bad_input(agent_client, eschool, field, value):
    data = {"service": eschool.pk, "channel": "phone", "topic": "Оценки", "caller_name": "Мария",
            field: value}
    before = counts()
    response = agent_client.post("/desk/consultations/", data)
    assert response.status_code in (200, 400)
    assert counts() == before


def test_desk_sign_in_with_nul_answers_4xx(client, line1_agent):
    response = client.post("/desk/sign-in", {"username": "line1\x00", "password": "x\x00"})
    assert response.status_code in (200, 400)


def test_cookies_with_nul_answer_4xx(client, eschool):
    client.cookies["sessionid"] = "abc\x00def0123456789"
    assert client.get("/support/eschool/requests/").status_code == 400
