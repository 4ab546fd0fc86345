"""SLA test set-up on top of the shared personas (/work/main/conftest.py).

Calendars are cached per process and per service id; a rolled-back test leaves no signal
behind, so every test starts with an empty cache.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

MSK = ZoneInfo("Europe/Moscow")


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


@pytest.fixture(autouse=True)
def _fresh_calendars(request):
    if request.config.pluginmanager.hasplugin("django"):
        from edudesk.sla.calendars import forget_calendars

        forget_calendars()
    yield


@pytest.fixture
def line_supervisor(eschool, supervisor):
    """Волкова Елена supervises the e-school's first line, where new requests land."""
    group = eschool.groups.get(is_default=True)
    group.supervisor = supervisor
    group.save()
    return supervisor


@pytest.fixture
def open_request(eschool, teacher):
    """Register Мария Петровна's request at a given moment (and priority)."""
    from edudesk.testing import factories

    def make(received_at: datetime, **extra):
        return factories.ticket(eschool, teacher, now=received_at, **extra)

    return make
