import pytest


@pytest.mark.django_db
def test_front_page_links_each_service_form_and_its_requests(client, eschool, uchipro):
    page = client.get("/").content.decode()
    for code in ("eschool", "uchipro"):
        assert f'href="/support/{code}/new"' in page
        assert f'href="/support/{code}/requests/"' in page
    assert 'href="/desk/"' in page


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_fills_the_schema_fields(db):
    from django.core.management import call_command

    from edudesk.tickets.models import Ticket

    call_command("load_demo")
    call_command("load_demo")
    assert Ticket.objects.count() == 4  # three requests and the outage of the demo incident
    from edudesk.incidents.models import Incident

    assert Incident.objects.get().children.count() == 1
    journal = Ticket.objects.get(service__code="eschool", category="error")
    assert journal.fields["affected_login"] == "ivanova_mp"
