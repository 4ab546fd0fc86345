"""Random ticket histories for the exactness test: every service function, in time order,
across holidays, clarification pauses, reopenings, moves between lines and agents."""

import contextlib
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from edudesk.accounts.models import SupportGroup, User
from edudesk.reports import satisfaction
from edudesk.sla.models import CalendarDay
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.errors import InvalidOperation, TransitionNotAllowed
from edudesk.tickets.models import Channel, Consultation, Priority, Ticket
from edudesk.tickets.policy import close_reasons
from edudesk.tickets.status import ActorKind, next_statuses
from edudesk.tickets.types import Actor

MSK = ZoneInfo("Europe/Moscow")
START = datetime(2026, 3, 2, 7, 30, tzinfo=MSK)  # a Monday
HOLIDAYS = (date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 23))
CATEGORIES = ("journal", "schedule", "login", "")


def build(seed: int, tickets: int = 30, steps: int = 160):
    """Returns (service, first day, last day) after writing one random history."""
    rng = random.Random(seed)
    # Ratings draw from their own stream, so the rest of each seed's history stays as it was.
    rater = random.Random(seed * 7919)
    for day in HOLIDAYS:
        CalendarDay.objects.get_or_create(region="ru", date=day, service=None,
                                          defaults={"kind": "holiday"})
    svc = factories.service("eschool")
    first = svc.groups.get(is_default=True)
    second = SupportGroup.objects.create(service=svc, name="Вторая линия")
    schools = [factories.organisation(svc, name=f"Школа {n}", region=region)
               for n, region in enumerate(("Татарстан", "Марий Эл", ""))]
    people = [factories.contact(svc, org=rng.choice([*schools, None])) for _ in range(6)]
    agents = [factories.agent(svc, full_name=f"Специалист {n}") for n in range(3)]
    supervisor = factories.agent(svc, kind=User.Kind.SUPERVISOR)
    now = START
    opened: list[Ticket] = []
    for step in range(tickets + steps):
        now += timedelta(minutes=rng.choice((3, 17, 45, 90, 240, 600, 1500)))
        if step < tickets or not opened or rng.random() < 0.15:
            opened.append(_create(rng, svc, people, agents, now))
            continue
        ticket = Ticket.objects.get(pk=rng.choice(opened).pk)
        agent = rng.choice([*agents, supervisor])
        with contextlib.suppress(InvalidOperation, TransitionNotAllowed):
            _act(rng, ticket, agent, now, opened, groups=(first, second), agents=agents)
        _maybe_rate(rater, ticket.pk, now)
    return svc, START.date(), now.date()


def _maybe_rate(rater, ticket_id: int, now) -> None:
    """The customer of a solved ticket rates it, sometimes again (a changed score)."""
    ticket = Ticket.objects.get(pk=ticket_id)
    if ticket.status == "resolved" and rater.random() < 0.6:
        with contextlib.suppress(satisfaction.RatingRefused):
            satisfaction.rate(ticket, rater.choice(satisfaction.SCORES), now=now)


def _create(rng, svc, people, agents, now) -> Ticket:
    person = rng.choice(people)
    if rng.random() < 0.15:
        consultation = Consultation.objects.create(service=svc, agent=agents[0], topic="Звонок",
                                                   contact=person, created_at=now)
        return services.convert_consultation(consultation, actor=Actor.agent(agents[0]),
                                             requester=person, subject="Со звонка",
                                             description="Записано по телефону", now=now)
    return services.open_ticket(service=svc, requester=person, subject="Не открывается журнал",
                                description="Ошибка", now=now,
                                channel=rng.choice((Channel.WEB, Channel.EMAIL, Channel.WIDGET)),
                                category=rng.choice(CATEGORIES),
                                priority=rng.choice(list(Priority.values)))


def _act(rng, ticket, agent, now, opened, *, groups, agents) -> None:
    actor = Actor.agent(agent)
    roll = rng.random()
    if roll < 0.30:
        choices = next_statuses(ticket.status, ActorKind.AGENT)
        if choices:
            target = rng.choice(choices)
            # A person who cancels says why (tickets.policy.REASON_REQUIRED).
            reasons = close_reasons(target, actor)
            services.transition(ticket, target, actor=actor, now=now,
                                reason=reasons[0][0] if reasons else "")
    elif roll < 0.42:
        services.request_clarification(ticket, actor=actor, body="Пришлите снимок экрана", now=now)
    elif roll < 0.58:
        message = {"repeat": True} if rng.random() < 0.2 else {}
        services.add_message(ticket, actor=Actor.customer(ticket.requester), body="Вот снимок", now=now)
        if message and ticket.is_open:
            # A repeat steered into the open ticket (what intake records for mail and the API).
            from edudesk.tickets.events import EventKind, record

            record(ticket, EventKind.MESSAGE_ADDED, Actor.customer(ticket.requester), now=now,
                   data={"kind": "public", "repeat": True})
    elif roll < 0.66:
        services.add_message(ticket, actor=actor, body="Проверяем", now=now)
    elif roll < 0.76:
        services.assign(ticket, actor=actor, group=rng.choice(groups),
                        assignee=rng.choice([*agents, None]), now=now)
    elif roll < 0.82:
        services.set_category(ticket, rng.choice(CATEGORIES), actor=actor, now=now)
    elif roll < 0.88:
        services.set_priority(ticket, rng.choice(list(Priority.values)), actor=actor, now=now)
    elif roll < 0.94:
        other = Ticket.objects.get(pk=rng.choice(opened).pk)
        services.merge(ticket, other, actor=actor, now=now)
    else:
        opened.append(services.split(ticket, actor=actor, text="Вторая проблема", now=now))
