"""Stored form schemas ask the region from Russia's list: a field keyed ``region`` that is free
text (the seeds' e-school form) becomes of type ``region``, as ``seed_schemas`` writes it now.

A field that already lists its own choices, or has another type, is left as the administrator
set it. To keep free text for a service, set the field's type back to ``text`` in the admin.
"""

from django.db import migrations


def _to_region(fields: list) -> bool:
    changed = False
    for spec in fields:
        if spec.get("key") == "region" and spec.get("type", "text") == "text" and not spec.get("choices"):
            spec["type"] = "region"
            changed = True
    return changed


def forward(apps, schema_editor):
    form_schema = apps.get_model("intake", "FormSchema")
    for row in form_schema.objects.all():
        document = row.document or {}
        changed = _to_region(document.get("common") or [])
        for category in document.get("categories") or []:
            changed = _to_region(category.get("fields") or []) or changed
        if changed:
            row.save(update_fields=["document"])


def backward(apps, schema_editor):
    form_schema = apps.get_model("intake", "FormSchema")
    for row in form_schema.objects.all():
        document = row.document or {}
        changed = False
        for fields in [document.get("common") or [],
                       *[c.get("fields") or [] for c in document.get("categories") or []]]:
            for spec in fields:
                if spec.get("type") == "region":
                    spec["type"] = "text"
                    changed = True
        if changed:
            row.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_names_in_russian")]

    operations = [migrations.RunPython(forward, backward)]
