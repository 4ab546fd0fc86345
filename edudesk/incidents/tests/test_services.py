"""Mass incidents in the domain: declare, link, tell everyone once, resolve them all."""

import pytest

from edudesk.incidents import services
from edudesk.incidents.models import ChildSla, Incident, IncidentChild
from edudesk.incidents.tests.conftest import OUTAGE_TEXT, OUTAGE_TITLE, SAME_OUTAGE, outage_ticket
from edudesk.sla.models import ClockKind, ClockState, SlaClock
from edudesk.tickets import services as tickets
from edudesk.tickets.errors import InvalidOperation, NotPermitted
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Message
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(django_capture_on_commit_callbacks):
    """The fan-out job queued after the commit runs (inline) when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def declare(service, agent, children=(), **extra):
    return services.declare(service=service, agent=agent, title=OUTAGE_TITLE,
                            public_text=OUTAGE_TEXT, tickets_=children, **extra)


def test_declaring_from_tickets_makes_them_children_reviewed_and_noted(eschool, teachers, line1_agent):
    first, second = (outage_ticket(eschool, t, text)
                     for t, text in zip(teachers[:2], SAME_OUTAGE[:2], strict=True))
    incident = declare(eschool, line1_agent, [first, second])
    assert incident.is_active and incident.started_at == first.created_at
    assert set(incident.children.values_list("ticket", flat=True)) == {first.pk, second.pk}
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.status == Status.IN_PROCESSING, "the agent's first look at it"
        event = ticket.events.get(kind=EventKind.INCIDENT_LINKED)
        assert event.data["id"] == incident.pk and event.data["at_intake"] is False
        assert ticket.messages.filter(kind=Message.Kind.SYSTEM,
                                      body__contains="известной проблемой").exists()


def test_an_agent_of_another_service_may_not_declare(eschool, teachers, outsider_agent):
    with pytest.raises(NotPermitted):
        declare(eschool, outsider_agent)
    assert not Incident.objects.exists()


def test_a_title_and_a_text_for_users_are_required(eschool, line1_agent):
    with pytest.raises(InvalidOperation):
        services.declare(service=eschool, agent=line1_agent, title=" ", public_text="x")
    with pytest.raises(InvalidOperation):
        services.declare(service=eschool, agent=line1_agent, title="x", public_text=" ")


def test_a_ticket_belongs_to_one_incident_and_a_closed_one_to_none(eschool, teachers, line1_agent):
    ticket = outage_ticket(eschool, teachers[0])
    incident = declare(eschool, line1_agent, [ticket])
    with pytest.raises(InvalidOperation, match="уже связано"):
        declare(eschool, line1_agent, [ticket])
    closed = outage_ticket(eschool, teachers[1])
    tickets.transition(closed, Status.RESOLVED, actor=Actor.agent(line1_agent))
    with pytest.raises(InvalidOperation, match="закрыто"):
        services.link_by_agent(incident, closed, agent=line1_agent)
    assert IncidentChild.objects.count() == 1


def test_an_update_is_posted_to_every_open_child_as_the_agents_public_message(
        eschool, teachers, line1_agent, jobs):
    children = [outage_ticket(eschool, t, text) for t, text in zip(teachers, SAME_OUTAGE, strict=True)]
    incident = declare(eschool, line1_agent, children)
    tickets.transition(children[2], Status.RESOLVED, actor=Actor.agent(line1_agent))
    with jobs():
        update = services.post_update(incident, agent=line1_agent,
                                      body="Сервер перезапускается, ждём 30 минут.")
    update.refresh_from_db()
    assert update.children_told == update.children_total == 2 and update.finished_at
    for ticket in children[:2]:
        message = ticket.messages.get(kind=Message.Kind.PUBLIC, author_user=line1_agent)
        assert message.body == "Сервер перезапускается, ждём 30 минут."
        assert ticket.events.get(kind=EventKind.MESSAGE_ADDED, data__message_id=message.pk
                                 ).data["incident"] == incident.pk
    assert not children[2].messages.filter(author_user=line1_agent).exists(), "closed: not told"


def test_resolving_closes_every_open_child_with_the_closing_text(eschool, teachers, line1_agent, jobs):
    children = [outage_ticket(eschool, t, text) for t, text in zip(teachers, SAME_OUTAGE, strict=True)]
    incident = declare(eschool, line1_agent, children)
    with jobs():
        services.resolve(incident, agent=line1_agent, closing_text="Журнал снова работает.")
    incident.refresh_from_db()
    assert incident.state == Incident.State.RESOLVED and incident.closing_text == "Журнал снова работает."
    for ticket in children:
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED
        assert ticket.number.startswith("INC"), "each keeps its own number"
        assert ticket.messages.filter(body="Журнал снова работает.").exists()
        assert ticket.events.get(kind=EventKind.STATUS_CHANGED, new__status=Status.RESOLVED
                                 ).data["reason"] == "incident"
    with pytest.raises(InvalidOperation, match="устранён"):
        services.post_update(incident, agent=line1_agent, body="ещё")


def _clock(ticket, kind):
    return SlaClock.objects.get(ticket=ticket, kind=kind)


def test_children_clocks_pause_under_the_pause_policy_and_stop_at_resolution(
        eschool, teachers, line1_agent, jobs):
    ticket = outage_ticket(eschool, teachers[0])
    incident = declare(eschool, line1_agent, [ticket], child_sla=ChildSla.PAUSE)
    assert _clock(ticket, ClockKind.SOLUTION).state == ClockState.PAUSED
    assert _clock(ticket, ClockKind.FIRST_ANSWER).state == ClockState.PAUSED
    with jobs():
        services.resolve(incident, agent=line1_agent, closing_text="Исправлено.")
    solution = _clock(ticket, ClockKind.SOLUTION)
    assert solution.state != ClockState.PAUSED and solution.stopped_at is not None
    assert ticket.events.filter(kind=EventKind.CLOCK_PAUSED).count() == 2, "the SLA record is kept"


def test_children_clocks_keep_running_under_the_keep_policy(eschool, teachers, line1_agent):
    ticket = outage_ticket(eschool, teachers[0])
    declare(eschool, line1_agent, [ticket], child_sla=ChildSla.KEEP)
    assert _clock(ticket, ClockKind.SOLUTION).state == ClockState.RUNNING


def test_a_child_taken_out_of_the_incident_resumes_its_clocks_and_stays_open(
        eschool, teachers, line1_agent, jobs):
    wrong, right = (outage_ticket(eschool, t) for t in teachers[:2])
    incident = declare(eschool, line1_agent, [wrong, right], child_sla=ChildSla.PAUSE)
    services.unlink(incident, wrong, agent=line1_agent)
    assert _clock(wrong, ClockKind.SOLUTION).state == ClockState.RUNNING
    assert wrong.events.filter(kind=EventKind.INCIDENT_UNLINKED).exists()
    with jobs():
        services.resolve(incident, agent=line1_agent, closing_text="Исправлено.")
    wrong.refresh_from_db()
    assert wrong.status == Status.IN_PROCESSING, "it goes on on its own"
    with pytest.raises(InvalidOperation, match="не связано"):
        services.unlink(incident, wrong, agent=line1_agent)


def test_an_agent_corrects_the_declared_incident_and_the_timeline_keeps_the_change(
        eschool, schools, line1_agent):
    incident = declare(eschool, line1_agent, regions=["Курская область"])
    change = services.edit(incident, agent=line1_agent, title="Журнал недоступен (ошибка 502)",
                           public_text="Сервер журнала восстановлен частично.",
                           regions=["Курская область", "Орловская область"],
                           organisations=[schools[0]], started_at=incident.started_at)
    incident.refresh_from_db()
    assert incident.title == "Журнал недоступен (ошибка 502)"
    assert incident.public_text == "Сервер журнала восстановлен частично."
    assert incident.regions == ["Курская область", "Орловская область"]
    assert list(incident.organisations.all()) == [schools[0]]
    assert change.changes["title"] == [OUTAGE_TITLE, "Журнал недоступен (ошибка 502)"]
    assert set(change.changes) == {"title", "public_text", "regions", "organisations"}


def test_an_edit_that_changes_nothing_leaves_no_trace_and_bad_input_changes_nothing(
        eschool, line1_agent, outsider_agent):
    incident = declare(eschool, line1_agent)
    same = {"title": OUTAGE_TITLE, "public_text": OUTAGE_TEXT, "regions": [], "organisations": [],
            "started_at": incident.started_at}
    assert services.edit(incident, agent=line1_agent, **same) is None
    with pytest.raises(InvalidOperation):
        services.edit(incident, agent=line1_agent, **{**same, "title": " "})
    with pytest.raises(NotPermitted):
        services.edit(incident, agent=outsider_agent, **{**same, "title": "Другое"})
    incident.refresh_from_db()
    assert incident.title == OUTAGE_TITLE and not incident.edits.exists()
