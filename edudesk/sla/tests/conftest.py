"""Personas of the seeds for the SLA tests: the e-school, a teacher, a line-1 agent, a supervisor.

Factories are imported inside the fixtures so that the pure calendar tests keep running
without Django (`pytest -p no:django`).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

MSK = ZoneInfo("Europe/Moscow")


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


@pytest.fixture
def eschool(db):
    from edudesk.sla.calendars import forget_calendars
    from edudesk.testing import factories

    forget_calendars()
    return factories.service("eschool")


@pytest.fixture
def teacher(eschool):
    from edudesk.testing import factories

    school = factories.organisation(eschool)
    return factories.contact(eschool, full_name="Иванова Мария Петровна", org=school)


@pytest.fixture
def line_one_agent(eschool):
    from edudesk.testing import factories

    return factories.agent(eschool, full_name="Соколова Анна")


@pytest.fixture
def supervisor(eschool):
    from edudesk.accounts.models import User
    from edudesk.testing import factories

    boss = factories.agent(eschool, kind=User.Kind.SUPERVISOR, full_name="Петров Олег Игоревич")
    group = eschool.groups.get(is_default=True)
    group.supervisor = boss
    group.save()
    return boss


@pytest.fixture
def open_request(eschool, teacher):
    """Register a teacher's request at a given moment (and priority)."""
    from edudesk.testing import factories

    def make(received_at: datetime, **extra):
        return factories.ticket(eschool, teacher, now=received_at, **extra)

    return make
