"""Exports of the desk's ticket lists: the queue as filtered and sorted, the search's results;
short lists at once, long ones by a job with a progress page and a download for the requester."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from edudesk.reports import list_exports
from edudesk.reports.models import ListExport
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Priority
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, line1_agent):
    client.force_login(line1_agent)
    return client


@pytest.fixture
def tickets(eschool, uchipro, teacher, line1_agent):
    """Three e-school requests (one urgent, assigned to Анна) and one of another service."""
    urgent = factories.ticket(eschool, teacher, subject="Журнал не открывается", priority=Priority.HIGH,
                              category="journal")
    services.assign(urgent, actor=Actor.agent(line1_agent), assignee=line1_agent)
    normal = factories.ticket(eschool, teacher, subject="Не сохраняются оценки", category="journal")
    other = factories.ticket(eschool, teacher, subject="Забыл пароль", category="login")
    foreign = factories.ticket(uchipro, factories.contact(uchipro), subject="Чужое обращение")
    return urgent, normal, other, foreign


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_queue_exports_with_its_filters_and_order_and_russian_headers(agent_client, tickets):
    urgent, normal, _other, _foreign = tickets
    response = agent_client.post(reverse("reports:list_export_start", args=["queue"]),
                                 {"query": "queue=all&category=journal", "format": "csv"})

    rows = _csv(response)
    assert response["Content-Disposition"].startswith('attachment; filename="edudesk-queue-')
    assert rows[0][:4] == ["Номер", "Тема", "Статус", "Приоритет"]
    # «Все» is ordered by number, newest first; «login» is filtered out, another service unseen
    assert [row[0] for row in rows[1:]] == [normal.number, urgent.number]
    assert rows[2][6] == "Соколова Анна"


def test_the_queue_sorted_by_due_date_exports_in_that_order(agent_client, eschool, teacher, tickets):
    _urgent, normal, other, _foreign = tickets  # the urgent one is taken: not new any more
    later = factories.ticket(eschool, teacher, subject="Не приходит письмо")
    now = timezone.now()
    services.record_sla(later, due_at=now + timedelta(days=3))
    services.record_sla(normal, due_at=now + timedelta(days=1))
    services.record_sla(other, due_at=None)
    response = agent_client.post(reverse("reports:list_export_start", args=["queue"]),
                                 {"query": "queue=new&sort=due", "format": "csv"})

    assert [row[0] for row in _csv(response)[1:]] == [normal.number, later.number, other.number]


def test_an_agent_exports_only_the_tickets_of_the_services_they_serve(client, outsider_agent, tickets):
    client.force_login(outsider_agent)
    response = client.post(reverse("reports:list_export_start", args=["queue"]),
                           {"query": "queue=all", "format": "csv"})

    assert [row[0] for row in _csv(response)[1:]] == [tickets[3].number]


def test_the_export_is_an_xlsx_with_english_headers_when_the_desk_speaks_english(agent_client, tickets):
    response = agent_client.post(reverse("reports:list_export_start", args=["queue"]),
                                 {"query": "queue=all", "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")

    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Number", "Subject", "Status"]
    assert sheet.max_row == 4
    assert sheet["A1"].font.bold


def test_the_search_results_export_as_they_were_found(agent_client, tickets):
    urgent = tickets[0]
    response = agent_client.post(reverse("reports:list_export_start", args=["search"]),
                                 {"query": f"q={urgent.number}", "format": "csv"})

    rows = _csv(response)
    assert [row[0] for row in rows[1:]] == [urgent.number]
    assert rows[1][1] == "Журнал не открывается"


def test_the_search_page_offers_the_export_of_its_results(agent_client, tickets, monkeypatch):
    from edudesk.desk.views import search

    monkeypatch.setattr(search, "find", lambda user, query, limit=20: list(tickets[:2]))
    page = agent_client.get(reverse("desk:search"), {"q": "журнал"}).content.decode()

    form = page.split(f'action="{reverse("reports:list_export_start", args=["search"])}"')[1]
    assert 'name="query" value="q=%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB"' in form.split("</form>")[0]


def test_the_queue_page_offers_the_export_of_what_it_shows(agent_client, tickets):
    page = agent_client.get(reverse("desk:queue"), {"queue": "all", "category": "journal"}).content.decode()
    form = page.split('class="inline list-export"')[1].split("</form>")[0]
    assert 'name="query" value="queue=all&amp;category=journal"' in form


def test_an_unknown_format_is_refused_with_a_message_and_nothing_is_started(agent_client, tickets):
    response = agent_client.post(reverse("reports:list_export_start", args=["queue"]),
                                 {"query": "queue=all", "format": "pdf"}, follow=True)

    assert "Выберите формат выгрузки: CSV или XLSX." in response.content.decode()
    assert not ListExport.objects.exists()


@pytest.fixture
def long_list(settings, tickets):
    settings.EDUDESK_EXPORT_INLINE_ROWS = 2
    return tickets


def test_a_long_queue_is_written_by_a_job_and_downloaded_by_its_requester(
        agent_client, long_list, django_capture_on_commit_callbacks, client, supervisor):
    # WHEN the queue has more rows than are exported at once
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("reports:list_export_start", args=["queue"]),
                                     {"query": "queue=all", "format": "xlsx"})

    # THEN a job wrote it, and the export's page links to the file
    job = ListExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:list_export", args=[job.pk])
    assert (job.state, job.total, job.written) == ("done", 3, 3)
    page = agent_client.get(response["Location"]).content.decode()
    assert reverse("reports:list_export_download", args=[job.pk]) in page
    download = agent_client.get(reverse("reports:list_export_download", args=[job.pk]))
    body = b"".join(download.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [t.number for t in long_list[2::-1]]
    # AND nobody else may download it, not even a supervisor of the service
    client.force_login(supervisor)
    assert client.get(reverse("reports:list_export_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:list_export", args=[job.pk])).status_code == 404


def test_the_progress_page_polls_while_the_job_runs(agent_client, line1_agent, long_list):
    now = timezone.now()
    job = ListExport.objects.create(user=line1_agent, source="queue", query="queue=all",
                                    file_format="csv", state="running", total=2000, written=500,
                                    created_at=now, expires_at=now + timedelta(hours=1))

    partial = agent_client.get(reverse("reports:list_export", args=[job.pk]), HTTP_HX_REQUEST="true")

    body = partial.content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="25"' in body
    assert "Записано строк: 500 из 2000" in body
    assert agent_client.get(reverse("reports:list_export_download", args=[job.pk])).status_code == 404


def test_a_job_delivered_twice_writes_its_file_once(line1_agent, long_list):
    now = timezone.now()
    job = ListExport.objects.create(user=line1_agent, source="queue", query="queue=all",
                                    file_format="csv", created_at=now, expires_at=now + timedelta(hours=1))
    list_exports.run(job.pk)
    first = ListExport.objects.get(pk=job.pk).path
    list_exports.run(job.pk)

    assert ListExport.objects.get(pk=job.pk).path == first


def test_expired_exports_are_swept_with_their_files(line1_agent, long_list):
    now = timezone.now()
    job = ListExport.objects.create(user=line1_agent, source="queue", query="queue=all",
                                    file_format="csv", created_at=now, expires_at=now + timedelta(hours=1))
    list_exports.run(job.pk)
    path = list_exports.file_of(ListExport.objects.get(pk=job.pk))
    assert path.exists()

    assert list_exports.sweep(now + timedelta(minutes=59)) == 0
    assert list_exports.sweep(now + timedelta(hours=1)) == 1
    assert not path.exists() and not path.parent.exists()
    assert not ListExport.objects.exists()
