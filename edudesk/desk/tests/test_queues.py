from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edudesk.desk import queues
from edudesk.desk.models import SavedFilter
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Priority, SlaFlag, Ticket
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _numbers(response) -> list[str]:
    return [t.number for t in response.context["tickets"]]


def _many(service, requester, count):
    return [factories.ticket(service, requester, subject=f"Вопрос {i}") for i in range(count)]


def test_new_queue_is_sorted_by_the_review_clock(agent_client, eschool, teacher):
    late, early, unknown = _many(eschool, teacher, 3)
    services.record_sla(late, review_due_at=NOON + timedelta(minutes=50))
    services.record_sla(early, review_due_at=NOON + timedelta(minutes=5))
    services.record_sla(unknown, review_due_at=None)
    response = agent_client.get(reverse("desk:queue"), {"queue": "new"})
    assert _numbers(response) == [early.number, late.number, unknown.number]


def test_pages_follow_a_cursor_and_show_every_ticket_once(agent_client, eschool, teacher, monkeypatch):
    monkeypatch.setattr(queues, "PAGE_SIZE", 4)
    created = _many(eschool, teacher, 10)
    for index, ticket in enumerate(created):
        # Several tickets share a due moment: the id breaks the tie.
        services.record_sla(ticket, review_due_at=NOON + timedelta(minutes=index // 3))
    seen, after = [], ""
    while True:
        response = agent_client.get(reverse("desk:queue"), {"queue": "new", "after": after})
        seen += _numbers(response)
        after = response.context["next_cursor"]
        if not after:
            break
    assert seen == [t.number for t in created]


def test_a_queue_page_costs_the_same_queries_with_few_and_many_tickets(agent_client, eschool, teacher):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert agent_client.get(reverse("desk:queue"), {"queue": "all"}).status_code == 200
        return len(captured)

    _many(eschool, teacher, 3)
    queries_for_page()  # warm the process caches first
    few = queries_for_page()
    _many(eschool, teacher, queues.PAGE_SIZE + 30)
    assert queries_for_page() == few
    # session, user, the latest event (the page's version for its poll), served services (once:
    # the filter's services and the ticket scope share them), the page, the assignees, the SLA
    # clocks, all the counts in one, saved filters, the version the bulk form acts on
    # (desk.staleness). The filters' services and agents and the agent's lines come from the
    # cache (desk.directory).
    assert few == 9


def test_counts_stop_at_the_cap_so_they_stay_cheap(eschool, teacher, line1_agent, monkeypatch):
    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    _many(eschool, teacher, 5)
    scope = Ticket.objects.all()
    counts = {c.queue.key: c for c in queues.counts(scope, queues.viewer_for(line1_agent))}
    assert counts["new"].label == "3+"
    assert counts["waiting"].label == "0"


def test_each_queue_holds_what_its_name_says(agent_client, eschool, teacher, line1_agent, colleague):
    agent = Actor.agent(line1_agent)
    new, mine, waiting, answered, at_risk, colleagues = _many(eschool, teacher, 6)
    services.assign(mine, actor=agent, assignee=line1_agent)
    services.request_clarification(waiting, actor=agent, body="Пришлите снимок экрана.")
    services.transition(answered, Status.ANSWERED, actor=agent)
    services.transition(at_risk, Status.IN_WORK, actor=agent)
    services.record_sla(at_risk, flag=SlaFlag.BREACHED)
    services.assign(colleagues, actor=agent, assignee=colleague)

    def queue(key):
        return set(_numbers(agent_client.get(reverse("desk:queue"), {"queue": key})))

    assert queue("new") == {new.number}
    assert queue("mine") == {mine.number}
    assert queue("waiting") == {waiting.number}
    assert queue("answered") == {answered.number}
    assert queue("at_risk") == {at_risk.number}
    assert {new.number, mine.number, colleagues.number} <= queue("group")


def test_filters_narrow_a_queue(agent_client, eschool, teacher, another_teacher, line1_agent):
    urgent = factories.ticket(eschool, teacher, priority=Priority.HIGH, category="error")
    factories.ticket(eschool, another_teacher)
    response = agent_client.get(reverse("desk:queue"),
                                {"queue": "all", "priority": "high", "category": "error",
                                 "assignee": "none", "region": "Республика Татарстан"})
    assert _numbers(response) == [urgent.number]


def test_an_agent_sees_no_tickets_of_services_it_does_not_serve(outsider_client, ticket):
    response = outsider_client.get(reverse("desk:queue"), {"queue": "all"})
    assert _numbers(response) == []
    assert all(c.count == 0 for c in response.context["queue_counts"])


def test_the_updates_return_the_same_page_the_agent_is_on(agent_client, eschool, teacher, monkeypatch):
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    _many(eschool, teacher, 5)
    first = agent_client.get(reverse("desk:queue"), {"queue": "all"})
    cursor = first.context["next_cursor"]
    second = agent_client.get(reverse("desk:queue"), {"queue": "all", "after": cursor})
    assert f"queue=all&amp;after={cursor}" in second.content.decode()  # what the page polls
    refreshed = agent_client.get(reverse("desk:queue_updates"), {"queue": "all", "after": cursor})
    assert _numbers(refreshed) == _numbers(second)
    html = refreshed.content.decode()
    assert 'id="queue-list"' in html and 'id="queue-counts"' in html and "<html" not in html


def test_a_saved_filter_is_kept_per_agent_and_replayed(agent_client, line1_agent):
    response = agent_client.post(reverse("desk:save_filter"),
                                 {"name": "Срочные", "query": "queue=all&priority=critical"})
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=line1_agent)
    assert saved.query == "queue=all&priority=critical"
    page = agent_client.get(reverse("desk:queue"))
    assert "Срочные" in page.content.decode()


def test_a_supervisor_sees_the_lines_they_supervise_in_my_lines(client, eschool, teacher, supervisor):
    second_line = eschool.groups.create(name="Вторая линия", supervisor=supervisor)
    escalated = factories.ticket(eschool, teacher, group=second_line)
    client.force_login(supervisor)
    response = client.get(reverse("desk:queue"), {"queue": "group"})
    assert escalated.number in _numbers(response)


def test_an_administrator_sees_every_service(client, ticket, uchipro):
    from edudesk.accounts.models import User

    learner = factories.contact(uchipro)
    lms_ticket = factories.ticket(uchipro, learner)
    admin = factories.agent(username="admin", kind=User.Kind.ADMINISTRATOR)
    client.force_login(admin)
    numbers = _numbers(client.get(reverse("desk:queue"), {"queue": "all"}))
    assert {ticket.number, lms_ticket.number} <= set(numbers)


def test_counts_come_in_one_query_and_an_agent_in_no_line_has_none_in_my_line(eschool, teacher):
    _many(eschool, teacher, 2)
    loner = factories.agent(eschool, username="loner", full_name="Ершов Павел")
    for group in eschool.groups.all():
        group.members.remove(loner)
    viewer = queues.viewer_for(loner)
    with CaptureQueriesContext(connection) as captured:
        counts = {c.queue.key: c.count for c in queues.counts(Ticket.objects.all(), viewer)}
    assert len(captured) == 1
    assert counts["new"] == 2 and counts["all"] == 2
    assert counts["group"] == 0 and counts["mine"] == 0


def test_the_filter_form_keeps_the_chosen_assignee_selected_and_escapes_names(
        agent_client, eschool, teacher, line1_agent):
    colleague = factories.agent(eschool, username="colleague", full_name="Морозов <Илья>")
    response = agent_client.get(reverse("desk:queue"), {"queue": "all", "assignee": colleague.pk})
    html = response.content.decode()
    assert f'<option value="{colleague.pk}" selected>Морозов &lt;Илья&gt;</option>' in html
    assert f'<option value="{line1_agent.pk}">Соколова Анна</option>' in html


def test_counts_follow_the_agents_lines_and_services_when_their_statement_is_reused(
        eschool, uchipro, teacher, line1_agent):
    from edudesk.desk.access import ticket_scope

    ticket = factories.ticket(eschool, teacher)
    second_line = eschool.groups.create(name="Вторая линия")
    services.assign(ticket, group=second_line, actor=Actor.agent(line1_agent))

    def counts():
        return {c.queue.key: c.count for c in queues.counts(ticket_scope(line1_agent),
                                                           queues.viewer_for(line1_agent))}

    assert counts()["group"] == 0
    second_line.members.add(line1_agent)
    assert counts()["group"] == 1
    line1_agent.services.remove(eschool)
    line1_agent.services.add(uchipro)
    assert counts()["all"] == 0


def test_the_cached_filter_form_follows_the_services_agents_and_the_values_chosen(
        agent_client, eschool):
    assert "Новикова Ольга" not in agent_client.get(reverse("desk:queue")).content.decode()
    newcomer = factories.agent(eschool, username="newcomer", full_name="Новикова Ольга")
    html = agent_client.get(reverse("desk:queue")).content.decode()
    assert f'<option value="{newcomer.pk}">Новикова Ольга</option>' in html
    html = agent_client.get(reverse("desk:queue"), {"assignee": newcomer.pk}).content.decode()
    assert f'<option value="{newcomer.pk}" selected>Новикова Ольга</option>' in html
    newcomer.full_name = "Новикова-Белова Ольга"
    newcomer.save()
    assert "Новикова-Белова Ольга" in agent_client.get(reverse("desk:queue")).content.decode()


def test_the_queue_pages_cached_parts_show_what_changed(agent_client, eschool, teacher, line1_agent):
    """The counts, the toolbar, the table's head and the keys' help are cached fragments
    (desk.fragments): each is keyed on what it shows, so a new count, another page's address,
    the denser layout or another language shows at once."""
    import re

    def page(**params) -> str:
        return agent_client.get(reverse("desk:queue"), params).content.decode()

    def count_of(html: str, key: str) -> str:
        return re.search(rf'data-queue-count="{key}">([^<]*)<', html).group(1)

    _many(eschool, teacher, 1)
    assert count_of(page(queue="new"), "new") == "1"
    _many(eschool, teacher, 2)
    assert count_of(page(queue="new"), "new") == "3"
    assert re.search(r'<li class="current">\s*<a href="\?queue=all"', page(queue="all"))
    shown = page(queue="new", status="registered")
    assert 'name="next" value="/desk/?queue=new&amp;status=registered"' in shown
    assert 'name="query" value="queue=new&amp;status=registered"' in shown
    assert 'aria-pressed="false"' in shown
    agent_client.post(reverse("desk:queue_density"), {"dense": "1"})
    assert 'aria-pressed="true"' in page(queue="new", status="registered")
    assert 'id="sort-by-due"' in page(queue="new")
    assert 'aria-sort="ascending"' in page(queue="new", sort="due")
    english = agent_client.get(reverse("desk:queue"), {"queue": "new"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Queue keys" in english.content.decode() and "Клавиши очереди" in page(queue="new")


def test_an_agent_put_in_a_line_or_made_its_supervisor_sees_its_tickets_at_once(
        client, eschool, teacher, line1_agent):
    """The agent's lines are kept in the cache (desk.directory) and renewed when a line, its
    members or its supervisor change."""
    second_line = eschool.groups.create(name="Вторая линия")
    escalated = factories.ticket(eschool, teacher, group=second_line)
    client.force_login(line1_agent)

    def in_my_lines() -> bool:
        return escalated.number in _numbers(client.get(reverse("desk:queue"), {"queue": "group"}))

    assert not in_my_lines()
    second_line.members.add(line1_agent)
    assert in_my_lines()
    second_line.members.remove(line1_agent)
    assert not in_my_lines()
    second_line.supervisor = line1_agent
    second_line.save()
    assert in_my_lines()
