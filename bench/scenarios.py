"""What the benchmark asks the server, as bounded lists of HTTP requests.

Agents use the desk (session sign-in), customers the portal, integrations API v1; the same
reads are also measured through the API. Every list is built before the clock starts.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from load import Request
from seed import BaseData

from edudesk.accounts.models import Contact, User
from edudesk.tickets.models import Ticket

READ_CONCURRENCY = 4
CREATE_CONCURRENCY = (1, 8, 32)
WORDS = ("оценки", "журнале", "ошибка", "пароля", "расписании", "удостоверении", "сертификат", "вебинаре")


@dataclass(frozen=True)
class Scenario:
    name: str
    requests: list[Request]
    concurrency: int
    group: str  # "read", "create" or "floor"


def desk_session(username: str) -> str:
    """A signed-in desk session, as the sign-in form would leave it."""
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def portal_session(contact_id: int) -> str:
    from edudesk.portal.auth import SESSION_KEY as PORTAL_KEY

    session = SessionStore()
    session[PORTAL_KEY] = contact_id
    session.create()
    return session.session_key


def sample_numbers(rng: random.Random, count: int) -> list[str]:
    """Numbers of existing tickets spread over the whole id range (old and new alike)."""
    bounds = Ticket.objects.order_by("id").values_list("id", flat=True)
    low, high = bounds.first(), bounds.last()
    ids = [rng.randint(low, high) for _ in range(count * 2)]
    numbers = list(Ticket.objects.filter(id__in=ids).values_list("number", flat=True)[:count])
    rng.shuffle(numbers)
    return numbers


def _repeat(requests: list[Request], count: int) -> list[Request]:
    return [requests[i % len(requests)] for i in range(count)]


def read_scenarios(base: BaseData, rng: random.Random, count: int) -> list[Scenario]:
    api = {"Authorization": f"Bearer {base.agent_token}", "Accept-Language": "ru"}
    customer_api = {"Authorization": f"Bearer {base.customer_token}"}
    desk = {"Cookie": f"sessionid={desk_session('bench-agent')}"}
    customer = Contact.objects.get(login=base.customer_login)
    portal = {"Cookie": f"sessionid={portal_session(customer.pk)}"}
    numbers = sample_numbers(rng, min(count, 500))
    deep = deep_ticket()
    logins = list(Contact.objects.order_by("?").values_list("login", flat=True)[:50])
    out = [
        Scenario("floor: trivial endpoint /healthz", _repeat([Request("GET", "/healthz", {})], count),
                 READ_CONCURRENCY, "floor"),
        Scenario("API queue, first page (50)",
                 _repeat([Request("GET", "/api/v1/tickets?limit=50", api)], count),
                 READ_CONCURRENCY, "read"),
        Scenario("API queue, deep page (50)",
                 _repeat([Request("GET", f"/api/v1/tickets?limit=50&cursor={api_cursor(deep)}", api)], count),
                 READ_CONCURRENCY, "read"),
        Scenario("API ticket view",
                 [Request("GET", f"/api/v1/tickets/{n}", api) for n in _repeat(numbers, count)],
                 READ_CONCURRENCY, "read"),
        Scenario("API customer: my requests",
                 _repeat([Request("GET", "/api/v1/tickets?limit=20", customer_api)], count),
                 READ_CONCURRENCY, "read"),
    ]
    out += desk_scenarios(desk, numbers, logins, deep, count)
    my_requests = f"/support/{customer.service.code}/requests/"
    out.append(Scenario("portal: my requests", _repeat([Request("GET", my_requests, portal)], count),
                        READ_CONCURRENCY, "read"))
    return out


def desk_scenarios(desk: dict, numbers: list[str], logins: list[str], deep: Ticket,
                   count: int) -> list[Scenario]:
    from edudesk.desk.queues import QUEUES

    live = {**desk, "HX-Request": "true"}  # the search box asks for the results partial
    deep_cursor = QUEUES["all"].keyset.encode(deep)
    return [
        Scenario("desk queue «new», first page", _repeat([Request("GET", "/desk/", desk)], count),
                 READ_CONCURRENCY, "read"),
        Scenario("desk queue «all», deep page",
                 _repeat([Request("GET", f"/desk/?queue=all&after={deep_cursor}", desk)], count),
                 READ_CONCURRENCY, "read"),
        Scenario("desk ticket view", [Request("GET", f"/desk/t/{n}/", desk) for n in _repeat(numbers, count)],
                 READ_CONCURRENCY, "read"),
        Scenario("desk search by number",
                 [Request("GET", f"/desk/search?q={n}", live) for n in _repeat(numbers, count)],
                 READ_CONCURRENCY, "read"),
        Scenario("desk search by login",
                 [Request("GET", f"/desk/search?q={login}", live) for login in _repeat(logins, count)],
                 READ_CONCURRENCY, "read"),
        Scenario("desk search by a Russian word",
                 [Request("GET", f"/desk/search?q={_quote(w)}", live) for w in _repeat(list(WORDS), count)],
                 READ_CONCURRENCY, "read"),
    ]


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def deep_ticket() -> Ticket:
    """A ticket nine tenths of the way down the newest-first list."""
    total = Ticket.objects.count()
    return Ticket.objects.order_by("-id")[max(0, total * 9 // 10)]


def api_cursor(ticket: Ticket) -> str:
    from edudesk.api.access import encode_cursor

    return encode_cursor(ticket.pk)


def creation_payloads(base: BaseData, rng: random.Random, count: int, marker: str) -> list[dict]:
    """API v1 creation bodies from existing customers of the e-school, as an LMS integration sends."""
    from dataset import problem_text

    service = base.services[0]
    payloads = []
    for n in range(count):
        contact_id, _org, login, name = service.pick_contact(rng)
        subject, description = problem_text(rng, service, login, name, _now())
        payloads.append({
            "service": service.code,
            "requester": {"full_name": name, "login": login,
                          "email": f"{login}@school{contact_id % 997}.example"},
            "subject": f"{subject} [{marker}-{n}]", "description": description, "category": "other",
            "fields": {"initiator_login": login, "affected_login": login},
        })
    return payloads


def _now():
    from django.utils import timezone

    return timezone.now()


def create_scenarios(base: BaseData, rng: random.Random, count: int, marker: str) -> list[Scenario]:
    headers = {"Authorization": f"Bearer {base.agent_token}", "Content-Type": "application/json"}
    out = []
    for concurrency in CREATE_CONCURRENCY:
        payloads = creation_payloads(base, rng, count, f"{marker}-c{concurrency}")
        requests = [Request("POST", "/api/v1/tickets", headers,
                            json.dumps(p, ensure_ascii=False).encode(), expect=201) for p in payloads]
        out.append(Scenario(f"API create ticket, concurrency {concurrency}", requests, concurrency, "create"))
    return out
