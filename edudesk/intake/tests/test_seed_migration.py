"""The data migration gives every existing service its seed schema, once."""

import importlib

import pytest
from django.apps import apps

from edudesk.intake.models import FormSchema
from edudesk.testing import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("edudesk.intake.migrations.0002_seed_form_schemas")


def test_existing_services_get_their_seed_schema_once(eschool, uchipro):
    university = factories.service("university")
    migration.seed_schemas(apps, None)
    migration.seed_schemas(apps, None)
    stored = {row.service.code: row.document for row in FormSchema.objects.all()}
    assert set(stored) == {"eschool", "uchipro", "university"}
    assert stored["eschool"]["common"][0]["key"] == "region"
    assert stored["uchipro"]["common"][0]["key"] == "organisation"
    assert [c["key"] for c in stored[university.code]["categories"]] == ["error", "suggestion",
                                                                           "other"]


def test_a_stored_free_text_region_becomes_a_choice_from_russias_list(eschool, uchipro):
    regions_migration = importlib.import_module(
        "edudesk.intake.migrations.0006_region_field_offers_the_list")
    migration.seed_schemas(apps, None)
    row = FormSchema.objects.get(service=eschool)
    row.document["common"][0]["type"] = "text"  # as stored before the list was shipped
    own = {"key": "region", "label": "Регион", "type": "choice",
           "choices": [{"value": "tver", "label": "Тверь"}]}
    row.document["categories"][0]["fields"].append(own)
    row.save()
    regions_migration.forward(apps, None)
    row.refresh_from_db()
    assert row.document["common"][0]["type"] == "region"
    assert row.document["categories"][0]["fields"][-1] == own  # a service's own list stays
