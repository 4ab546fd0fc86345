"""`sla_due` and `load_calendar`: the administrator's tools for checking and extending calendars."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from edudesk.sla.models import CalendarDay
from edudesk.sla.production_calendar import SHIPPED_CALENDAR, read_calendar

pytestmark = pytest.mark.django_db


def sla_due(*args: str) -> str:
    out = StringIO()
    call_command("sla_due", *args, stdout=out)
    return out.getvalue().strip()


def test_sla_due_on_31_december_2026_lands_in_january(eschool):
    assert sla_due("--service", "eschool", "--at", "2026-12-31T16:30", "--minutes", "60") == (
        "2027-01-11T09:00:00+03:00"
    )


def test_sla_due_friday_evening_lands_on_monday_morning(eschool):
    assert sla_due("--service", "eschool", "--at", "2026-11-27T16:30", "--minutes", "60") == (
        "2026-11-30T08:30:00+03:00"
    )


def test_sla_due_accepts_a_moment_with_an_offset(eschool):
    # 13:30 UTC is 16:30 in Moscow; the answer is given in the service's zone.
    assert sla_due("--service", "eschool", "--at", "2026-11-27T13:30+00:00", "--minutes", "60") == (
        "2026-11-30T08:30:00+03:00"
    )


def test_sla_due_with_a_priority_uses_the_policy(eschool):
    review = sla_due(
        "--service", "eschool", "--at", "2026-11-23T09:00", "--priority", "low", "--clock", "review"
    )
    solution = sla_due("--service", "eschool", "--at", "2026-11-23T09:00", "--priority", "critical")
    assert (review, solution) == ("2026-11-23T10:00:00+03:00", "2026-11-23T13:00:00+03:00")


def test_sla_due_refuses_an_unknown_service(db):
    with pytest.raises(CommandError, match="no service"):
        sla_due("--service", "nowhere", "--at", "2026-11-23T09:00", "--minutes", "1")


def test_the_shipped_calendar_is_loaded_by_the_migration(db):
    exceptional_days = read_calendar(SHIPPED_CALENDAR)
    assert CalendarDay.objects.filter(region="ru", service=None).count() == len(exceptional_days)
    assert CalendarDay.objects.get(region="ru", date="2026-12-31").kind == "non_working"


def test_load_calendar_adds_the_next_year_decree(eschool, tmp_path):
    decree = tmp_path / "ru-2028.csv"
    decree.write_text(
        "date,weekday,day_type,hours_40h_week,holiday_name,transferred_from,source\n"
        "2028-01-03,Mon,holiday,0,Новогодние каникулы,,decree\n"
        "2027-12-31,Fri,shortened,7,,,decree\n",
        encoding="utf-8",
    )
    out = StringIO()

    call_command("load_calendar", str(decree), stdout=out)

    assert "1 days added, 1 replaced" in out.getvalue()
    # 31 December 2027, a provisional day off in the shipped data, is now a shortened day.
    assert sla_due("--service", "eschool", "--at", "2027-12-31T15:30", "--minutes", "60") == (
        "2028-01-04T08:30:00+03:00"
    )


def test_load_calendar_for_one_service_overrides_the_shared_day(eschool, tmp_path):
    own_days = tmp_path / "eschool.csv"
    own_days.write_text("date,day_type\n2026-11-30,holiday\n", encoding="utf-8")

    call_command("load_calendar", str(own_days), "--service", "eschool", stdout=StringIO())

    assert sla_due("--service", "eschool", "--at", "2026-11-27T16:30", "--minutes", "60") == (
        "2026-12-01T08:30:00+03:00"
    )


def test_load_calendar_refuses_a_broken_file(db, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("date,day_type\n2026-11-30,feast\n", encoding="utf-8")

    with pytest.raises(CommandError, match="line 2: unknown day_type 'feast'"):
        call_command("load_calendar", str(broken), stdout=StringIO())
