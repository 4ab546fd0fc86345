"""The supervisors' live board: what it counts and who may see it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from edudesk.accounts.models import User
from edudesk.reports import board
from edudesk.sla.escalation import sweep
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.mark.django_db
def test_board_counts_open_unassigned_waiting_and_each_agents_load(eschool, teacher, line1_agent):
    now = timezone.now()
    waiting = factories.ticket(eschool, teacher, now=now - timedelta(hours=3))
    services.request_clarification(waiting, actor=Actor.agent(line1_agent), body="Пришлите снимок",
                                   now=now - timedelta(hours=2))
    mine = factories.ticket(eschool, teacher, now=now - timedelta(hours=1))
    services.assign(mine, actor=Actor.agent(line1_agent), assignee=line1_agent, now=now)
    unassigned = factories.ticket(eschool, teacher, now=now)
    closed = factories.ticket(eschool, teacher, now=now)
    services.transition(closed, Status.RESOLVED, actor=Actor.agent(line1_agent), now=now)

    result = board.build([eschool], now, timezone.localdate(now))

    (line,) = result.lines
    assert line.open == 3
    assert line.by_status[Status.NEEDS_CLARIFICATION] == 1
    assert line.waiting_for_customer == 1 and line.waiting_for_support == 2
    assert line.unassigned == 2
    assert line.resolved_today == 1
    assert line.created_today == sum(1 for t in (waiting, mine, unassigned, closed)
                                     if timezone.localdate(t.created_at) == timezone.localdate(now))
    assert line.oldest_waiting == now  # both tickets waiting for support were touched now
    assert [(a.agent, a.open) for a in result.agents] == [(line1_agent, 1)]


@pytest.mark.django_db
def test_board_shows_a_review_clock_past_its_due_time_as_late(eschool, teacher):
    now = timezone.now()
    factories.ticket(eschool, teacher, now=now - timedelta(days=10))
    sweep(now)

    (line,) = board.build([eschool], now, timezone.localdate(now)).lines
    assert line.late["review"] == 1


@pytest.mark.django_db
def test_the_board_page_shows_the_lines_and_refreshes_as_a_fragment(supervisor_client, eschool, teacher):
    factories.ticket(eschool, teacher)

    page = supervisor_client.get(reverse("reports:board"))
    fragment = supervisor_client.get(reverse("reports:board"), HTTP_HX_REQUEST="true")

    assert page.status_code == 200
    assert "Табло руководителя" in page.content.decode()
    assert 'hx-trigger="every 30s"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


@pytest.mark.django_db
def test_agents_may_not_open_the_board(client, line1_agent):
    client.force_login(line1_agent)

    assert client.get(reverse("reports:board")).status_code == 403


@pytest.mark.django_db
def test_a_supervisor_of_another_service_sees_nothing_of_this_one(client, eschool, teacher, uchipro):
    factories.ticket(eschool, teacher, subject="Школьный журнал")
    other = factories.agent(uchipro, kind=User.Kind.SUPERVISOR, full_name="Чужой руководитель")
    client.force_login(other)

    page = client.get(reverse("reports:board")).content.decode()

    assert eschool.name not in page
    assert uchipro.name in page
