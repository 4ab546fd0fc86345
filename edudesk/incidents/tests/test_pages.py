"""The pages: the form's «Известные проблемы», the status page and its feeds, the desk's forms."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from edudesk.incidents import services
from edudesk.incidents.models import Incident, IncidentChild
from edudesk.incidents.tests.conftest import OUTAGE_TEXT, OUTAGE_TITLE, outage_ticket
from edudesk.portal import auth
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(eschool, line1_agent):
    return services.declare(service=eschool, agent=line1_agent, title=OUTAGE_TITLE,
                            public_text=OUTAGE_TEXT)


def signed_in(contact) -> Client:
    client = Client()
    session = client.session
    session[auth.SESSION_KEY] = contact.pk
    session.save()
    return client


def test_the_form_shows_known_problems_first_only_while_one_is_active(eschool, teacher, incident,
                                                                    line1_agent):
    page = Client().get(f"/support/{eschool.code}/new").content.decode()
    assert page.index("Известные проблемы") < page.index("С чем связано обращение")
    assert OUTAGE_TEXT in page and "У меня та же проблема" in page
    services.resolve(incident, agent=line1_agent, closing_text="Исправлено.")
    assert "Известные проблемы" not in Client().get(f"/support/{eschool.code}/new").content.decode()


def test_same_problem_asks_for_the_required_data_and_keeps_the_choice(eschool, teacher, incident):
    response = signed_in(teacher).post(f"/support/{eschool.code}/new",
                                       {"incident": str(incident.pk), "step": "submit"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'name="incident" value="{incident.pk}"' in page
    assert "Вы сообщаете об известной проблеме" in page
    assert not Ticket.objects.exists(), "nothing registered without the required data"


def test_same_problem_with_the_data_registers_a_linked_child_in_one_step(eschool, teacher, incident):
    teacher.phone = "+78435550001"
    teacher.save()
    response = signed_in(teacher).post(f"/support/{eschool.code}/new", {
        "incident": str(incident.pk), "step": "submit", "region": "Республика Татарстан",
        "institution": "МБОУ «Средняя школа № 12», г. Казань", "initiator_login": "m.ivanova",
        "affected_login": "m.ivanova", "phone": "+78435550001", "full_name": teacher.full_name,
        "email": teacher.email})
    assert response.status_code == 302, response.content.decode()[:3000]
    child = IncidentChild.objects.get()
    assert child.incident == incident and child.how == IncidentChild.How.CUSTOMER
    assert child.ticket.description == f"У меня та же проблема: {OUTAGE_TITLE}"
    receipt = Client().get(response.url).content.decode()
    assert f"Это известная проблема: «{OUTAGE_TITLE}»" in receipt


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_a_bad_or_unknown_incident_is_ignored(eschool, teacher, incident, value):
    response = signed_in(teacher).post(f"/support/{eschool.code}/new",
                                       {"incident": value, "step": "category", "category": "other"})
    assert response.status_code == 200
    assert "Вы сообщаете об известной проблеме" not in response.content.decode()


def test_a_resolved_incident_is_not_linked_by_a_late_same_problem(eschool, teacher, incident, line1_agent):
    services.resolve(incident, agent=line1_agent, closing_text="Исправлено.")
    response = signed_in(teacher).post(f"/support/{eschool.code}/new",
                                       {"incident": str(incident.pk), "step": "submit"})
    assert "Вы сообщаете об известной проблеме" not in response.content.decode()


def test_the_status_page_and_feeds_show_active_and_recent_incidents(eschool, incident, line1_agent):
    old = services.declare(service=eschool, agent=line1_agent, title="Не приходят уведомления",
                           public_text="Почта задерживается.")
    services.resolve(old, agent=line1_agent, closing_text="Почта доставлена.")
    page = Client().get(f"/status/{eschool.code}").content.decode()
    assert OUTAGE_TITLE in page and "Недавно устранено" in page and "Почта доставлена." in page
    feed = Client().get(f"/status/{eschool.code}/incidents.json")
    data = json.loads(feed.content)
    assert feed["Access-Control-Allow-Origin"] == "*"
    assert [i["title"] for i in data["active"]] == [OUTAGE_TITLE]
    assert [i["closing_text"] for i in data["recent"]] == ["Почта доставлена."]
    rss = Client().get(f"/status/{eschool.code}/feed.rss")
    assert rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert f"Известная проблема: {OUTAGE_TITLE}" in body and "Устранено: Не приходят уведомления" in body


def test_a_long_resolved_incident_leaves_the_status_page(eschool, incident, line1_agent):
    services.resolve(incident, agent=line1_agent, closing_text="Исправлено.",
                     now=timezone.now() - timedelta(days=30))
    data = json.loads(Client().get(f"/status/{eschool.code}/incidents.json").content)
    assert data["active"] == [] and data["recent"] == []


def test_an_unknown_service_has_no_status_page(db):
    assert Client().get("/status/nope").status_code == 404
    assert Client().get("/status/nope/feed.rss").status_code == 404


def test_declaring_in_the_desk_refuses_bad_input_and_changes_nothing(eschool, teacher, line1_agent):
    client = Client()
    client.force_login(line1_agent)
    base = {"service": eschool.pk, "title": "Журнал", "public_text": "Не открывается.",
            "child_sla": "pause"}
    for bad in ({"title": ""}, {"public_text": ""}, {"tickets": "INC9999999"},
                {"started_at": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
                {"child_sla": "forever"}):
        response = client.post("/desk/incidents/new", {**base, **bad})
        assert response.status_code == 400, bad
        assert 'role="alert"' in response.content.decode(), bad
    assert not Incident.objects.exists()
    ticket = outage_ticket(eschool, teacher)
    response = client.post("/desk/incidents/new", {**base, "tickets": ticket.number})
    incident = Incident.objects.get()
    assert response.url == f"/desk/incidents/{incident.pk}/"
    assert incident.children.get().ticket == ticket


def test_another_services_agent_sees_no_incident(eschool, incident, outsider_agent):
    client = Client()
    client.force_login(outsider_agent)
    assert client.get(f"/desk/incidents/{incident.pk}/").status_code == 404
    assert client.post(f"/desk/incidents/{incident.pk}/update", {"body": "x"}).status_code == 404
    assert OUTAGE_TITLE not in client.get("/desk/incidents/").content.decode()


def test_an_empty_update_is_refused_on_the_page(eschool, incident, line1_agent):
    client = Client()
    client.force_login(line1_agent)
    response = client.post(f"/desk/incidents/{incident.pk}/update", {"body": "  "})
    assert response.status_code == 400 and not incident.updates.exists()


def test_the_widget_shows_known_problems_and_registers_the_same_problem(eschool, incident):
    import secrets
    import time

    from edudesk.portal.widget_token import sign

    now = int(time.time())
    claims = {"service": eschool.code, "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
              "full_name": "Петрова Ольга Сергеевна", "login": "o.petrova", "email": "o.petrova@gym5.example",
              "phone": "+78435550005", "organisation": "МБОУ «Гимназия № 5»"}
    client = Client()
    page = client.post(f"/support/{eschool.code}/widget",
                       {"token": sign(eschool.widget_secret, claims)}).content.decode()
    assert "Известные проблемы" in page and "У меня та же проблема" in page
    session = page.split('name="widget_session" value="')[1].split('"')[0]
    response = client.post(f"/support/{eschool.code}/widget/form", {
        "widget_session": session, "incident": str(incident.pk), "step": "submit",
        "region": "Республика Татарстан", "institution": "МБОУ «Гимназия № 5», г. Казань",
        "affected_login": "o.petrova"})
    assert response.status_code == 302, response.content.decode()[:2000]
    child = IncidentChild.objects.get()
    assert child.incident == incident and child.ticket.channel == "widget"


def test_an_agent_takes_a_wrong_ticket_out_in_one_click(eschool, teacher, incident, line1_agent):
    ticket = outage_ticket(eschool, teacher)
    services.link_by_agent(incident, ticket, agent=line1_agent)
    client = Client()
    client.force_login(line1_agent)
    assert "Не та проблема" in client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    response = client.post(f"/desk/incidents/{incident.pk}/unlink/{ticket.number}")
    assert response.status_code == 302 and not IncidentChild.objects.exists()


def test_an_agent_edits_the_incident_and_the_status_page_shows_the_new_text(eschool, incident,
                                                                           line1_agent, schools):
    client = Client()
    client.force_login(line1_agent)
    form = client.get(f"/desk/incidents/{incident.pk}/edit").content.decode()
    assert OUTAGE_TEXT in form
    started = timezone.localtime(incident.started_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/desk/incidents/{incident.pk}/edit", {
        "title": OUTAGE_TITLE, "public_text": "Журнал снова открывается, но медленно.",
        "regions": "Курская область", "organisations": [schools[1].pk], "started_at": started})
    assert response.status_code == 302
    status = Client().get(f"/status/{eschool.code}").content.decode()
    assert "Журнал снова открывается, но медленно." in status and OUTAGE_TEXT not in status
    page = " ".join(client.get(f"/desk/incidents/{incident.pk}/").content.decode().split())
    assert "изменено" in page and "Журнал снова открывается, но медленно." in page
    assert OUTAGE_TEXT in page, "the old text stays in the timeline"
    assert set(incident.edits.get().changes) == {"public_text", "regions", "organisations"}, \
        "the start shown in minutes and sent back unchanged is no change"


def test_a_bad_edit_is_refused_on_the_page_and_changes_nothing(eschool, incident, line1_agent):
    client = Client()
    client.force_login(line1_agent)
    response = client.post(f"/desk/incidents/{incident.pk}/edit", {
        "title": "", "public_text": "x", "started_at": "вчера"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    incident.refresh_from_db()
    assert incident.title == OUTAGE_TITLE and not incident.edits.exists()


def test_the_queue_bulk_bar_declares_an_incident_from_the_selected_tickets(eschool, teachers, schools,
                                                                          line1_agent):
    for school in schools:
        school.region = "Курская область"
        school.save()
    chosen = [outage_ticket(eschool, teacher) for teacher in teachers[:2]]
    client = Client()
    client.force_login(line1_agent)
    queue = client.get("/desk/").content.decode()
    assert 'value="incident" id="bulk-incident"' in queue, "«Объявить инцидент» in the bulk bar"
    response = client.post("/desk/bulk", {"action": "incident",
                                          "tickets": [t.number for t in chosen]})
    assert response.status_code == 302 and response.url.startswith("/desk/incidents/new?")
    page = client.get(response.url).content.decode()
    assert f'{chosen[0].number} {chosen[1].number}</textarea>' in page
    assert "Курская область</textarea>" in page, "the regions of the selected tickets"
    assert schools[0].name in page and schools[1].name in page
    assert not Incident.objects.exists(), "declared only when the agent confirms"


def test_the_page_follows_an_update_being_posted_until_it_is_finished(eschool, incident, line1_agent,
                                                                     outsider_agent):
    from edudesk.incidents.models import IncidentUpdate

    update = IncidentUpdate.objects.create(incident=incident, body="Чиним", author=line1_agent,
                                           children_total=500, children_told=120)
    client = Client()
    client.force_login(line1_agent)
    progress = f"/desk/incidents/{incident.pk}/updates/{update.pk}/progress"
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert f'hx-get="{progress}"' in page and "отправлено в 120 из 500" in page
    IncidentUpdate.objects.filter(pk=update.pk).update(children_told=320)
    fragment = client.get(progress).content.decode()
    assert "отправлено в 320 из 500" in fragment and "hx-trigger" in fragment
    IncidentUpdate.objects.filter(pk=update.pk).update(children_told=500, finished_at=timezone.now())
    fragment = client.get(progress).content.decode()
    assert "обращений: 500" in fragment and "hx-get" not in fragment  # the page stops asking
    outsider = Client()
    outsider.force_login(outsider_agent)
    assert outsider.get(progress).status_code == 404
