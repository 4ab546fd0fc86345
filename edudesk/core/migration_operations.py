"""Migration operations shared by the apps."""

from django.db import migrations
from django.db.models import Index


class DropFieldIndex(migrations.AlterField):
    """A field's own index dropped (``db_index=False``) where another index already leads with
    its column, e.g. a foreign key's index next to the composite (ticket, created_at, id).

    Only the index goes. Django's AlterField rebuilds the whole table on SQLite (a copy of every
    row, and the table's triggers lost); this drops the index there by name, and on PostgreSQL
    leaves the work to AlterField, which only drops indexes (with a text column's ``_like``).
    """

    def __init__(self, model_name: str, name: str, field):
        assert not field.db_index, "the new field has no index of its own"
        super().__init__(model_name, name, field)

    def deconstruct(self):
        return self.__class__.__name__, [], {
            "model_name": self.model_name, "name": self.name, "field": self.field}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        column = model._meta.get_field(self.name).column
        for index in schema_editor._constraint_names(model, [column], index=True, unique=False,
                                                    type_=Index.suffix):
            schema_editor.execute(schema_editor._delete_index_sql(model, index))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    def describe(self):
        return f"Drop the index of field {self.name} on {self.model_name}"
