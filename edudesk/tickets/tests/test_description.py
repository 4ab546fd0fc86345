"""A ticket's description is kept once, as its opening message's text (``Message.opens``)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Event, Message, Ticket
from edudesk.tickets.selectors import with_description
from edudesk.tickets.types import Actor

BEFORE = [("tickets", "0011_indexes_kept_once")]


@pytest.mark.django_db
def test_the_description_is_the_opening_message_and_survives_a_merge(eschool, teacher, line1_agent):
    """GIVEN an older ticket merged into a newer one (its messages, the opening one included,
    move into the original) THEN each ticket still reads its own description."""
    older = factories.ticket(eschool, teacher, description="Оценки пропали после обновления.")
    newer = factories.ticket(eschool, teacher, description="Не сохраняются оценки в 5«А».")
    services.merge(older, newer, actor=Actor.agent(line1_agent))
    assert Message.objects.get(opens=older).ticket_id == newer.pk
    read = dict(with_description(Ticket.objects.all()).values_list("pk", "description"))
    assert read == {older.pk: "Оценки пропали после обновления.",
                    newer.pk: "Не сохраняются оценки в 5«А»."}
    assert Ticket.objects.get(pk=older.pk).description == "Оценки пропали после обновления."


@pytest.mark.django_db
def test_descriptions_of_many_tickets_are_read_in_one_query(eschool, teacher):
    for n in range(3):
        factories.ticket(eschool, teacher, description=f"Описание {n}")
    with CaptureQueriesContext(connection) as queries:
        read = [t.description for t in with_description(Ticket.objects.order_by("id"))]
    assert read == ["Описание 0", "Описание 1", "Описание 2"] and len(queries) == 1


@pytest.mark.django_db
def test_a_new_ticket_knows_its_description_without_reading_it_again(eschool, teacher):
    ticket = factories.ticket(eschool, teacher, description="Журнал не открывается.")
    with CaptureQueriesContext(connection) as queries:
        assert ticket.description == "Журнал не открывается."
    assert not queries


def _migrate(target=None) -> None:
    """To ``target``, or forward to the latest migrations."""
    executor = MigrationExecutor(connection)
    executor.migrate(target or executor.loader.graph.leaf_nodes())


def _description_column(ticket_id: int, text: str | None = None) -> str:
    with connection.cursor() as cursor:
        if text is not None:
            cursor.execute("UPDATE tickets_ticket SET description = %s WHERE id = %s", [text, ticket_id])
        cursor.execute("SELECT description FROM tickets_ticket WHERE id = %s", [ticket_id])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_description(eschool, teacher, line1_agent):
    """GIVEN tickets as they were before the migration (the description in the ticket's row),
    among them a merged duplicate whose opening message moved, a ticket whose «created» event
    names no message, and one whose description no message holds, WHEN the migration runs,
    THEN every ticket reads the description it had, and no message is lost."""
    plain = factories.ticket(eschool, teacher, description="Журнал не открывается.")
    older = factories.ticket(eschool, teacher, description="Оценки пропали.")
    newer = factories.ticket(eschool, teacher, description="Оценки не сохраняются.")
    services.merge(older, newer, actor=Actor.agent(line1_agent))
    unnamed = factories.ticket(eschool, teacher, description="Не приходят уведомления.")
    services.add_message(unnamed, actor=Actor.customer(teacher), body="Не приходят уведомления.")
    Event.objects.filter(ticket=unnamed, kind="created").update(data={})
    lost = factories.ticket(eschool, teacher, description="Пропало расписание.")
    try:
        _migrate(BEFORE)
        assert [_description_column(t.pk) for t in (plain, older, newer, unnamed)] == [
            "Журнал не открывается.", "Оценки пропали.", "Оценки не сохраняются.",
            "Не приходят уведомления."]
        _description_column(lost.pk, "Пропало расписание 7«Б», с понедельника.")
        messages = set(Message.objects.values_list("pk", "ticket_id", "body"))
    finally:
        _migrate()
    read = dict(with_description(Ticket.objects.all()).values_list("pk", "description"))
    assert read == {plain.pk: "Журнал не открывается.", older.pk: "Оценки пропали.",
                    newer.pk: "Оценки не сохраняются.", unnamed.pk: "Не приходят уведомления.",
                    lost.pk: "Пропало расписание 7«Б», с понедельника."}
    assert Message.objects.get(opens=older).ticket_id == newer.pk
    first_of_unnamed = unnamed.messages.order_by("created_at", "id").first()
    assert Message.objects.get(opens=unnamed) == first_of_unnamed
    kept = Message.objects.get(opens=lost)
    assert kept.kind == "public" and kept.author_contact_id == teacher.pk and kept.ticket_id == lost.pk
    assert set(Message.objects.exclude(pk=kept.pk).values_list("pk", "ticket_id", "body")) == messages
