"""The customers' ratings in the period report, its export and the API, from the daily figures."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from edudesk.reports import satisfaction
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.types import Actor

MSK = ZoneInfo("Europe/Moscow")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=MSK)
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31", "grouping": "month"}


@pytest.fixture
def rated_in_march(eschool, teacher, line1_agent):
    """GIVEN three solved requests rated 5, 4 and 1 (the last first rated 3, then changed),
    and one rated in April (outside the period)."""
    scores = ((5,), (4,), (3, 1), (2,))
    tickets = []
    for index, given in enumerate(scores):
        when = MONDAY + timedelta(days=31 if index == 3 else index)
        ticket = factories.ticket(eschool, teacher, now=when)
        services.transition(ticket, "resolved", actor=Actor.agent(line1_agent),
                            now=when + timedelta(hours=1))
        for step, score in enumerate(given):
            satisfaction.rate(ticket, score, now=when + timedelta(hours=2, days=step))
        tickets.append(ticket)
    return tickets


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.mark.django_db
def test_the_period_report_counts_ratings_average_share_of_4_and_5_and_low_ones(
        supervisor_client, rated_in_march):
    page = supervisor_client.get(reverse("reports:period"), MARCH).content.decode()

    table = page.split('id="satisfaction-table"')[1].split("</table>")[0]
    row = table.split("<tbody>")[1]
    assert ">3</a></td><td>3.33</td><td>66.7 %</td><td>1</td>" in row
    assert "Оценки решений: доля оценок 4–5" in page  # the chart's title
    comparison = page.split('id="cmp-h"')[1].split("</table>")[0]
    assert "<th scope=\"row\">Средняя оценка</th><td>3.33</td><td>—</td>" in comparison


@pytest.mark.django_db
def test_the_rating_count_drills_down_to_the_rated_tickets(supervisor_client, rated_in_march):
    page = supervisor_client.get(reverse("reports:period"), MARCH).content.decode()
    table = page.split('id="satisfaction-table"')[1]
    link = table.split('<a href="')[1].split('"')[0].replace("&amp;", "&")

    listed = supervisor_client.get(link).content.decode()

    for ticket in rated_in_march[:3]:
        assert ticket.number in listed
    assert rated_in_march[3].number not in listed


@pytest.mark.django_db
def test_the_export_has_the_ratings_table(supervisor_client, rated_in_march):
    response = supervisor_client.get(reverse("reports:export"), {**MARCH, "format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows.index(["Период", "Оценок", "Средняя оценка", "Доля оценок 4–5, %",
                         "Низких оценок (1–2)"])
    assert rows[header + 1][1:] == ["3", "3.33", "66.7", "1"]


@pytest.mark.django_db
def test_the_api_gives_the_satisfaction_figures_and_documents_them(client, supervisor,
                                                                   rated_in_march):
    body = client.get("/api/v1/reports/period", MARCH,
                      HTTP_AUTHORIZATION=f"Bearer {factories.token_for(supervisor)}").json()

    figures = body["total"]["satisfaction"]
    assert (figures["ratings"], figures["share_good"], figures["low"]) == (3, 2 / 3, 1)
    assert figures["average"] == pytest.approx(10 / 3)
    assert body["previous_total"]["satisfaction"] == {
        "ratings": 0, "average": None, "share_good": None, "low": 0}
    described = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/reports/period"]
    assert "satisfaction" in described["get"]["description"]
