"""The queue's one-line rows: the clock that matters now, «Срок», the order by due date, the
denser layout remembered per agent, and the poll that costs nothing while nothing changes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edudesk.desk import queues
from edudesk.desk.models import QueuePreference
from edudesk.desk.rows import ClockStanding
from edudesk.sla.models import ClockKind, ClockState, SlaClock
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


def _rows(response):
    return {row.ticket.number: row for row in response.context["rows"]}


def test_a_new_ticket_names_its_review_clock_and_due_shows_the_date_the_customer_was_told(
        agent_client, eschool, teacher):
    ticket = factories.ticket(eschool, teacher)
    ticket.refresh_from_db()
    assert ticket.review_due_at and ticket.due_at and ticket.review_due_at != ticket.due_at
    row = _rows(agent_client.get(reverse("desk:queue"), {"queue": "new"}))[ticket.number]
    zone = timezone.get_current_timezone()
    assert row.due == ticket.due_at.astimezone(zone).strftime("%d.%m %H:%M")
    assert row.clock.name == "Рассмотрение"
    assert row.clock.due == ticket.review_due_at.astimezone(zone).strftime("%d.%m %H:%M")
    assert row.clock.standing == ClockStanding.ON_TIME
    html = agent_client.get(reverse("desk:queue"), {"queue": "new"}).content.decode()
    assert "Рассмотрение" in html and "в срок" in html


def test_after_review_the_row_shows_the_next_running_clock(agent_client, eschool, teacher, line1_agent):
    ticket = factories.ticket(eschool, teacher)
    services.transition(ticket, Status.IN_WORK, actor=Actor.agent(line1_agent))
    running = {c.kind for c in SlaClock.objects.filter(ticket=ticket, state=ClockState.RUNNING)}
    row = _rows(agent_client.get(reverse("desk:queue"), {"queue": "all"}))[ticket.number]
    expected = "Первый ответ" if ClockKind.FIRST_ANSWER in running else "Решение"
    assert ClockKind.REVIEW not in running
    assert row.clock.name == expected


def test_a_clock_past_its_warning_is_at_risk_and_past_its_due_is_late(agent_client, eschool, teacher):
    risky, late = factories.ticket(eschool, teacher), factories.ticket(eschool, teacher)
    now = timezone.now()
    SlaClock.objects.filter(ticket=risky, kind=ClockKind.REVIEW).update(
        warn_at=now - timedelta(minutes=1), due_at=now + timedelta(minutes=10))
    SlaClock.objects.filter(ticket=late, kind=ClockKind.REVIEW).update(
        warn_at=now - timedelta(minutes=20), due_at=now - timedelta(minutes=5))
    rows = _rows(agent_client.get(reverse("desk:queue"), {"queue": "new"}))
    assert rows[risky.number].clock.standing == ClockStanding.AT_RISK
    assert rows[risky.number].clock.standing_label == "под угрозой"
    assert rows[late.number].clock.standing == ClockStanding.LATE
    assert rows[late.number].clock.standing_label == "просрочено"


def test_a_queue_can_be_sorted_by_the_customers_due_date(agent_client, eschool, teacher):
    first, second, unknown = (factories.ticket(eschool, teacher) for _ in range(3))
    now = timezone.now()
    services.record_sla(first, review_due_at=now + timedelta(hours=3), due_at=now + timedelta(days=1))
    services.record_sla(second, review_due_at=now + timedelta(hours=1), due_at=now + timedelta(days=2))
    services.record_sla(unknown, review_due_at=now + timedelta(hours=2), due_at=None)
    by_review = agent_client.get(reverse("desk:queue"), {"queue": "new"})
    by_due = agent_client.get(reverse("desk:queue"), {"queue": "new", "sort": "due"})
    assert [t.number for t in by_review.context["tickets"]] == [second.number, unknown.number, first.number]
    assert [t.number for t in by_due.context["tickets"]] == [first.number, second.number, unknown.number]
    assert 'aria-sort="ascending"' in by_due.content.decode()


def test_the_denser_list_is_remembered_for_the_agent_in_a_new_session(client, line1_agent):
    client.force_login(line1_agent)
    response = client.post(reverse("desk:queue_density"), {"dense": "1", "next": "/desk/?queue=all"})
    assert response.status_code == 302 and response["Location"] == "/desk/?queue=all"
    assert QueuePreference.objects.get(user=line1_agent).dense
    client.logout()
    client.force_login(line1_agent)
    assert 'class="queue-page dense"' in client.get(reverse("desk:queue")).content.decode()


def test_the_density_switch_goes_back_only_to_this_site(agent_client):
    response = agent_client.post(reverse("desk:queue_density"), {"dense": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("desk:queue")


def test_an_unchanged_queue_answers_304_without_reading_a_ticket(agent_client, eschool, teacher, line1_agent):
    factories.ticket(eschool, teacher)
    page = agent_client.get(reverse("desk:queue"), {"queue": "new"})
    etag = page.context["etag"]
    with CaptureQueriesContext(connection) as captured:
        unchanged = agent_client.get(reverse("desk:queue_updates"), {"queue": "new"},
                                     headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    assert not any("tickets_ticket" in q["sql"] for q in captured.captured_queries)
    assert len(captured.captured_queries) <= 4  # session, user, the preference, the latest event

    arrived = factories.ticket(eschool, teacher, subject="Новое обращение")
    changed = agent_client.get(reverse("desk:queue_updates"), {"queue": "new"},
                               headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert arrived.number in changed.content.decode()


def test_the_page_and_its_poll_share_one_version_of_the_same_page(agent_client, eschool, teacher,
                                                                   monkeypatch):
    monkeypatch.setattr(queues, "PAGE_SIZE", 1)
    factories.ticket(eschool, teacher), factories.ticket(eschool, teacher)
    first = agent_client.get(reverse("desk:queue"), {"queue": "all"})
    after = first.context["next_cursor"]
    second = agent_client.get(reverse("desk:queue"), {"queue": "all", "after": after})
    assert second.context["etag"] != first.context["etag"]
    poll = agent_client.get(reverse("desk:queue_updates"), {"queue": "all", "after": after},
                            headers={"If-None-Match": second.context["etag"]})
    assert poll.status_code == 304


@pytest.mark.skipif("connection.vendor != 'sqlite'")
@pytest.mark.parametrize("key", ["mine", "group"])
def test_open_ticket_queues_are_read_in_the_order_of_their_partial_index(key, eschool, teacher, line1_agent):
    """SQLite proves a partial index only against constants: with bound values it read every
    open ticket of the service and sorted them (issue 16)."""
    viewer = queues.viewer_for(line1_agent)
    queue = queues.QUEUES[key]
    known = queue.tickets(factories_scope(line1_agent), viewer).filter(due_at__isnull=False)
    sql, params = known.order_by("due_at", "id").values("pk")[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(row[3] for row in cursor.fetchall())
    assert "_due" in plan and "TEMP B-TREE" not in plan, plan


def factories_scope(user):
    from edudesk.desk.access import ticket_scope

    return ticket_scope(user)


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_every_count_reads_a_bounded_range_of_an_index(eschool, teacher, line1_agent):
    """No count walks the table: each is at most COUNT_CAP + 1 entries of an index, in its order."""
    from edudesk.desk.access import ticket_scope

    captured = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (
            captured.append((sql, params)), execute(sql, params, many, context))[1]):
        queues.counts(ticket_scope(line1_agent), queues.viewer_for(line1_agent))
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[3] for row in cursor.fetchall()]
    reads = [step for step in plan if "tickets_ticket" in step]
    assert len(reads) == len(queues.QUEUES), plan
    assert all("USING" in step and "INDEX" in step for step in reads), "\n".join(plan)
    # In index order, so the cap stops the read: nothing is sorted. «Под угрозой» is read through
    # ticket_at_risk_service whatever the statistics (INDEXED BY): with ANALYZE SQLite chose the
    # board's ticket_open_counts and sorted every open ticket of the service (22–37 ms at 100k).
    assert not any("TEMP B-TREE" in step for step in plan), "\n".join(plan)
    assert any("ticket_at_risk_service" in step for step in reads), "\n".join(plan)
