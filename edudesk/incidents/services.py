"""The only functions that change mass incidents. Ticket changes go through tickets.services.

* ``declare``: an agent declares an incident from one ticket or several; ``edit`` corrects
  what was declared (the timeline keeps each change);
* ``link``: a ticket becomes a child (declared, linked by an agent, by the intake, or by the
  requester's «У меня та же проблема»); a weaker likeness is a ``suggest``-ion for the agent;
* ``post_update``: one agent message posted to every open child, each through its own
  channel and thread (``tickets.services.add_message``: mail in the child's thread, the
  portal's conversation);
* ``resolve``: the closing text to every open child, each resolved («Вопрос решён») keeping
  its number, history and SLA record.

Both return at once: the children are told by a background job, in batches (``fan_out``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudesk.accounts.models import Organisation, Service
from edudesk.incidents import fan_out
from edudesk.incidents.models import (
    ChildSla,
    Incident,
    IncidentChild,
    IncidentEdit,
    IncidentPolicy,
    IncidentProposal,
    IncidentSuggestion,
    IncidentUpdate,
)
from edudesk.tickets import services as tickets
from edudesk.tickets.errors import InvalidOperation, NotPermitted
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import OPEN_STATUSES
from edudesk.tickets.types import Actor

TITLE_LENGTH = 200


def policy_for(service: Service) -> IncidentPolicy:
    """The service's incident rules (the defaults when an administrator set none)."""
    return IncidentPolicy.objects.filter(service=service).first() or IncidentPolicy(service=service)


def incident_data(incident: Incident) -> dict:
    """What a child ticket's events keep of its incident."""
    return {"id": incident.pk, "label": incident.label, "title": incident.title,
            "sla": incident.child_sla}


def _require_agent(service: Service, agent) -> None:
    if agent is None or service.pk not in agent.served_service_ids():
        raise NotPermitted(_("Массовые инциденты сервиса «%(service)s» ведёт его техподдержка.")
                           % {"service": service})


@transaction.atomic
def declare(*, service: Service, agent, title: str, public_text: str,
            tickets_: Iterable[Ticket] = (), regions: Iterable[str] = (),
            organisations: Iterable[Organisation] = (), started_at: datetime | None = None,
            category: str = "", child_sla: str = "", now: datetime | None = None) -> Incident:
    """Declare a mass incident; the given tickets become its first children."""
    now = now or timezone.now()
    _require_agent(service, agent)
    title, public_text = _checked_texts(title, public_text)
    _check_start(started_at, now)
    child_sla = child_sla or policy_for(service).child_sla
    if child_sla not in ChildSla.values:
        raise InvalidOperation(_("Неизвестное правило сроков связанных обращений."))
    children = list(tickets_)
    organisations = _checked_organisations(service, organisations)
    incident = Incident.objects.create(
        service=service, title=title, public_text=public_text,
        category=category or next((t.category for t in children if t.category), ""),
        regions=_region_list(regions),
        started_at=started_at or min([t.created_at for t in children], default=now),
        child_sla=child_sla, declared_by=agent, created_at=now)
    incident.organisations.set(organisations)
    for ticket in children:
        link(incident, ticket, actor=Actor.agent(agent), how=IncidentChild.How.DECLARED, now=now)
    IncidentProposal.objects.filter(tickets__in=children, state=IncidentProposal.State.OPEN).update(
        state=IncidentProposal.State.DECLARED)
    return incident


def _checked_texts(title: str, public_text: str) -> tuple[str, str]:
    title, public_text = title.strip(), public_text.strip()
    if not title:
        raise InvalidOperation(_("Укажите заголовок инцидента."))
    if len(title) > TITLE_LENGTH:
        raise InvalidOperation(_("Заголовок инцидента — не длиннее %(n)s символов.") % {"n": TITLE_LENGTH})
    if not public_text:
        raise InvalidOperation(_("Напишите текст для пользователей: что случилось и что делается."))
    return title, public_text


def _check_start(started_at: datetime | None, now: datetime) -> None:
    if started_at is not None and started_at > now:
        raise InvalidOperation(_("Начало инцидента не может быть в будущем."))


def _checked_organisations(service: Service, organisations: Iterable[Organisation]) -> list[Organisation]:
    organisations = list(organisations)
    if any(o.service_id != service.pk for o in organisations):
        raise InvalidOperation(_("Организация относится к другому сервису."))
    return organisations


def _region_list(regions: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(r.strip() for r in regions if r.strip()))


