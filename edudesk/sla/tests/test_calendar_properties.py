"""Properties of working-time arithmetic, checked with hypothesis on several calendars.

Run without Django: `.venv/bin/pytest -p no:django edudesk/sla/tests/test_calendar_properties.py`.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from edudesk.sla.calendar import BusinessCalendar, parse_periods
from edudesk.sla.production_calendar import russian_calendar

ONE_MICROSECOND = timedelta(microseconds=1)


def utc(moment: datetime) -> datetime:
    """Compare instants, not wall clocks: Python compares two datetimes of one zone by their
    local time (ignoring `fold`) and never finds an ambiguous local time equal to another zone's."""
    return moment.astimezone(UTC)


# No per-example deadline: a busy CI machine must not turn a slow example into a failure.
RELAXED = settings(deadline=None)

CALENDARS = {
    "russia": russian_calendar(),
    # Lunch breaks and a daylight-saving zone.
    "berlin_with_lunch": BusinessCalendar(
        zone="Europe/Berlin",
        weekly={
            **dict.fromkeys(range(5), parse_periods("08:00-12:00, 12:45-17:30")),
            5: parse_periods("10:00-14:00"),
        },
    ),
    # Round the clock on weekends, across the New York daylight-saving changes at 02:00.
    "new_york_odd_hours": BusinessCalendar(
        zone="America/New_York",
        weekly={
            0: parse_periods("00:00-03:00, 22:00-24:00"),
            2: parse_periods("01:30-02:30"),
            5: parse_periods("00:00-24:00"),
            6: parse_periods("00:00-24:00"),
        },
    ),
}

calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
zones = st.sampled_from(
    [UTC, ZoneInfo("Europe/Moscow"), ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]
)
moments = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive by design
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=zones,
    allow_imaginary=False,
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))
positive_durations = st.timedeltas(min_value=ONE_MICROSECOND, max_value=timedelta(hours=400))


@RELAXED
@given(calendars, moments, positive_durations)
def test_result_lands_inside_working_time(calendar, start, duration):
    due = calendar.add_working_time(start, duration)
    # Intervals are half-open and the answer may be a period's end (17:00):
    # the instant just before it is always working time.
    assert calendar.is_working_moment(utc(due) - ONE_MICROSECOND)
    assert utc(due) > utc(start)


@RELAXED
@given(calendars, moments, durations, durations)
def test_adding_a_then_b_equals_adding_a_plus_b(calendar, start, first, second):
    stepwise = calendar.add_working_time(calendar.add_working_time(start, first), second)
    assert utc(stepwise) == utc(calendar.add_working_time(start, first + second))


@RELAXED
@given(calendars, moments, durations)
def test_working_time_between_inverts_add(calendar, start, duration):
    due = calendar.add_working_time(start, duration)
    assert calendar.working_time_between(start, due) == duration


@RELAXED
@given(calendars, moments, durations)
def test_result_is_in_the_zone_of_the_input(calendar, start, duration):
    assert calendar.add_working_time(start, duration).tzinfo is start.tzinfo


@RELAXED
@given(calendars, moments, moments, durations)
def test_add_is_monotonic_in_the_start(calendar, one, other, duration):
    earlier, later = sorted((one, other), key=utc)
    add = calendar.add_working_time
    assert utc(add(earlier, duration)) <= utc(add(later, duration))


@RELAXED
@given(calendars, moments, durations, durations)
def test_add_is_monotonic_in_the_duration(calendar, start, one, other):
    shorter, longer = sorted((one, other))
    assert utc(calendar.add_working_time(start, shorter)) <= utc(calendar.add_working_time(start, longer))


@RELAXED
@given(calendars, moments, moments, moments)
def test_working_time_between_is_monotonic_and_additive(calendar, one, two, three):
    a, b, c = sorted((one, two, three), key=utc)
    assert calendar.working_time_between(a, b) >= timedelta(0)
    assert calendar.working_time_between(a, c) >= calendar.working_time_between(a, b)
    assert calendar.working_time_between(a, c) >= calendar.working_time_between(b, c)
    total = calendar.working_time_between(a, b) + calendar.working_time_between(b, c)
    assert total == calendar.working_time_between(a, c)


@RELAXED
@given(calendars, moments)
def test_next_working_moment_is_working_and_skips_no_work(calendar, moment):
    found = calendar.next_working_moment(moment)
    assert utc(found) >= utc(moment)
    assert calendar.is_working_moment(found)
    assert calendar.working_time_between(moment, found) == timedelta(0)


@settings(max_examples=40, deadline=None)
# An ambiguous local time (Berlin, the night summer time ends) once compared falsely.
@example(CALENDARS["new_york_odd_hours"], datetime(2024, 10, 27, 1, 0, tzinfo=ZoneInfo("Europe/Berlin")), 60)
@given(
    calendars,
    moments.map(lambda moment: moment.replace(second=0, microsecond=0)),
    st.integers(min_value=1, max_value=1500),
)
def test_agrees_with_a_minute_by_minute_reference(calendar, start, minutes):
    """The fast stepping gives what counting working minutes one by one gives."""
    start_utc = start.astimezone(UTC)
    moment, counted = start_utc, 0
    while counted < minutes:
        if calendar.is_working_moment(moment):
            counted += 1
        moment += timedelta(minutes=1)
    # `moment` is one minute past the start of the last counted minute.
    assert utc(calendar.add_working_time(start, timedelta(minutes=minutes))) == moment
