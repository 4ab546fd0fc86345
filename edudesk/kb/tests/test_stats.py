"""Supervisors see how many requests the knowledge base answered, per service and article."""

import pytest

from edudesk.kb import services
from edudesk.testing import factories
from edudesk.tickets.models import Channel

pytestmark = pytest.mark.django_db


def test_supervisors_see_deflections_per_service_and_article(client, supervisor, grades_article,
                                                             teacher, eschool):
    for _ in range(3):
        services.record_deflection(grades_article, Channel.WEB)
    factories.ticket(eschool, teacher, channel=Channel.WEB)
    client.force_login(supervisor)
    page = client.get("/reports/kb").content.decode()
    assert "<td>3</td><td>1</td><td>75,0 %</td>" in page
    assert grades_article.title in page


def test_agents_may_not_open_the_figures(client, line1_agent):
    client.force_login(line1_agent)
    assert client.get("/reports/kb").status_code == 403


def test_a_period_not_offered_falls_back_to_thirty_days(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/reports/kb", {"days": "x"}).status_code == 200
