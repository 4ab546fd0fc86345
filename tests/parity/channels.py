"""Channel adapters for the parity matrix: each does one thing the way its channel does it.

Every adapter takes the test ``World`` and returns a ``Result`` the matrix can compare across
channels: whether the channel accepted it, and which ticket it touched. To put a new channel
into the matrix, add an adapter here and its name to the right table at the bottom.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.test import Client
from django.utils import timezone

from edudesk.accounts.models import Contact, Service, User
from edudesk.mail.ingest import ingest
from edudesk.mail.models import Mailbox
from edudesk.portal import auth
from edudesk.portal.widget_token import sign
from edudesk.testing import factories
from edudesk.tickets.models import Consultation, Ticket
from edudesk.tickets.status import Status

SUPPORT_ADDRESS = "edu.support@eschool.example"
CHROME_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0.6099.109 Safari/537.36")


@dataclass
class World:
    """The e-school, School No. 12 with a teacher and its deputy head (an org administrator),
    a line-1 agent, and the support mailbox."""

    service: Service
    teacher: Contact
    zavuch: Contact
    agent: User
    mailbox: Mailbox
    tokens: dict = field(default_factory=dict)

    def token(self, owner) -> str:
        key = (type(owner).__name__, owner.pk)
        if key not in self.tokens:
            self.tokens[key] = factories.token_for(owner)
        return self.tokens[key]


@dataclass
class Result:
    ok: bool
    ticket: Ticket | None = None
    status_code: int = 0
    detail: str = ""


def _api(world: World, owner, method: str, path: str, payload: dict) -> tuple[int, dict]:
    response = getattr(Client(), method)(
        f"/api/v1{path}", data=json.dumps(payload), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.token(owner)}")
    return response.status_code, response.json()


def _signed_in(contact: Contact) -> Client:
    client = Client(HTTP_USER_AGENT=CHROME_UA)
    session = client.session
    session[auth.SESSION_KEY] = contact.pk
    session.save()
    return client


def mail_from(sender: Contact | str, subject: str, body: str, *, name: str = "") -> bytes:
    message = EmailMessage()
    address = sender if isinstance(sender, str) else sender.email
    message["From"] = f"{name or getattr(sender, 'full_name', '')} <{address}>"
    message["To"] = SUPPORT_ADDRESS
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2])
    message.set_content(body)
    return message.as_bytes()


def _deliver(world: World, raw: bytes) -> Result:
    result = ingest(raw, service=world.service, source="parity", mailbox=world.mailbox)
    ticket = Ticket.objects.filter(pk=result.ticket_id).first() if result.ticket_id else None
    return Result(ok=result.state in ("created", "added"), ticket=ticket, detail=result.state)


def _ticket_of(number: str | None) -> Ticket | None:
    return Ticket.objects.filter(number=number).first() if number else None


# --- a customer writes to an existing ticket -------------------------------------------------

def reply_portal(world: World, ticket: Ticket, who: Contact, text: str) -> Result:
    client = _signed_in(who)
    response = client.post(f"/support/{world.service.code}/requests/{ticket.number}/reply",
                           {"body": text})
    number = response.url.rstrip("/").rsplit("/", 1)[-1] if response.status_code == 302 else ""
    return Result(ok=response.status_code == 302 and "#reply" not in response.url,
                  ticket=_ticket_of(number), status_code=response.status_code)


def reply_mail(world: World, ticket: Ticket, who: Contact, text: str) -> Result:
    return _deliver(world, mail_from(who, f"Re: [{ticket.number}] {ticket.subject}", text))


def reply_api(world: World, ticket: Ticket, who: Contact, text: str) -> Result:
    code, body = _api(world, who, "post", f"/tickets/{ticket.number}/messages", {"body": text})
    message_ticket = None
    if code == 201:
        message_ticket = Ticket.objects.filter(messages__pk=body["id"]).first()
    return Result(ok=code == 201, ticket=message_ticket, status_code=code, detail=str(body))


CUSTOMER_REPLY = {"portal": reply_portal, "mail": reply_mail, "api": reply_api}


# --- a customer changes a ticket's state ---------------------------------------------------------

PORTAL_ACTIONS = {Status.CANCELLED: "cancel", Status.RESOLVED: "confirm", Status.IN_WORK: "reopen"}
# Closing is confirmed with a reason (the form's first choice); "" sends none.
PORTAL_REASONS = {Status.CANCELLED: "not_needed", Status.RESOLVED: "answer_helped"}


def _reason(target: Status, reason: str | None) -> str:
    return PORTAL_REASONS.get(target, "") if reason is None else reason


def act_portal(world: World, ticket: Ticket, who: Contact, target: Status,
               reason: str | None = None) -> Result:
    response = _signed_in(who).post(
        f"/support/{world.service.code}/requests/{ticket.number}/action",
        {"action": PORTAL_ACTIONS[target], "reason": _reason(target, reason)})
    ticket.refresh_from_db()
    return Result(ok=ticket.status == target, ticket=ticket, status_code=response.status_code)


def act_api(world: World, ticket: Ticket, who: Contact, target: Status,
            reason: str | None = None) -> Result:
    code, body = _api(world, who, "post", f"/tickets/{ticket.number}/transitions",
                      {"to": target, "reason": _reason(target, reason)})
    ticket.refresh_from_db()
    return Result(ok=code == 200, ticket=ticket, status_code=code, detail=str(body))


CUSTOMER_ACT = {"portal": act_portal, "api": act_api}


def undo_portal(world: World, ticket: Ticket, who: Contact) -> Result:
    response = _signed_in(who).post(f"/support/{world.service.code}/requests/{ticket.number}/undo")
    ticket.refresh_from_db()
    return Result(ok=ticket.status not in (Status.CANCELLED, Status.RESOLVED), ticket=ticket,
                  status_code=response.status_code)


def undo_api(world: World, ticket: Ticket, who) -> Result:
    code, body = _api(world, who, "post", f"/tickets/{ticket.number}/transitions/undo", {})
    ticket.refresh_from_db()
    return Result(ok=code == 200, ticket=ticket, status_code=code, detail=str(body))


CUSTOMER_UNDO = {"portal": undo_portal, "api": undo_api}


# --- a new request -----------------------------------------------------------------------------
# Each adapter registers "text" for the person `who` (a Contact, or for channels that know
# nobody yet, a dict of what the person types), with `data` the schema fields they fill in.

ESCHOOL_ERROR = {
    "region": "Республика Татарстан",
    "institution": "МБОУ «Средняя школа № 12», г. Казань",
    "browser": "Chrome 120",
    "steps": "Открываю журнал 5А, ставлю оценку, нажимаю «Сохранить» — ошибка 500.",
}


def _screenshot():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edudesk.intake.tests import files

    return SimpleUploadedFile("ошибка.png", files.png(), content_type="image/png")


def _screenshot_inline() -> list[dict]:
    from edudesk.intake.tests import files

    return [{"name": "ошибка.png", "content_base64": base64.b64encode(files.png()).decode()}]


def _person(who) -> dict:
    if isinstance(who, Contact):
        return {"full_name": who.full_name, "email": who.email, "phone": who.phone,
                "login": who.login}
    return dict(who)


def new_web(world: World, who, text: str, data: dict, *, stop_at_review: bool = False) -> Result:
    """The web form; `stop_at_review`: report the review step (a similar open ticket, several
    problems) instead of registering past it (Result.detail == "review", nothing stored)."""
    person = _person(who)
    client = _signed_in(who) if isinstance(who, Contact) else Client(HTTP_USER_AGENT=CHROME_UA)
    form = {"category": "error", "step": "submit", "description": text, **ESCHOOL_ERROR,
            "full_name": person.get("full_name", ""), "email": person.get("email", ""),
            "phone": person.get("phone", ""), "initiator_login": person.get("login", ""),
            "affected_login": person.get("login", ""), "screenshots": _screenshot(), **data}
    response = client.post(f"/support/{world.service.code}/new", form)
    before = set(Ticket.objects.values_list("pk", flat=True))
    if response.status_code == 200 and "/review/" in response.content.decode():
        if stop_at_review:
            return Result(ok=False, status_code=200, detail="review")
        # The review step (a similar open ticket, several problems): register as it is.
        action = response.content.decode().split('action="')[1].split('"')[0]
        response = client.post(action, {"choice": "new"})
    created = Ticket.objects.exclude(pk__in=before).order_by("-pk").first()
    return Result(ok=response.status_code == 302, ticket=created or _latest(),
                  status_code=response.status_code)


def _latest() -> Ticket | None:
    return Ticket.objects.order_by("-pk").first()


def new_widget(world: World, who, text: str, data: dict, *, stop_at_review: bool = False) -> Result:
    person = _person(who)
    now = int(time.time())
    claims = {"service": world.service.code, "iat": now, "exp": now + 600,
              "nonce": secrets.token_urlsafe(16), "full_name": person.get("full_name", ""),
              "login": person.get("login", ""), "email": person.get("email", ""),
              "phone": person.get("phone", ""), "organisation": "МБОУ «Средняя школа № 12»"}
    client = Client(HTTP_USER_AGENT=CHROME_UA)
    page = client.post(f"/support/{world.service.code}/widget",
                       {"token": sign(world.service.widget_secret, claims)}).content.decode()
    session = page.split('name="widget_session" value="')[1].split('"')[0]
    count = Ticket.objects.count()
    response = client.post(f"/support/{world.service.code}/widget/form", {
        "widget_session": session, "category": "error", "step": "submit", "description": text,
        **ESCHOOL_ERROR, "affected_login": person.get("login", ""), "screenshots": _screenshot(),
        **data})
    if response.status_code == 200 and "/review/" in response.content.decode():
        if stop_at_review:
            return Result(ok=False, status_code=200, detail="review")
        action = response.content.decode().split('action="')[1].split('"')[0]
        response = client.post(action, {"choice": "new", "widget_session": session})
    created = _latest() if Ticket.objects.count() > count else None
    return Result(ok=response.status_code == 302, ticket=created, status_code=response.status_code)


def new_mail(world: World, who, text: str, data: dict, *, plain: bool = False) -> Result:
    """A letter: the text, then the data as «Label: value» lines (`plain`: the text alone)."""
    person = _person(who)
    lines = [text] if plain else [text, ""] + [
        f"{_MAIL_LABELS[k]}: {v}" for k, v in {**ESCHOOL_ERROR, **data}.items() if k in _MAIL_LABELS]
    raw = mail_from(person["email"], text.split(".")[0][:60], "\n".join(lines),
                    name=person.get("full_name", ""))
    return _deliver(world, raw)


_MAIL_LABELS = {
    "region": "Регион", "institution": "Учреждение", "browser": "Браузер",
    "steps": "Шаги воспроизведения", "initiator_login": "Логин инициатора",
    "affected_login": "Логин пользователя, под которым наблюдается проблема",
    "phone": "Телефон", "full_name": "ФИО",
}


def new_api_customer(world: World, who: Contact, text: str, data: dict,
                     **extra) -> Result:
    code, body = _api(world, who, "post", "/tickets", {
        "service": world.service.code, "category": "error", "description": text,
        "fields": {**ESCHOOL_ERROR, "affected_login": who.login, **data},
        "attachments": _screenshot_inline(), **extra})
    # 201: a new ticket; 200: added to the open ticket it repeats (intake.repeats).
    return Result(ok=code in (200, 201), ticket=_ticket_of(body.get("number")), status_code=code,
                  detail=str(body))


def new_api_agent(world: World, who, text: str, data: dict, **extra) -> Result:
    person = _person(who)
    code, body = _api(world, world.agent, "post", "/tickets", {
        "service": world.service.code, "category": "error", "description": text,
        "requester": {k: v for k, v in person.items() if v},
        "fields": {**ESCHOOL_ERROR, **data}, **extra})
    return Result(ok=code == 201, ticket=_ticket_of(body.get("number")), status_code=code,
                  detail=str(body))


def _consultation(world: World, who, text: str) -> Consultation:
    return Consultation.objects.create(
        service=world.service, agent=world.agent, topic=text[:80], notes=text,
        contact=who if isinstance(who, Contact) else None,
        caller_name=_person(who).get("full_name", ""))


def new_consultation_desk(world: World, who, text: str, data: dict) -> Result:
    consultation = _consultation(world, who, text)
    person = _person(who)
    client = Client()
    client.force_login(world.agent)
    form = {"category": "error", "subject": text[:80], "description": text, "priority": "normal",
            "f_full_name": person.get("full_name", ""), "f_email": person.get("email", ""),
            "f_phone": person.get("phone", ""), "f_initiator_login": person.get("login", "")}
    form.update({f"f_{k}": v for k, v in {**ESCHOOL_ERROR, **data}.items()})
    response = client.post(f"/desk/consultations/{consultation.pk}/convert", form)
    consultation.refresh_from_db()
    ticket = Ticket.objects.filter(consultation=consultation).first()
    return Result(ok=ticket is not None, ticket=ticket, status_code=response.status_code)


def new_consultation_api(world: World, who, text: str, data: dict) -> Result:
    consultation = _consultation(world, who, text)
    person = _person(who)
    code, body = _api(world, world.agent, "post", f"/consultations/{consultation.pk}/convert", {
        "category": "error", "description": text,
        "requester": {k: v for k, v in person.items() if v},
        "fields": {**ESCHOOL_ERROR, **data}})
    return Result(ok=code == 201, ticket=_ticket_of(body.get("number")), status_code=code,
                  detail=str(body))


NEW_REQUEST = {
    "web": new_web, "widget": new_widget, "mail": new_mail, "api_customer": new_api_customer,
    "api_agent": new_api_agent, "consultation_desk": new_consultation_desk,
    "consultation_api": new_consultation_api,
}


# --- an agent writes to a ticket ---------------------------------------------------------------
# `status`: the status the reply moves the ticket to in the same change («После ответа» in the
# desk, "status" in the API); a request for clarification names what is `missing`.

def _desk_client(world: World) -> Client:
    client = Client()
    client.force_login(world.agent)
    return client


def _desk_uploads(files) -> list:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(name, content) for name, content in files]


def _desk_compose(world: World, ticket: Ticket, form: dict, files) -> Result:
    from edudesk.desk.views.ticket import latest_event_id

    response = _desk_client(world).post(f"/desk/t/{ticket.number}/compose", {
        "seen_event": latest_event_id(ticket), "files": _desk_uploads(files), **form})
    detail = response.content.decode() if response.status_code != 302 else ""
    return Result(ok=response.status_code == 302, ticket=ticket, status_code=response.status_code,
                  detail=detail)


def agent_reply_desk(world: World, ticket: Ticket, text: str, files=(), status: str = "",
                     internal: bool = False) -> Result:
    return _desk_compose(world, ticket, {"mode": "note" if internal else "reply", "body": text,
                                         "then_status": status}, files)


def _inline(files) -> list[dict]:
    return [{"name": name, "content_base64": base64.b64encode(content).decode()}
            for name, content in files]


def agent_reply_api(world: World, ticket: Ticket, text: str, files=(), status: str = "",
                    internal: bool = False) -> Result:
    payload = {"body": text, "attachments": _inline(files), "internal": internal}
    if status:
        payload["status"] = status
    code, body = _api(world, world.agent, "post", f"/tickets/{ticket.number}/messages", payload)
    return Result(ok=code == 201, ticket=ticket, status_code=code, detail=str(body))


AGENT_REPLY = {"desk": agent_reply_desk, "api": agent_reply_api}


def agent_clarify_desk(world: World, ticket: Ticket, text: str, missing: list[str],
                       files=()) -> Result:
    """The desk's checklist: `missing` are the schema keys the agent ticks."""
    return _desk_compose(world, ticket, {"mode": "clarify", "body": text, "missing": missing}, files)


