"""An agent finds tickets by where they come from: the organisation, its city and region, and
the request's own region and institution fields, in any form («Твери» finds «Тверь»)."""

import importlib

import pytest

from edudesk.search.models import TicketDocument
from edudesk.search.services import search_tickets
from edudesk.testing import factories

pytestmark = pytest.mark.django_db


def numbers(found):
    return sorted(t.number for t in found)


@pytest.fixture
def tver_ticket(indexed, eschool):
    """A teacher of МБОУ «СОШ № 5» in Тверь; the form named the region and the institution."""
    school = factories.organisation(eschool, name="МБОУ «СОШ № 5»", city="Тверь",
                                    region="Тверская область")
    teacher = factories.contact(eschool, full_name="Кузнецова Ольга", org=school)
    return indexed(factories.ticket, eschool, teacher, subject="Не открывается журнал",
                   fields={"region": "Тверская область",
                           "institution": "МБОУ «СОШ № 5», г. Тверь"})


@pytest.fixture
def kazan_ticket(indexed, eschool, teacher):
    """Мария Петровна of МБОУ «Средняя школа № 12», Казань (Республика Татарстан)."""
    return indexed(factories.ticket, eschool, teacher, subject="Не открывается журнал")


@pytest.mark.parametrize("query", ["СОШ", "сош", "Тверь", "Твери", "в Твери", "Тверская область",
                                   "тверской", "журнал Тверь"])
def test_the_organisation_city_and_region_find_the_ticket(line1_agent, tver_ticket, kazan_ticket,
                                                         query):
    assert numbers(search_tickets(line1_agent, query)) == [tver_ticket.number]


def test_a_school_abbreviation_is_found_by_the_word_school(line1_agent, tver_ticket, kazan_ticket):
    # «СОШ» is a средняя общеобразовательная школа; «Средняя школа № 12» says so in words
    assert numbers(search_tickets(line1_agent, "школа")) == sorted(
        [tver_ticket.number, kazan_ticket.number])


def test_the_vendors_organisation_is_found_by_its_name(indexed, uchipro, outsider_agent):
    profi = factories.organisation(uchipro, name="ООО «Учебный центр Профи»", city="Екатеринбург",
                                   region="Свердловская область")
    learner = factories.contact(uchipro, full_name="Смирнов Павел", org=profi)
    ticket = indexed(factories.ticket, uchipro, learner, subject="Тест не засчитывается")
    for query in ("Профи", "учебного центра", "Екатеринбурге"):
        assert numbers(search_tickets(outsider_agent, query)) == [ticket.number]


def test_documents_indexed_before_places_are_found_after_the_migration(
        line1_agent, tver_ticket, kazan_ticket):
    """GIVEN tickets indexed without their place, WHEN the migration runs, THEN «Тверь» finds."""
    from django.apps import apps

    migration = importlib.import_module("edudesk.search.migrations.0008_place_in_documents")
    TicketDocument.objects.filter(pk=tver_ticket.pk).update(body_lemmas="журнал не открываться")
    assert search_tickets(line1_agent, "Тверь") == []

    migration.forward(apps, None)

    assert numbers(search_tickets(line1_agent, "Твери")) == [tver_ticket.number]
    assert numbers(search_tickets(line1_agent, "Казань")) == [kazan_ticket.number]


def test_a_renamed_organisation_is_found_by_its_new_name(
        line1_agent, tver_ticket, django_capture_on_commit_callbacks):
    school = tver_ticket.organisation
    school.name, school.city = "МБОУ «Лицей № 7»", "Торжок"
    with django_capture_on_commit_callbacks(execute=True):
        school.save()
    assert numbers(search_tickets(line1_agent, "Торжок лицей")) == [tver_ticket.number]
    # what the request's own form said stays searchable
    assert numbers(search_tickets(line1_agent, "СОШ")) == [tver_ticket.number]
