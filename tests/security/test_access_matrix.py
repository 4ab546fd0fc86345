"""The access matrix: role × service × object × action, through every way in.

GIVEN the e-school (organisation administrators see their school's tickets) and the LMS vendor's
service, a teacher's ticket with a screenshot, an agent's internal note with a screenshot, the
original mail of its first message, a held mail in its thread and a quarantined mail of the
e-school, and nine people:

    anonymous            nobody signed in, no token
    requester            the teacher who wrote the ticket
    colleague            another teacher of the same school (not its administrator)
    org_admin            the school's administrator in edudesk
    other_org_customer   a teacher of another school of the same service
    agent                an agent of the ticket's service (first line of the e-school)
    other_agent          an agent of the LMS vendor's service only
    supervisor           the e-school's line supervisor (staff, no admin permissions)
    admin                an administrator (every service, the admin site)

WHEN each of them tries each action through each way in (desk, portal, API, admin site;
attachments as download and thumbnail; raw mail as text, .eml, held and quarantined),
THEN the answer is the one in the table: allowed (and the change made), refused with 403
where the person may know the object exists, 404 where they may not, or the sign-in (302 to
the surface's sign-in page, 401 on the API) for a person that surface does not know. A refused
change leaves the ticket as it was.

Each cell is one test (`pytest --collect-only -q tests/security/test_access_matrix.py`
counts them). Actions a surface does not offer at all (merge, attachments and raw mail in the
API; raw mail, merge and export in the portal) have no cell: there is no URL to try.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from edudesk.accounts.models import Contact, Service, User
from edudesk.desk.views.ticket import latest_event_id
from edudesk.mail.models import InboundMail
from edudesk.portal.auth import SESSION_KEY
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Message, Ticket
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor, NewAttachment

ROLES = ("anonymous", "requester", "colleague", "org_admin", "other_org_customer",
         "agent", "other_agent", "supervisor", "admin")
CUSTOMERS = {"requester", "colleague", "org_admin", "other_org_customer"}
STAFF = {"agent", "other_agent", "supervisor", "admin"}

OK, HIDDEN, FORBIDDEN, SIGN_IN = "ok", "404", "403", "sign-in"
_ = None  # not a cell: see the module's docstring


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class World:
    eschool: Service
    uchipro: Service
    ticket: Ticket
    other_ticket: Ticket  # another open ticket of the requester: the merge target
    people: dict[str, Contact | User | None]
    raw_mail: InboundMail
    held_mail: InboundMail
    quarantined: InboundMail
    tokens: dict[str, str]

    def reload(self) -> Ticket:
        return Ticket.objects.get(pk=self.ticket.pk)

    def message_count(self) -> int:
        return Message.objects.filter(ticket=self.ticket).count()


@pytest.fixture
def world(db) -> World:
    eschool = factories.service("eschool", org_admins_see_org_tickets=True)
    uchipro = factories.service("uchipro")
    school = factories.organisation(eschool)
    other_school = factories.organisation(eschool, name="МБОУ «Гимназия № 5»", city="Тверь",
                                          region="Тверская область")
    people: dict = {
        "anonymous": None,
        "requester": factories.contact(eschool, full_name="Иванова Мария Петровна", org=school,
                                       email="m.ivanova@school12.example"),
        "colleague": factories.contact(eschool, full_name="Петров Олег Иванович", org=school,
                                       email="o.petrov@school12.example"),
        "org_admin": factories.contact(eschool, full_name="Смирнова Ольга", org=school,
                                       email="admin@school12.example", is_org_admin=True),
        "other_org_customer": factories.contact(eschool, full_name="Кузнецов Павел",
                                                org=other_school, email="p.kuz@gym5.example"),
        "agent": factories.agent(eschool, username="line1", full_name="Соколова Анна"),
        "other_agent": factories.agent(uchipro, username="uchipro1", full_name="Орлов Пётр"),
        "supervisor": factories.agent(eschool, username="supervisor", kind=User.Kind.SUPERVISOR,
                                      full_name="Волкова Елена", is_staff=True),
        "admin": factories.agent(username="root", kind=User.Kind.ADMINISTRATOR,
                                 full_name="Администратор", is_staff=True, is_superuser=True),
    }
    requester = people["requester"]
    ticket = factories.ticket(eschool, requester)
    other_ticket = factories.ticket(eschool, requester, subject="Не открывается журнал",
                                    description="Журнал 5 «А» не открывается.")
    first = ticket.messages.order_by("id").first()
    services.add_message(ticket, actor=Actor.customer(requester), body="Снимок экрана",
                         attachments=[NewAttachment("screen.png", _png(), "image/png")])
    services.add_message(ticket, actor=Actor.agent(people["agent"]), body="Заметка для линии",
                         kind=Message.Kind.INTERNAL,
                         attachments=[NewAttachment("internal.png", _png(), "image/png")])

    def mail(message_id: str, state: str, **links) -> InboundMail:
        raw = f"Message-ID: <{message_id}>\r\nSubject: test\r\n\r\nhello".encode()
        return InboundMail.objects.create(message_id=f"<{message_id}>", service=eschool,
                                          source="imap", raw=raw, size=len(raw), state=state,
                                          **links)

    tokens = {role: factories.token_for(person) for role, person in people.items() if person}
    return World(
        eschool=eschool, uchipro=uchipro, ticket=ticket, other_ticket=other_ticket, people=people,
        raw_mail=mail("m1@school12.example", "created", ticket=ticket, ticket_message=first),
        held_mail=mail("held@school12.example", InboundMail.State.HELD, ticket=ticket),
        quarantined=mail("q@school12.example", InboundMail.State.QUARANTINED),
        tokens=tokens,
    )


def browser_of(world: World, role: str) -> Client:
    """A browser signed in as `role`: staff in the desk (and admin), customers in the portal."""
    client = Client()
    person = world.people[role]
    if role in STAFF:
        client.force_login(person)
    elif role in CUSTOMERS:
        session = client.session
        session[SESSION_KEY] = person.pk
        session.save()
    return client


def api(world: World, role: str, method: str, path: str, **json):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"} if role in world.tokens else {}
    client = Client()
    if method == "GET":
        return client.get(f"/api/v1{path}", json or None, **headers)
    return client.post(f"/api/v1{path}", json, content_type="application/json", **headers)


# --- one probe per action: make the request, say whether its effect is there ---------------------

@dataclass
class Result:
    response: object
    effect: bool  # the change was made / the thing was shown


def _desk(world, role, name, *args, method="GET", data=None, query="") -> object:
    url = reverse(f"desk:{name}", args=[world.ticket.number, *args]) + query
    client = browser_of(world, role)
    return client.post(url, data or {}) if method == "POST" else client.get(url)


def _portal(world, role, name, *args, method="GET", data=None):
    url = reverse(f"portal:{name}", args=["eschool", world.ticket.number, *args])
    client = browser_of(world, role)
    return client.post(url, data or {}) if method == "POST" else client.get(url)


def _shown(response, text: str) -> bool:
    if response.status_code != 200:
        return False
    if response.get("Content-Type", "").startswith("application/json"):
        return text in json.dumps(response.json(), ensure_ascii=False)
    return text in response.content.decode(errors="replace")


def _png_served(response) -> bool:
    return response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")


def desk_view(world, role):
    response = _desk(world, role, "ticket")
    return Result(response, _shown(response, world.ticket.subject))


def desk_list(world, role):
    # As the header's search box asks (HTMX): the list of matches, not a jump to the one found.
    response = browser_of(world, role).get(reverse("desk:search"), {"q": world.ticket.number},
                                           HTTP_HX_REQUEST="true")
    return Result(response, _shown(response, world.ticket.number))


def desk_queue(world, role):
    response = browser_of(world, role).get(reverse("desk:queue"), {"queue": "all"})
    return Result(response, _shown(response, world.ticket.number))


def desk_reply(world, role):
    before = world.message_count()
    response = _desk(world, role, "compose", method="POST", data={
        "mode": "reply", "body": "Проверьте, пожалуйста, ещё раз.",
        "seen_event": latest_event_id(world.ticket)})
    return Result(response, world.message_count() == before + 1)


def desk_note(world, role):
    before = world.message_count()
    response = _desk(world, role, "compose", method="POST", data={
        "mode": "note", "body": "Похоже на ошибку кэша.", "seen_event": latest_event_id(world.ticket)})
    return Result(response, world.message_count() == before + 1)


def desk_status(world, role):
    response = _desk(world, role, "status", method="POST", data={"status": Status.IN_WORK})
    return Result(response, world.reload().status == Status.IN_WORK)


def desk_bulk_status(world, role):
    response = browser_of(world, role).post(reverse("desk:bulk"), {
        "tickets": [world.ticket.number], "action": f"status:{Status.IN_WORK}"})
    changed = world.reload().status == Status.IN_WORK
    return Result(response, changed)


def desk_merge(world, role):
    response = _desk(world, role, "merge", method="POST", data={"number": world.other_ticket.number})
    return Result(response, world.reload().merged_into_id == world.other_ticket.pk)


def desk_attachment(world, role):
    response = _desk(world, role, "attachment", 1)
    return Result(response, _png_served(response))


def desk_thumbnail(world, role):
    response = _desk(world, role, "attachment", 1, query="?size=thumb")
    return Result(response, _png_served(response))


def desk_raw_mail(world, role):
    response = _desk(world, role, "raw_mail", world.raw_mail.ticket_message_id)
    return Result(response, _shown(response, "Subject: test"))


def desk_raw_mail_eml(world, role):
    response = _desk(world, role, "raw_mail", world.raw_mail.ticket_message_id, query="?download=1")
    return Result(response, response.status_code == 200 and response["Content-Type"] == "message/rfc822")


def desk_held_mail(world, role):
    response = _desk(world, role, "held_mail", world.held_mail.pk)
    return Result(response, _shown(response, "hello"))


def desk_quarantine(world, role):
    response = browser_of(world, role).get(reverse("desk:quarantine_text", args=[world.quarantined.pk]))
    return Result(response, _shown(response, "hello"))


def reports_export(world, role):
    response = browser_of(world, role).get(reverse("reports:export"), {
        "service": world.eschool.pk, "format": "csv"})
    return Result(response, response.status_code == 200 and "attachment" in response.get(
        "Content-Disposition", ""))


def admin_ticket(world, role):
    response = browser_of(world, role).get(
        reverse("admin:tickets_ticket_change", args=[world.ticket.pk]))
    return Result(response, _shown(response, world.ticket.number))


def admin_raw_mail(world, role):
    response = browser_of(world, role).get(reverse("admin:mail_inboundmail_raw", args=[world.raw_mail.pk]))
    return Result(response, response.status_code == 200 and b"Subject: test" in response.content)


def portal_view(world, role):
    response = _portal(world, role, "ticket")
    return Result(response, _shown(response, world.ticket.subject))


def portal_list(world, role):
    response = browser_of(world, role).get(reverse("portal:requests", args=["eschool"]))
    return Result(response, _shown(response, world.ticket.number))


def portal_reply(world, role):
    before = world.message_count()
    response = _portal(world, role, "reply", method="POST", data={"body": "Снимок приложила."})
    return Result(response, world.message_count() == before + 1)


def portal_cancel(world, role):
    response = _portal(world, role, "act", method="POST",
                       data={"action": "cancel", "reason": "not_needed"})
    return Result(response, world.reload().status == Status.CANCELLED)


def portal_attachment(world, role):
    response = _portal(world, role, "picture", 1)
    return Result(response, _png_served(response))


def portal_internal_attachment(world, role):
    response = _portal(world, role, "picture", 2)
    return Result(response, _png_served(response))


def api_view(world, role):
    response = api(world, role, "GET", f"/tickets/{world.ticket.number}")
    return Result(response, response.status_code == 200 and response.json()["number"] == world.ticket.number)


def api_list(world, role):
    response = api(world, role, "GET", "/tickets")
    return Result(response, response.status_code == 200 and world.ticket.number in {
        item["number"] for item in response.json()["items"]})


def api_messages(world, role):
    response = api(world, role, "GET", f"/tickets/{world.ticket.number}/messages")
    return Result(response, _shown(response, "Снимок экрана"))


def api_internal_note(world, role):
    """Reading the internal note: a customer who may read the ticket gets it without the note."""
    response = api(world, role, "GET", f"/tickets/{world.ticket.number}/messages")
    if response.status_code == 200 and not _shown(response, "Заметка для линии"):
        response.status_code = 404  # the note is not there: judged as hidden
    return Result(response, _shown(response, "Заметка для линии"))


def api_events(world, role):
    response = api(world, role, "GET", f"/tickets/{world.ticket.number}/events")
    return Result(response, response.status_code == 200 and len(response.json()) > 0)


def api_reply(world, role):
    before = world.message_count()
    response = api(world, role, "POST", f"/tickets/{world.ticket.number}/messages", body="Дополнение")
    return Result(response, world.message_count() == before + 1)


def api_write_note(world, role):
    before = world.message_count()
    response = api(world, role, "POST", f"/tickets/{world.ticket.number}/messages",
                   body="Внутренняя заметка", internal=True)
    return Result(response, world.message_count() == before + 1)


def api_status(world, role):
    """Agents take the ticket in work; customers cancel it (the move each kind may make)."""
    target = Status.IN_WORK if role in STAFF else Status.CANCELLED
    response = api(world, role, "POST", f"/tickets/{world.ticket.number}/transitions", to=target,
                   reason="" if role in STAFF else "not_needed")
    return Result(response, world.reload().status == target)


def api_export(world, role):
    response = api(world, role, "GET", "/reports/period", service=world.eschool.pk)
    return Result(response, response.status_code == 200 and "total" in response.json())


# --- the tables -----------------------------------------------------------------------------

D = (SIGN_IN,) * 5  # the desk and the admin site do not know customers or visitors
P_STAFF = (SIGN_IN,) * 4  # the portal does not know staff
#        anonymous  requester  colleague  org_admin  other_org        agent  other_agent  supervisor  admin
MATRIX: dict[str, tuple[Callable, tuple]] = {
    "desk.view": (desk_view, (*D, OK, HIDDEN, OK, OK)),
    "desk.list (search)": (desk_list, (*D, OK, HIDDEN, OK, OK)),
    "desk.list (queue)": (desk_queue, (*D, OK, HIDDEN, OK, OK)),
    "desk.reply": (desk_reply, (*D, OK, HIDDEN, OK, OK)),
    "desk.internal note": (desk_note, (*D, OK, HIDDEN, OK, OK)),
    "desk.status move": (desk_status, (*D, OK, HIDDEN, OK, OK)),
    "desk.status move (bulk)": (desk_bulk_status, (*D, OK, HIDDEN, OK, OK)),
    "desk.merge": (desk_merge, (*D, OK, HIDDEN, OK, OK)),
    "desk.download attachment": (desk_attachment, (*D, OK, HIDDEN, OK, OK)),
    "desk.attachment thumbnail": (desk_thumbnail, (*D, OK, HIDDEN, OK, OK)),
    "desk.view raw mail": (desk_raw_mail, (*D, OK, HIDDEN, OK, OK)),
    "desk.download raw mail (.eml)": (desk_raw_mail_eml, (*D, OK, HIDDEN, OK, OK)),
    "desk.view held mail": (desk_held_mail, (*D, OK, HIDDEN, OK, OK)),
    "desk.view quarantined mail": (desk_quarantine, (*D, OK, HIDDEN, OK, OK)),
    "desk.export (reports)": (reports_export, (*D, FORBIDDEN, FORBIDDEN, OK, OK)),
    "admin.view ticket": (admin_ticket, (*D, SIGN_IN, SIGN_IN, FORBIDDEN, OK)),
    "admin.download raw mail (.eml)": (admin_raw_mail, (*D, SIGN_IN, SIGN_IN, FORBIDDEN, OK)),
    "portal.view": (portal_view, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, *P_STAFF)),
    "portal.list": (portal_list, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, *P_STAFF)),
    "portal.reply": (portal_reply, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, *P_STAFF)),
    "portal.status move (cancel)": (portal_cancel, (SIGN_IN, OK, HIDDEN, FORBIDDEN, HIDDEN, *P_STAFF)),
    "portal.download attachment": (portal_attachment, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, *P_STAFF)),
    "portal.internal note's attachment": (portal_internal_attachment,
                                          (SIGN_IN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, *P_STAFF)),
    "api.view": (api_view, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, OK, HIDDEN, OK, OK)),
    "api.list": (api_list, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, OK, HIDDEN, OK, OK)),
    "api.messages": (api_messages, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, OK, HIDDEN, OK, OK)),
    "api.read internal note": (api_internal_note,
                               (SIGN_IN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN, OK, OK)),
    "api.events": (api_events, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, OK, HIDDEN, OK, OK)),
    "api.reply": (api_reply, (SIGN_IN, OK, HIDDEN, OK, HIDDEN, OK, HIDDEN, OK, OK)),
    "api.internal note": (api_write_note,
                          (SIGN_IN, FORBIDDEN, HIDDEN, FORBIDDEN, HIDDEN, OK, HIDDEN, OK, OK)),
    "api.status move": (api_status, (SIGN_IN, OK, HIDDEN, FORBIDDEN, HIDDEN, OK, HIDDEN, OK, OK)),
    "api.export (reports)": (api_export,
                             (SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
                              FORBIDDEN, OK, OK)),
}

CELLS = [(action, role, expected) for action, (_probe, row) in MATRIX.items()
         for role, expected in zip(ROLES, row, strict=True) if expected is not None]

SIGN_IN_PAGES = ("/desk/sign-in", "/support/eschool/signin", "/admin/login/")
# What a list shows (or a read of the internal note) when the object is not for this person.
_ABSENT_IS_HIDDEN = {"desk.list (search)", "desk.list (queue)", "portal.list", "api.list",
                     "desk.status move (bulk)"}


def outcome(action: str, result: Result) -> str:
    response = result.response
    status = response.status_code
    if status == 401 or (status == 302 and response["Location"].startswith(SIGN_IN_PAGES)):
        return SIGN_IN
    if status in (403, 404):
        return str(status)
    if result.effect:
        return OK
    if action in _ABSENT_IS_HIDDEN and status in (200, 302):
        return HIDDEN
    return f"{status} without effect"


@pytest.mark.parametrize(("action", "role", "expected"), CELLS,
                         ids=[f"{action}-{role}" for action, role, _e in CELLS])
def test_access(world, action, role, expected):
    probe, _row = MATRIX[action]
    status_before, messages_before = world.reload().status, world.message_count()
    result = probe(world, role)
    assert outcome(action, result) == expected
    if expected != OK:  # a refusal changes nothing
        ticket = world.reload()
        assert (ticket.status, ticket.merged_into_id) == (status_before, None)
        assert world.message_count() == messages_before


def test_the_admin_raw_mail_of_a_mail_that_does_not_exist_is_404(world):
    response = browser_of(world, "admin").get(reverse("admin:mail_inboundmail_raw", args=[999999]))
    assert response.status_code == 404
