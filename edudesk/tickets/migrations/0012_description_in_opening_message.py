"""A ticket's description is kept once, as its opening message's text (storage, issue 16).

Every ticket was opened with a message whose body was the description, written twice: in the
ticket's row and in the message. The message now marks the ticket it opened (``opens``) and the
column goes. Nothing is lost:

1. each ticket's opening message is the one its «created» event names (``data.message_id``),
   taken when its body is the description exactly — also when a merge has since moved it into
   the original ticket;
2. a ticket left without one (its event names no such message) takes its first own message
   whose body is the description exactly; failing that, the description becomes an opening
   message of the requester's at the ticket's creation time, so its text is kept;
3. only then is the column dropped.

Backwards, the column is filled again from the opening messages.

On PostgreSQL the dropped column's bytes are given back by ``VACUUM FULL tickets_ticket``
(the next rewrite of the table); until then they stay in the table's pages.
"""

import django.db.models.deletion
from django.db import migrations, models

LINK_BY_EVENT = {
    "postgresql": """
        UPDATE tickets_message AS m SET opens_id = e.ticket_id
        FROM tickets_event AS e JOIN tickets_ticket AS t ON t.id = e.ticket_id
        WHERE e.kind = 'created' AND m.id = (e.data ->> 'message_id')::bigint
          AND m.body = t.description""",
    "sqlite": """
        UPDATE tickets_message SET opens_id = e.ticket_id
        FROM tickets_event AS e JOIN tickets_ticket AS t ON t.id = e.ticket_id
        WHERE e.kind = 'created' AND tickets_message.id = json_extract(e.data, '$.message_id')
          AND tickets_message.body = t.description""",
}


def link_by_event(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(LINK_BY_EVENT[schema_editor.connection.vendor])


def keep_every_description(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Message = apps.get_model("tickets", "Message")
    opened = Message.objects.filter(opens_id=models.OuterRef("pk"))
    for ticket in Ticket.objects.filter(~models.Exists(opened)).iterator():
        first = (Message.objects.filter(ticket_id=ticket.pk, opens__isnull=True, body=ticket.description)
                 .order_by("created_at", "id").first())
        if first is not None:
            first.opens_id = ticket.pk
            first.save(update_fields=["opens"])
            continue
        Message.objects.create(ticket_id=ticket.pk, opens_id=ticket.pk, kind="public",
                               author_contact_id=ticket.requester_id, body=ticket.description,
                               channel=ticket.channel, created_at=ticket.created_at)


def fill_description(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("""
            UPDATE tickets_ticket SET description = COALESCE(
                (SELECT m.body FROM tickets_message AS m WHERE m.opens_id = tickets_ticket.id), '')""")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0011_indexes_kept_once")]

    operations = [
        migrations.AddField(
            model_name="message",
            name="opens",
            field=models.ForeignKey(blank=True, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    related_query_name="opening", to="tickets.ticket",
                                    verbose_name="открывает обращение"),
        ),
        migrations.RunPython(link_by_event, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="message",
            constraint=models.UniqueConstraint(condition=models.Q(("opens__isnull", False)),
                                               fields=("opens",), name="message_opens"),
        ),
        migrations.RunPython(keep_every_description, migrations.RunPython.noop),
        migrations.RunPython(migrations.RunPython.noop, fill_description),
        # A default, in the migration state only, so that going back adds the column to the
        # existing rows (empty) before ``fill_description`` fills it.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(model_name="ticket", name="description",
                                  field=models.TextField(default="", verbose_name="описание")),
        ]),
        migrations.RemoveField(model_name="ticket", name="description"),
    ]
