"""An update or a resolution reaches hundreds of children from a background job, in batches:
the agent's request returns at once, the page shows how far it got, a retried job repeats
nothing."""

import pytest

from edudesk.incidents import fan_out, services
from edudesk.incidents.models import IncidentDelivery, IncidentUpdate
from edudesk.incidents.tests.conftest import OUTAGE_TEXT, OUTAGE_TITLE, SAME_OUTAGE, outage_ticket
from edudesk.tickets.models import Message
from edudesk.tickets.status import Status

pytestmark = pytest.mark.django_db

BODY = "Сервер перезапускается, ждём 30 минут."


@pytest.fixture
def children(eschool, teachers):
    return [outage_ticket(eschool, teachers[n % 3], SAME_OUTAGE[n % 3]) for n in range(7)]


@pytest.fixture
def incident(eschool, line1_agent, children):
    return services.declare(service=eschool, agent=line1_agent, title=OUTAGE_TITLE,
                            public_text=OUTAGE_TEXT, tickets_=children)


def told(ticket) -> int:
    return ticket.messages.filter(kind=Message.Kind.PUBLIC, body=BODY).count()


def test_posting_an_update_records_it_and_tells_no_child_before_the_commit(
        incident, line1_agent, children, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        update = services.post_update(incident, agent=line1_agent, body=BODY)
    assert (update.children_told, update.children_total, update.finished_at) == (0, 7, None)
    assert not any(told(t) for t in children), "the request does not post to the children"
    assert len(queued) == 1, "one job after the commit"


def test_the_job_tells_every_child_in_batches_and_counts_its_progress(incident, line1_agent, children,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        update = services.post_update(incident, agent=line1_agent, body=BODY)
    done, count = fan_out._batch(update.pk, 3)
    update.refresh_from_db()
    assert (done, count, update.children_told, update.finished_at) == (False, 3, 3, None)
    IncidentUpdate.objects.filter(pk=update.pk).update(lease_until=None)  # that run ended
    assert fan_out.run(update.pk, batch=3) == 4
    update.refresh_from_db()
    assert update.children_told == 7 and update.finished_at is not None
    assert [told(t) for t in children] == [1] * 7


def test_a_retried_job_posts_nothing_twice(incident, line1_agent, children,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update = services.post_update(incident, agent=line1_agent, body=BODY)
    IncidentUpdate.objects.filter(pk=update.pk).update(finished_at=None, lease_until=None)
    assert fan_out.run(update.pk) == 0
    assert [told(t) for t in children] == [1] * 7
    assert IncidentDelivery.objects.filter(update=update).count() == 7


def test_a_lost_job_is_taken_up_where_it_stopped(incident, line1_agent, children,
                                                django_capture_on_commit_callbacks):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        update = services.post_update(incident, agent=line1_agent, body=BODY)
    fan_out._claim(update.pk, timezone.now())
    fan_out._batch(update.pk, 2)  # then the consumer was killed
    assert fan_out.run(update.pk) == 0, "the lease still holds it"
    with time_machine.travel(timezone.now() + fan_out.LEASE + timedelta(minutes=1)):
        assert fan_out.resume_due() == [update.pk]
    update.refresh_from_db()
    assert update.children_told == 7 and update.finished_at
    assert [told(t) for t in children] == [1] * 7


def test_the_resolution_closes_the_children_from_the_job(incident, line1_agent, children,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        update = services.resolve(incident, agent=line1_agent, closing_text="Журнал снова работает.")
    incident.refresh_from_db()
    assert not incident.is_active, "resolved at once"
    children[0].refresh_from_db()
    assert children[0].status != Status.RESOLVED
    for callback in queued:
        callback()
    update.refresh_from_db()
    assert update.children_told == 7 and update.finished_at
    for ticket in children:
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED


def test_the_incident_page_shows_how_far_an_update_got(incident, line1_agent,
                                                       django_capture_on_commit_callbacks):
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=False):
        update = services.post_update(incident, agent=line1_agent, body=BODY)
    fan_out._batch(update.pk, 3)
    client = Client()
    client.force_login(line1_agent)
    page = " ".join(client.get(f"/desk/incidents/{incident.pk}/").content.decode().split())
    assert "отправлено в 3 из 7" in page
