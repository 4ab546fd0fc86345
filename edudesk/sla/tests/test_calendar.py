"""Table tests of working-time arithmetic on known dates of the Russian production calendar.

Run without Django: `.venv/bin/pytest -p no:django edudesk/sla/tests/test_calendar.py`.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from edudesk.sla.calendar import (
    BusinessCalendar,
    DayKind,
    DayOverride,
    NoWorkingTimeError,
    WorkingPeriod,
    parse_periods,
    shorten,
)
from edudesk.sla.production_calendar import russian_calendar

MSK = ZoneInfo("Europe/Moscow")
HOUR = timedelta(hours=1)
MINUTES_60 = timedelta(minutes=60)


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


@pytest.fixture(scope="module")
def russia() -> BusinessCalendar:
    return russian_calendar()


@pytest.mark.parametrize(
    ("received", "review_due"),
    [
        # An ordinary Friday evening: 30 minutes on Friday, 30 on Monday.
        (msk(2026, 11, 27, 16, 30), msk(2026, 11, 30, 8, 30)),
        # New Year holidays 2026: 30 December is working, 31 December a transferred
        # day off, 1-9 January off; work resumes on Monday 12 January.
        (msk(2025, 12, 30, 16, 30), msk(2026, 1, 12, 8, 30)),
        # May holidays 2026: 30 April is shortened (ends 16:00), 1 May a holiday.
        (msk(2026, 4, 30, 15, 30), msk(2026, 5, 4, 8, 30)),
        # 8 May 2026 is shortened, 9 May (Saturday) a holiday moved to Monday 11 May.
        (msk(2026, 5, 8, 15, 30), msk(2026, 5, 12, 8, 30)),
        # A transferred day off: 8 March 2026 fell on a Sunday, Monday 9 March is off.
        (msk(2026, 3, 6, 16, 30), msk(2026, 3, 10, 8, 30)),
        # A working Saturday: 27 April 2024 was made working by decree.
        (msk(2024, 4, 26, 16, 30), msk(2024, 4, 27, 8, 30)),
        # Registered at night: the hour starts at 08:00 on the next working day.
        (msk(2026, 11, 25, 2, 0), msk(2026, 11, 25, 9, 0)),
        # Inside working hours: simply one hour later.
        (msk(2026, 11, 25, 10, 15), msk(2026, 11, 25, 11, 15)),
        # Exactly used up at the end of the day: due at 17:00, not on the next morning.
        (msk(2026, 11, 27, 16, 0), msk(2026, 11, 27, 17, 0)),
    ],
)
def test_sixty_working_minutes_from_receipt(russia, received, review_due):
    assert russia.add_working_time(received, MINUTES_60) == review_due


def test_shortened_pre_holiday_day_ends_at_16(russia):
    assert russia.periods_on(date(2026, 11, 3)) == (WorkingPeriod.parse("08:00-16:00"),)
    assert russia.is_working_moment(msk(2026, 11, 3, 15, 59))
    assert not russia.is_working_moment(msk(2026, 11, 3, 16, 0))
    assert russia.add_working_time(msk(2026, 11, 3, 15, 30), MINUTES_60) == msk(2026, 11, 5, 8, 30)


def test_shortened_working_saturday_takes_weekday_hours_minus_one(russia):
    # 2 November 2024 was a working Saturday and also the eve of 4 November.
    assert russia.periods_on(date(2024, 11, 2)) == (WorkingPeriod.parse("08:00-16:00"),)


def test_working_saturday_has_default_weekday_hours(russia):
    assert russia.periods_on(date(2024, 12, 28)) == (WorkingPeriod.parse("08:00-17:00"),)
    assert russia.is_working_moment(msk(2024, 12, 28, 10, 0))


def test_31_december_2026_is_a_transferred_day_off_in_the_data(russia):
    # The CSV says 2026-12-31 is a transfer_day_off (moved from 4 January), and
    # 1-8 January 2027 are holidays: the first working day of 2027 is Monday 11 January.
    assert not russia.is_working_day(date(2026, 12, 31))
    assert russia.overrides[date(2026, 12, 31)].kind is DayKind.NON_WORKING
    assert russia.add_working_time(msk(2026, 12, 31, 16, 30), MINUTES_60) == msk(2027, 1, 11, 9, 0)
    assert russia.next_working_moment(msk(2026, 12, 31, 16, 30)) == msk(2027, 1, 11, 8, 0)


def test_31_december_2024_is_a_transferred_day_off_in_the_data(russia):
    assert russia.add_working_time(msk(2024, 12, 31, 16, 30), MINUTES_60) == msk(2025, 1, 9, 9, 0)


def test_working_31_december_1630_plus_hour_lands_on_first_working_day_of_january():
    overrides = {
        date(2027, 12, 31): DayOverride(DayKind.WORKING),
        **{date(2028, 1, day): DayOverride(DayKind.HOLIDAY) for day in range(1, 9)},
    }
    calendar = BusinessCalendar(overrides=overrides)
    due = calendar.add_working_time(msk(2027, 12, 31, 16, 30), MINUTES_60)
    assert due == msk(2028, 1, 10, 8, 30)


def test_lunch_break_is_not_working_time():
    with_lunch = parse_periods("08:00-12:00, 13:00-17:00")
    calendar = BusinessCalendar(weekly=dict.fromkeys(range(5), with_lunch))
    assert calendar.add_working_time(msk(2026, 11, 25, 11, 30), HOUR) == msk(2026, 11, 25, 13, 30)
    assert not calendar.is_working_moment(msk(2026, 11, 25, 12, 30))
    assert calendar.working_time_between(msk(2026, 11, 25, 8), msk(2026, 11, 26, 8)) == 8 * HOUR


def test_working_day_override_with_own_periods():
    calendar = BusinessCalendar(
        overrides={date(2026, 11, 28): DayOverride(DayKind.WORKING, parse_periods("10:00-14:00"))}
    )
    assert calendar.working_time_on(date(2026, 11, 28)) == 4 * HOUR
    assert calendar.add_working_time(msk(2026, 11, 27, 16, 30), HOUR) == msk(2026, 11, 28, 10, 30)


def test_result_comes_back_in_the_zone_of_the_input(russia):
    start = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)  # 16:30 in Moscow
    due = russia.add_working_time(start, MINUTES_60)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 11, 30, 5, 30, tzinfo=UTC)


def test_working_time_between_counts_only_working_periods(russia):
    assert russia.working_time_between(msk(2026, 11, 27, 16, 30), msk(2026, 11, 30, 8, 30)) == HOUR
    assert russia.working_time_between(msk(2026, 11, 30, 8, 30), msk(2026, 11, 27, 16, 30)) == -HOUR
    assert russia.working_time_between(msk(2026, 11, 28), msk(2026, 11, 29, 23)) == timedelta(0)


def test_yearly_working_days_match_the_official_norms(russia):
    def working_days(year: int) -> int:
        first, last = date(year, 1, 1), date(year + 1, 1, 1)
        return sum(russia.is_working_day(first + timedelta(n)) for n in range((last - first).days))

    assert (working_days(2024), working_days(2025), working_days(2026)) == (248, 247, 247)


def test_next_working_moment(russia):
    assert russia.next_working_moment(msk(2026, 11, 28, 12)) == msk(2026, 11, 30, 8)
    assert russia.next_working_moment(msk(2026, 11, 25, 12)) == msk(2026, 11, 25, 12)
    assert russia.next_working_moment(msk(2026, 11, 25, 17)) == msk(2026, 11, 26, 8)


def test_zero_duration_returns_start_unchanged(russia):
    saturday = msk(2026, 11, 28, 12)
    assert russia.add_working_time(saturday, timedelta(0)) == saturday


def test_add_working_days_keeps_the_wall_clock_time(russia):
    assert russia.add_working_days(msk(2026, 11, 27, 10), 1) == msk(2026, 11, 30, 10)
    assert russia.add_working_days(msk(2026, 12, 29, 10), 3) == msk(2027, 1, 12, 10)
    assert russia.add_working_days(msk(2026, 11, 28, 23), 1) == msk(2026, 11, 30, 23)


def test_daylight_saving_day_has_its_real_length():
    berlin = ZoneInfo("Europe/Berlin")
    round_the_clock = BusinessCalendar(
        zone="Europe/Berlin", weekly=dict.fromkeys(range(7), parse_periods("00:00-24:00"))
    )
    spring = datetime(2026, 3, 29, tzinfo=berlin)
    autumn = datetime(2026, 10, 25, tzinfo=berlin)
    assert round_the_clock.working_time_between(spring, spring + timedelta(days=1)) == 23 * HOUR
    assert round_the_clock.working_time_between(autumn, autumn + timedelta(days=1)) == 25 * HOUR


def test_working_hours_keep_local_time_across_daylight_saving():
    berlin = ZoneInfo("Europe/Berlin")
    calendar = BusinessCalendar(zone="Europe/Berlin")
    friday = datetime(2026, 3, 27, 16, 30, tzinfo=berlin)  # Monday is already summer time
    assert calendar.add_working_time(friday, HOUR) == datetime(2026, 3, 30, 8, 30, tzinfo=berlin)


def test_calendar_without_any_working_time_refuses_instead_of_looping():
    calendar = BusinessCalendar(weekly={})
    with pytest.raises(NoWorkingTimeError):
        calendar.add_working_time(msk(2026, 11, 25), HOUR)


def test_naive_datetimes_are_refused(russia):
    with pytest.raises(ValueError, match="aware"):
        russia.add_working_time(datetime(2026, 11, 25, 10), HOUR)  # noqa: DTZ001


def test_negative_duration_is_refused(russia):
    with pytest.raises(ValueError, match="negative"):
        russia.add_working_time(msk(2026, 11, 25, 10), -HOUR)


def test_overlapping_periods_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        parse_periods("08:00-12:00, 11:00-17:00")


def test_shorten_cuts_across_a_lunch_break():
    periods = parse_periods("08:00-12:00, 13:00-13:30")
    assert shorten(periods, 60) == parse_periods("08:00-11:30")
