"""Administrators edit a service's form schema as JSON; a broken one is refused with its path."""

import json

import pytest

from edudesk.accounts.models import User
from edudesk.intake import services
from edudesk.intake.models import FormSchema

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, eschool):
    user = User.objects.create_superuser("admin", "admin@example.ru", "pass-12345-word",
                                         kind=User.Kind.ADMINISTRATOR)
    client.force_login(user)
    return client


def change(admin_client, row, document):
    return admin_client.post(f"/admin/intake/formschema/{row.pk}/change/", {
        "service": row.service_id, "document": json.dumps(document, ensure_ascii=False),
    })


def test_admin_saves_an_edited_schema_and_the_form_uses_it(admin_client, eschool):
    services.schema_for(eschool)
    row = FormSchema.objects.get(service=eschool)
    document = row.document
    document["common"][0]["help"] = {"ru": "Например: Республика Татарстан"}
    assert change(admin_client, row, document).status_code == 302
    assert services.schema_for(eschool).common[0].help.get() == "Например: Республика Татарстан"


def test_admin_refuses_a_broken_schema_naming_the_place(admin_client, eschool):
    services.schema_for(eschool)
    row = FormSchema.objects.get(service=eschool)
    document = row.document
    document["categories"][0]["fields"][0]["type"] = "colour"
    response = change(admin_client, row, document)
    assert response.status_code == 200
    assert "categories[0].fields[0].type" in response.content.decode()
    assert services.schema_for(eschool).categories[0].fields[0].type == "file"
