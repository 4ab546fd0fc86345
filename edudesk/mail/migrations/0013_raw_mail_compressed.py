"""Received mail is kept compressed (edudesk.core.fields.CompressedBinaryField).

The column stays as it is; the mails already stored are compressed here, in batches (a value
without the field's mark is read as it is, so a stopped run leaves nothing unreadable).
Going back writes every mail uncompressed again.
"""

from django.db import migrations

import edudesk.core.fields

BATCH = 200


def _rewrite(apps, schema_editor, encode) -> None:
    from edudesk.core.fields import decompress

    table = apps.get_model("mail", "InboundMail")._meta.db_table
    connection = schema_editor.connection
    quoted = connection.ops.quote_name(table)
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, raw FROM {quoted} WHERE id > %s ORDER BY id LIMIT %s",
                           [last, BATCH])
            rows = cursor.fetchall()
            for pk, stored in rows:
                cursor.execute(f"UPDATE {quoted} SET raw = %s WHERE id = %s",
                               [encode(decompress(bytes(stored))), pk])
        if not rows:
            return
        last = rows[-1][0]


def compress(apps, schema_editor):
    _rewrite(apps, schema_editor, edudesk.core.fields.compress)


def decompress(apps, schema_editor):
    _rewrite(apps, schema_editor, bytes)


class Migration(migrations.Migration):
    dependencies = [("mail", "0012_names_in_russian")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="inboundmail", name="raw",
                field=edudesk.core.fields.CompressedBinaryField(verbose_name="исходное письмо"),
            ),
        ]),
        migrations.RunPython(compress, decompress),
    ]
