"""SlaClock.ticket's own index dropped: uniq_sla_clock_ticket_kind (ticket, kind) serves every
look-up by ticket (storage, issue 16)."""

import django.db.models.deletion
from django.db import migrations, models

from edudesk.core.migration_operations import DropFieldIndex


class Migration(migrations.Migration):
    dependencies = [("sla", "0004_board_indexes")]

    operations = [
        DropFieldIndex(
            model_name="slaclock", name="ticket",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="sla_clocks", to="tickets.ticket"),
        ),
    ]
