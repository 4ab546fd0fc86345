"""Test data in the seeds' terms: services, schools, teachers, agents. Used by every app's tests."""

import itertools

from edudesk.accounts.models import ApiToken, Contact, Organisation, Role, Service, SupportGroup, User
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Channel, Ticket
from edudesk.tickets.types import Actor

_seq = itertools.count(1)


def service(code: str = "eschool", **extra) -> Service:
    defaults = {
        "eschool": {"name": "АИС «Электронная школа»", "support_email": "edu.support@o7.com"},
        "uchipro": {"name": "Учи.Про СДО", "support_email": "support@uchi.pro"},
    }.get(code, {"name": code})
    obj, _ = Service.objects.get_or_create(code=code, defaults={**defaults, **extra})
    SupportGroup.objects.get_or_create(service=obj, name="Первая линия", defaults={"is_default": True})
    return obj


def organisation(svc: Service, name: str = "МБОУ «Средняя школа № 12»", city: str = "Казань",
                 region: str = "Республика Татарстан") -> Organisation:
    return Organisation.objects.create(service=svc, name=name, city=city, region=region)


def contact(svc: Service, *, full_name: str = "Иванова Мария Петровна", email: str = "",
            role: str = Role.SCHOOL_TEACHER, org: Organisation | None = None, **extra) -> Contact:
    n = next(_seq)
    return Contact.objects.create(service=svc, full_name=full_name,
                                  email=email or f"user{n}@school.example", login=f"user{n}",
                                  role=role, organisation=org, **extra)


def agent(*services: Service, username: str = "", kind: str = User.Kind.AGENT, **extra) -> User:
    user = User.objects.create_user(username or f"agent{next(_seq)}", password="pass-12345-word",
                                    kind=kind, full_name=extra.pop("full_name", "Соколова Анна"),
                                    **extra)
    user.services.add(*services)
    for svc in services:
        group = svc.groups.filter(is_default=True).first()
        if group:
            group.members.add(user)
    return user


def ticket(svc: Service, requester: Contact, *, subject: str = "Не сохраняются оценки",
           description: str = "При сохранении оценок появляется сообщение об ошибке.",
           channel: str = Channel.WEB, **extra) -> Ticket:
    if "priority" in extra:
        # Test data: a ticket of this priority, whatever the service lets customers choose.
        extra.setdefault("actor", Actor.system())
    return tickets.open_ticket(service=svc, requester=requester, subject=subject,
                               description=description, channel=channel, **extra)


def token_for(owner) -> str:
    if isinstance(owner, User):
        return ApiToken.issue(user=owner)[1]
    return ApiToken.issue(contact=owner)[1]


def as_agent(user: User) -> Actor:
    return Actor.agent(user)


def as_customer(person: Contact) -> Actor:
    return Actor.customer(person)
