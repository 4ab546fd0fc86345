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
