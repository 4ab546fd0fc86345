"""Each message is labelled by what it is, not by who may read it (``tickets.message_roles``)."""

import pytest

from edudesk.testing import factories
from edudesk.tickets import message_roles, services
from edudesk.tickets.message_roles import Role
from edudesk.tickets.models import Event, Message
from edudesk.tickets.types import Actor


def _roles(ticket) -> list[str]:
    messages = list(ticket.messages.order_by("created_at", "id"))
    message_roles.label(messages, ticket)
    return [m.role for m in messages]


def test_the_first_request_is_the_request_and_later_customer_messages_are_hers(
        eschool, teacher, line1_agent):
    ticket = factories.ticket(eschool, teacher)
    services.add_message(ticket, actor=Actor.customer(teacher), body="Забыла: класс 5А.")
    services.add_message(ticket, actor=Actor.agent(line1_agent), body="Исправлено.")
    assert _roles(ticket) == [Role.REQUEST, Role.CUSTOMER_MESSAGE, Role.REPLY]


def test_a_question_a_note_and_a_merged_duplicates_request_keep_their_names(
        eschool, teacher, line1_agent):
    anna = Actor.agent(line1_agent)
    original = factories.ticket(eschool, teacher, subject="Журнал не открывается")
    duplicate = factories.ticket(eschool, teacher, subject="Снова журнал")
    services.request_clarification(original, actor=anna, body="Какой браузер?")
    services.add_message(original, actor=anna, body="Похоже на кэш.", kind=Message.Kind.INTERNAL)
    services.merge(duplicate, original, actor=anna)
    messages = list(original.messages.all())
    message_roles.label(messages, original)
    roles = {m.body: m.role for m in messages}
    assert roles["Какой браузер?"] == Role.CLARIFICATION
    assert roles["Похоже на кэш."] == Role.NOTE
    # both requests are requests (the duplicate's moved over); the merge notice is the system's
    assert sorted(m.role for m in messages if m.author_contact_id) == [Role.REQUEST, Role.REQUEST]
    assert [m.role for m in messages if m.kind == Message.Kind.SYSTEM] == [Role.SYSTEM]


def test_the_events_of_a_ticket_and_its_duplicates_are_read_without_a_join(eschool, teacher):
    # An OR across the join to the ticket (its own id or its merged_into) kept PostgreSQL off
    # every index: each ticket page read all events and all tickets (0.5 s at 100,000 tickets).
    ticket = factories.ticket(eschool, teacher)
    sql = str(Event.objects.filter(message_roles.of_ticket(ticket)).query)
    assert "JOIN" not in sql
    assert 'WHERE "tickets_event"."ticket_id" IN (' in sql
    assert "UNION ALL" in sql


def test_the_ticket_and_its_duplicates_are_found_by_index_after_analyze(eschool, teacher):
    # SQLite's ANALYZE sees merged_into NULL on every ticket and then scanned the whole ticket
    # table for «id = ? OR merged_into = ?» on every portal ticket page (62 ms at 100,000).
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the plan of SQLite's OR optimisation")
    tickets = [factories.ticket(eschool, teacher, subject=f"Вопрос {i}") for i in range(30)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        sql, params = Event.objects.filter(message_roles.of_ticket(tickets[0])).query.sql_with_params()
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert not [step for step in plan if step.startswith("SCAN U0")], plan
