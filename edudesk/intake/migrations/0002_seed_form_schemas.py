"""Give every existing service its form schema from the seeds (administrators edit it later).

Services created after this migration get theirs on first use (intake.services.schema_for).
"""

from django.db import migrations


def seed_schemas(apps, schema_editor):
    from edudesk.intake.seed_schemas import initial_schema

    Service = apps.get_model("accounts", "Service")
    FormSchema = apps.get_model("intake", "FormSchema")
    for service in Service.objects.all():
        FormSchema.objects.get_or_create(
            service=service, defaults={"document": initial_schema(service.code).to_json()}
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed_schemas, migrations.RunPython.noop)]
