"""The ticket number's second index on PostgreSQL, dropped (storage, issue 16).

Django gives a unique text column a second index with ``varchar_pattern_ops`` for LIKE
'prefix%' look-ups. No query looks tickets up by a part of their number (search finds
numbers through ``search_doc_number_trgm``); equality and IN go through the unique index
``tickets_ticket_number_key``. 32 bytes per ticket at 100,000. SQLite has no such index.
"""

from django.db import migrations

FIND = """SELECT indexname FROM pg_indexes
          WHERE tablename = 'tickets_ticket' AND indexdef LIKE '%(number varchar_pattern_ops)%'"""


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FIND)
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Ticket = apps.get_model("tickets", "Ticket")
    schema_editor.execute(schema_editor._create_like_index_sql(Ticket, Ticket._meta.get_field("number")))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_description_in_opening_message")]

    operations = [migrations.RunPython(drop, restore)]
