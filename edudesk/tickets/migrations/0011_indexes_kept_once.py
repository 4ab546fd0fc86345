"""Indexes that another index already holds, dropped (storage, issue 16).

Message.ticket and Event.ticket had an index of their own besides message_ticket
(ticket, created_at, id) and event_ticket (ticket, id), which serve every look-up by ticket.
Event.kind's index served no query: every look-up by kind is also by ticket (event_ticket),
and the newest events are read backwards along the primary key. Message.external_id was
indexed for every message although most have none: the index now holds only messages with a
Message-ID (what mail threading looks up).
"""

import django.db.models.deletion
from django.db import migrations, models

from edudesk.core.migration_operations import DropFieldIndex


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_board_indexes")]

    operations = [
        DropFieldIndex(
            model_name="event", name="ticket",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="events", to="tickets.ticket"),
        ),
        DropFieldIndex(model_name="event", name="kind", field=models.CharField(max_length=40)),
        DropFieldIndex(
            model_name="message", name="ticket",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="messages", to="tickets.ticket"),
        ),
        DropFieldIndex(
            model_name="message", name="external_id",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(condition=models.Q(("external_id", ""), _negated=True),
                               fields=["external_id"], name="message_external_id"),
        ),
    ]