def agent_clarify_api(world: World, ticket: Ticket, text: str, missing: list[str],
                      files=()) -> Result:
    from edudesk.desk.clarification import checklist

    labels = {item.key: item.label for item in checklist(ticket, 0)}
    code, body = _api(world, world.agent, "post", f"/tickets/{ticket.number}/messages", {
        "body": text, "attachments": _inline(files), "status": Status.NEEDS_CLARIFICATION,
        "missing": [labels[key] for key in missing]})
    return Result(ok=code == 201, ticket=ticket, status_code=code, detail=str(body))


AGENT_CLARIFY = {"desk": agent_clarify_desk, "api": agent_clarify_api}


def move_desk(world: World, ticket: Ticket, target: Status, reason: str | None = None) -> Result:
    response = _desk_client(world).post(f"/desk/t/{ticket.number}/status",
                                        {"status": target, "reason": _reason(target, reason)})
    ticket.refresh_from_db()
    return Result(ok=ticket.status == target, ticket=ticket, status_code=response.status_code)


def move_api(world: World, ticket: Ticket, target: Status, reason: str | None = None) -> Result:
    code, body = _api(world, world.agent, "post", f"/tickets/{ticket.number}/transitions",
                      {"to": target, "reason": _reason(target, reason)})
    ticket.refresh_from_db()
    return Result(ok=code == 200, ticket=ticket, status_code=code, detail=str(body))


AGENT_MOVE = {"desk": move_desk, "api": move_api}


def undo_desk(world: World, ticket: Ticket) -> Result:
    response = _desk_client(world).post(f"/desk/t/{ticket.number}/undo")
    ticket.refresh_from_db()
    return Result(ok=ticket.status not in (Status.CANCELLED, Status.RESOLVED), ticket=ticket,
                  status_code=response.status_code)


def undo_api_agent(world: World, ticket: Ticket) -> Result:
    return undo_api(world, ticket, world.agent)


AGENT_UNDO = {"desk": undo_desk, "api": undo_api_agent}