def _to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@transaction.atomic
def edit(incident: Incident, *, agent, title: str, public_text: str, regions: Iterable[str],
         organisations: Iterable[Organisation], started_at: datetime,
         now: datetime | None = None) -> IncidentEdit | None:
    """Correct what was declared; the timeline keeps what changed (``IncidentEdit``), and the
    status page, the form and the next mails show the new text. None when nothing changed."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().select_related("service").get(pk=incident.pk)
    _require_agent(incident.service, agent)
    title, public_text = _checked_texts(title, public_text)
    _check_start(started_at, now)
    organisations = _checked_organisations(incident.service, organisations)
    if started_at is not None and _to_minute(started_at) == _to_minute(incident.started_at):
        started_at = incident.started_at  # the form shows minutes: the seconds are not a change
    before = {"title": incident.title, "public_text": incident.public_text,
              "regions": list(incident.regions),
              "organisations": sorted(o.name for o in incident.organisations.all()),
              "started_at": incident.started_at.isoformat()}
    after = {"title": title, "public_text": public_text, "regions": _region_list(regions),
             "organisations": sorted(o.name for o in organisations),
             "started_at": (started_at or incident.started_at).isoformat()}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return None
    incident.title, incident.public_text, incident.regions = title, public_text, after["regions"]
    incident.started_at = started_at or incident.started_at
    incident.save(update_fields=["title", "public_text", "regions", "started_at"])
    incident.organisations.set(organisations)
    return IncidentEdit.objects.create(incident=incident, author=agent, changes=changes,
                                       created_at=now)


@transaction.atomic
def link(incident: Incident, ticket: Ticket, *, actor: Actor, how: str, score: float | None = None,
         at_intake: bool = False, now: datetime | None = None) -> IncidentChild:
    """Make a ticket a child of an active incident and tell its requester (``notifications``)."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_active:
        raise InvalidOperation(_("Инцидент %(label)s уже устранён.") % {"label": incident.label})
    ticket = Ticket.objects.get(pk=ticket.pk)  # as it is now, not as the caller read it
    if ticket.service_id != incident.service_id:
        raise InvalidOperation(_("Обращение относится к другому сервису."))
    if ticket.status not in OPEN_STATUSES or ticket.merged_into_id:
        raise InvalidOperation(_("Обращение %(number)s уже закрыто.") % {"number": ticket.number})
    existing = IncidentChild.objects.filter(ticket=ticket).select_related("incident").first()
    if existing is not None:
        raise InvalidOperation(_("Обращение %(number)s уже связано с инцидентом %(label)s.")
                               % {"number": ticket.number, "label": existing.incident.label})
    child = IncidentChild.objects.create(incident=incident, ticket=ticket, how=how, score=score,
                                         linked_at=now)
    tickets.join_incident(ticket, incident=incident_data(incident), actor=actor,
                          at_intake=at_intake, now=now)
    IncidentSuggestion.objects.filter(ticket=ticket).delete()
    return child


@transaction.atomic
def unlink(incident: Incident, ticket: Ticket, *, agent, now: datetime | None = None) -> None:
    """Not the incident's problem after all: the ticket leaves it and goes on on its own."""
    _require_agent(incident.service, agent)
    child = IncidentChild.objects.select_for_update().filter(incident=incident, ticket=ticket).first()
    if child is None:
        raise InvalidOperation(_("Обращение %(number)s не связано с инцидентом %(label)s.")
                               % {"number": ticket.number, "label": incident.label})
    child.delete()
    tickets.leave_incident(ticket, incident=incident_data(incident), actor=Actor.agent(agent), now=now)


def link_by_agent(incident: Incident, ticket: Ticket, *, agent) -> IncidentChild:
    """The agent's one click on a suggestion (or a number typed on the incident's page)."""
    _require_agent(incident.service, agent)
    return link(incident, ticket, actor=Actor.agent(agent), how=IncidentChild.How.AGENT)


def suggest(incident: Incident, ticket: Ticket, score: float) -> None:
    """A new request that may belong to the incident: the agent decides (one click)."""
    IncidentSuggestion.objects.get_or_create(incident=incident, ticket=ticket,
                                             defaults={"score": score})


def dismiss_suggestion(suggestion: IncidentSuggestion, *, agent) -> None:
    _require_agent(suggestion.incident.service, agent)
    suggestion.delete()


def dismiss_proposal(proposal: IncidentProposal, *, agent) -> None:
    """Not one outage after all: the desk stops proposing these tickets."""
    _require_agent(proposal.service, agent)
    IncidentProposal.objects.filter(pk=proposal.pk).update(state=IncidentProposal.State.DISMISSED)


def open_children(incident: Incident) -> list[Ticket]:
    return list(Ticket.objects.filter(incident_link__incident=incident, status__in=OPEN_STATUSES,
                                      merged_into__isnull=True).order_by("id"))


def _open_children_count(incident: Incident) -> int:
    return Ticket.objects.filter(incident_link__incident=incident, status__in=OPEN_STATUSES,
                                 merged_into__isnull=True).count()


@transaction.atomic
def post_update(incident: Incident, *, agent, body: str, now: datetime | None = None) -> IncidentUpdate:
    """Post one agent message to every open child, through each child's own channel.

    Recorded here; a background job posts it to the children in batches (``fan_out``)."""
    now = now or timezone.now()
    incident = _locked_active(incident)
    _require_agent(incident.service, agent)
    body = body.strip()
    if not body:
        raise InvalidOperation(_("Сообщение пустое: напишите, что изменилось."))
    update = IncidentUpdate.objects.create(incident=incident, body=body, author=agent,
                                           children_total=_open_children_count(incident),
                                           created_at=now)
    fan_out.queue(update)
    return update


@transaction.atomic
def resolve(incident: Incident, *, agent, closing_text: str,
            now: datetime | None = None) -> IncidentUpdate:
    """The incident is over: every open child gets the closing text and «Вопрос решён»
    (from a background job, in batches: ``fan_out``)."""
    now = now or timezone.now()
    incident = _locked_active(incident)
    _require_agent(incident.service, agent)
    closing_text = closing_text.strip()
    if not closing_text:
        raise InvalidOperation(_("Напишите пользователям, как решена проблема."))
    incident.state, incident.resolved_at, incident.closing_text = (
        Incident.State.RESOLVED, now, closing_text)
    incident.save(update_fields=["state", "resolved_at", "closing_text"])
    IncidentSuggestion.objects.filter(incident=incident).delete()
    update = IncidentUpdate.objects.create(incident=incident, body=closing_text, author=agent,
                                           resolves=True,
                                           children_total=_open_children_count(incident),
                                           created_at=now)
    fan_out.queue(update)
    return update


def _locked_active(incident: Incident) -> Incident:
    incident = Incident.objects.select_for_update().select_related("service").get(pk=incident.pk)
    if not incident.is_active:
        raise InvalidOperation(_("Инцидент %(label)s уже устранён.") % {"label": incident.label})
    return incident
