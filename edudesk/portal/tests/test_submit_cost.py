"""What one submit of the public web form costs the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edudesk.portal.tests.helpers import CHROME_UA, form, screenshot

pytestmark = pytest.mark.django_db

# The service; the screenshots a failed submit kept (none); the service's own limits, read once
# for both form limits, and the two counters (edudesk/security/throttle.py); the requester's
# organisation and contact; the active mass
# incidents; the creation itself (as the API's: edudesk/api/tests/test_creation_cost.py) with
# the screenshot; nothing kept to forget. Was 28 before the limits were read once, a token
# that kept nothing was no longer cleared and the due dates went into the ticket's INSERT.
MAX_SUBMIT_QUERIES = 23


def submit(client, description: str):
    return client.post("/support/eschool/new", form(screenshots=screenshot(), description=description),
                       HTTP_USER_AGENT=CHROME_UA)


def test_a_web_form_submit_stays_within_its_query_budget(client, eschool):
    assert submit(client, "Не сохраняются оценки в журнале 5А.").status_code == 302  # warms caches
    with CaptureQueriesContext(connection) as queries:
        response = submit(client, "Не открывается расписание 7Б на следующую неделю.")
    assert response.status_code == 302, response.content.decode()[:500]
    assert len(queries) <= MAX_SUBMIT_QUERIES, "\n".join(q["sql"][:120] for q in queries)
