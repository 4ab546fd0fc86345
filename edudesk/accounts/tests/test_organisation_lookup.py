"""An organisation named again on a form or in a letter is the one already known, found through
an index: the look-up runs on every web submit and for every known requester with an
organisation."""

import pytest
from django.db import connection

from edudesk.accounts.models import Organisation, name_is
from edudesk.accounts.services import find_or_create_organisation

pytestmark = pytest.mark.django_db


def test_an_organisation_named_in_another_case_is_the_one_already_known(eschool):
    known = Organisation.objects.create(service=eschool, name="School No. 5", city="Тверь")
    found = find_or_create_organisation(eschool, "  SCHOOL no. 5 ", city="Москва")
    assert found.pk == known.pk
    assert found.city == "Тверь"  # a known city is not overwritten
    assert Organisation.objects.filter(service=eschool).count() == 1


def test_a_name_with_like_wildcards_matches_only_itself(eschool):
    Organisation.objects.create(service=eschool, name="Школа 1_2")
    Organisation.objects.create(service=eschool, name="Школа 1%")
    assert find_or_create_organisation(eschool, "Школа 1_2").name == "Школа 1_2"
    assert find_or_create_organisation(eschool, "Школа 132").name == "Школа 132"
    assert Organisation.objects.filter(service=eschool).count() == 3


def test_the_organisation_is_found_by_name_through_an_index_not_a_scan(eschool):
    """``name__iexact`` is LIKE on SQLite, which reads every organisation of the service."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's plan depends on the table's size; its UPPER index served iexact")
    plan = (Organisation.objects.filter(name_is("SCHOOL NO. 5"), service=eschool)
            .order_by("id").explain())
    assert "organisation_service_name_ci" in plan, plan
