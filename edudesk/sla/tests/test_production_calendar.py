"""The shipped production calendar file and the loader for other years and countries.

Run without Django: `.venv/bin/pytest -p no:django edudesk/sla/tests/test_production_calendar.py`.
"""

import io
from datetime import date

import pytest

from edudesk.sla.calendar import DEFAULT_HOURS, BusinessCalendar, DayKind
from edudesk.sla.production_calendar import (
    SHIPPED_CALENDAR,
    CalendarFileError,
    load_overrides,
    read_calendar,
)

HEADER = "date,weekday,day_type,hours_40h_week,holiday_name,transferred_from,source\n"


def test_shipped_file_turns_exceptional_days_into_overrides():
    overrides = load_overrides()
    assert overrides[date(2026, 1, 1)].kind is DayKind.HOLIDAY
    assert overrides[date(2026, 1, 1)].note == "Новогодние каникулы"
    assert overrides[date(2026, 3, 9)].kind is DayKind.NON_WORKING
    assert overrides[date(2026, 3, 9)].note == "перенос с 2026-03-08"
    assert overrides[date(2024, 4, 27)].kind is DayKind.WORKING
    assert overrides[date(2026, 11, 3)].kind is DayKind.SHORTENED


def test_ordinary_working_days_and_weekends_stay_with_the_weekly_hours():
    overrides = load_overrides()
    assert date(2026, 11, 25) not in overrides  # an ordinary Wednesday
    assert date(2026, 11, 28) not in overrides  # an ordinary Saturday


def test_a_service_working_on_saturdays_keeps_ordinary_saturdays():
    monday_to_saturday = dict.fromkeys(range(6), DEFAULT_HOURS)
    calendar = BusinessCalendar(weekly=monday_to_saturday, overrides=load_overrides())
    assert calendar.is_working_day(date(2026, 11, 28))
    assert not calendar.is_working_day(date(2026, 1, 3))  # a Saturday inside the New Year holidays


def test_every_day_of_the_four_years_is_in_the_shipped_file():
    rows = SHIPPED_CALENDAR.read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == (date(2028, 1, 1) - date(2024, 1, 1)).days


def test_a_file_for_a_next_year_adds_its_days():
    days = read_calendar(io.StringIO(HEADER + "2028-01-03,Mon,holiday,0,Новый год,,test\n"))
    assert [(entry.day, entry.source) for entry in days] == [(date(2028, 1, 3), "test")]


def test_another_country_file_with_only_the_required_columns_loads():
    text = "date,day_type\n2026-12-25,holiday\n2026-12-24,shortened\n2026-12-28,working\n"
    overrides = load_overrides(io.StringIO(text))
    assert set(overrides) == {date(2026, 12, 25), date(2026, 12, 24)}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-13-01,Mon,holiday,0,,,x", "line 2: bad date"),
        ("2026-11-25,Wed,day_off,0,,,x", "unknown day_type 'day_off'"),
        ("2026-11-25,Thu,holiday,0,,,x", "2026-11-25 is not a Thu"),
    ],
)
def test_a_broken_row_is_refused_naming_its_line(row, message):
    with pytest.raises(CalendarFileError, match=message):
        read_calendar(io.StringIO(HEADER + row + "\n"))


def test_a_day_given_twice_is_refused():
    rows = "2026-11-25,Wed,holiday,0,,,x\n2026-11-25,Wed,working,8,,,x\n"
    with pytest.raises(CalendarFileError, match="line 3: 2026-11-25 appears twice"):
        read_calendar(io.StringIO(HEADER + rows))


def test_a_file_without_day_type_is_refused():
    with pytest.raises(CalendarFileError, match="missing columns: day_type"):
        read_calendar(io.StringIO("date,kind\n2026-11-25,holiday\n"))
