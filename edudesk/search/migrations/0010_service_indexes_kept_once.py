"""The service's own index dropped on documents (search_doc_service_ticket leads with it) and on
identities (read only by token, through search_identity_token) (storage, issue 16)."""

import django.db.models.deletion
from django.db import migrations, models

from edudesk.core.migration_operations import DropFieldIndex


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_service_one_status_name"), ("search", "0009_lemmas_kept_in_vector_only")]

    operations = [
        DropFieldIndex(
            model_name=model, name="service",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="accounts.service"),
        )
        for model in ("ticketdocument", "ticketidentity")
    ]
