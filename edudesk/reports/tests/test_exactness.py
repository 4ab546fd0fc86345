"""Every figure the reports show equals a brute-force recomputation from tickets and events."""

import importlib
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection

from edudesk.reports import backlog_age, figures, periods
from edudesk.reports import metrics as m
from edudesk.reports.folding import fold
from edudesk.reports.models import DailyFigure, PeriodFigure
from edudesk.reports.rebuild import rebuild
from edudesk.reports.tests import brute_force, histories
from edudesk.sla.calendars import calendar_for
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Channel, Priority, Ticket
from edudesk.tickets.status import OPEN_STATUSES, Status
from edudesk.tickets.types import Actor


def stored_figures(*, without=(m.BACKLOG,)) -> Counter:
    fold()
    out: Counter = Counter()
    for row in DailyFigure.objects.exclude(metric__in=without).exclude(count=0):
        out[(row.dim, row.value, row.service_id, row.metric, row.day, row.group_id,
             row.bucket)] += row.count
    return +out


def assert_backlog_exact(service, first, last):
    history = brute_force.History(service)
    day = first
    while day <= last:
        expected = brute_force.open_at_end_of(history, day)
        stored: Counter = Counter()
        for row in DailyFigure.objects.filter(metric=m.BACKLOG, day__lte=day):
            stored[(row.dim, row.value, row.group_id)] += row.count
        assert +stored == +expected, f"backlog at the end of {day}"
        day += timedelta(days=1)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_every_daily_figure_equals_the_brute_force_recomputation(seed):
    service, first, last = histories.build(seed)

    assert stored_figures() == +brute_force.expected_figures(service)
    assert_backlog_exact(service, first, last)


@pytest.mark.django_db
def test_the_rebuild_from_events_gives_the_figures_the_live_path_gave():
    histories.build(seed=4)
    live = stored_figures(without=())

    rebuild()

    assert stored_figures(without=()) == live


@pytest.mark.django_db
def test_sla_backlog_and_satisfaction_per_day_week_and_month_equal_the_brute_force():
    service, first, last = histories.build(seed=5, tickets=40, steps=220)
    history = brute_force.History(service)
    assert len(set(brute_force.rating_scores(history, first, last))) > 2, "the history rates tickets"
    for grouping in figures.GROUPINGS:
        _assert_report_exact(service, history, first, last, grouping)


def _assert_report_exact(service, history, first, last, grouping):
    scope = figures.Scope(service_ids=(service.pk,))
    periods = figures.report(scope, first, last, grouping)
    whole = figures.total(periods)

    for clock in m.CLOCKS:
        outcomes = brute_force.sla_outcomes(history, clock, first, last)
        minutes = [minutes for _state, minutes in outcomes]
        sla = whole.sla[clock]
        assert sla.total == len(outcomes)
        assert sla.met.count == sum(1 for state, _ in outcomes if state == "met")
        assert sla.all.median == _bucketed(brute_force.nearest_rank_exact(minutes, 0.5))
        assert sla.all.p90 == _bucketed(brute_force.nearest_rank_exact(minutes, 0.9))
    _assert_satisfaction_exact(whole.satisfaction, brute_force.rating_scores(history, first, last))
    for period in periods:
        for clock in m.CLOCKS:
            outcomes = brute_force.sla_outcomes(history, clock, period.start, period.end)
            assert period.sla[clock].total == len(outcomes), (clock, period.start)
        _assert_satisfaction_exact(period.satisfaction,
                                   brute_force.rating_scores(history, period.start, period.end))
        assert period.backlog == sum(
            count for (dim, _v, _g), count in brute_force.open_at_end_of(history, period.end).items()
            if dim == "")


@pytest.mark.django_db
def test_a_report_for_one_agent_counts_only_what_happened_while_the_ticket_was_theirs():
    service, first, last = histories.build(seed=6)
    expected = brute_force.expected_figures(service)
    agent_id = next(int(key[1]) for key in expected if key[0] == "agent" and key[1])
    scope = figures.Scope(service_ids=(service.pk,), dim="agent", value=str(agent_id))

    whole = figures.total(figures.report(scope, first, last, "month"))

    for metric in (m.CREATED, m.RESOLVED, m.REOPENED, m.CANCELLED):
        assert whole.count(metric) == sum(
            count for key, count in expected.items()
            if key[0] == "agent" and key[1] == str(agent_id) and key[3] == metric)
    outcomes = brute_force.sla_outcomes(brute_force.History(service), "solution", first, last,
                                        agent=agent_id)
    assert whole.sla["solution"].total == len(outcomes)


def _assert_satisfaction_exact(satisfaction, scores):
    assert satisfaction.count == len(scores)
    assert satisfaction.average == (sum(scores) / len(scores) if scores else None)
    assert satisfaction.share_good == (
        sum(1 for s in scores if s >= 4) / len(scores) if scores else None)
    assert satisfaction.low == sum(1 for s in scores if s <= 2)


def _bucketed(value):
    return None if value is None else m.bucket(value)


def _brute_force_backlog_age(service, now, keep=lambda ticket: True) -> dict:
    """Each open ticket's age from the calendar, one ticket at a time, against a normal day."""
    calendar = calendar_for(service)
    day = calendar.working_time_on(histories.START.date())  # a Monday with the usual hours
    counts = {key: [0] * len(backlog_age.BUCKET_LABELS) for key in backlog_age.GROUP_KEYS}
    cells: dict = {}
    for ticket in Ticket.objects.filter(service=service).select_related("organisation"):
        if ticket.status not in OPEN_STATUSES or not keep(ticket):
            continue
        age = calendar.working_time_between(ticket.created_at, now)
        bucket = sum(1 for days in backlog_age.BOUNDARIES if age >= day * days)
        group = next(key for key, _label, statuses in backlog_age.GROUPS if ticket.status in statuses)
        counts[group][bucket] += 1
        cells.setdefault((group, bucket), set()).add(ticket.pk)
    return {"counts": counts, "cells": cells}


@pytest.mark.django_db
def test_the_backlog_by_age_equals_each_open_tickets_working_age_from_the_calendar():
    service, _first, _last = histories.build(seed=7, tickets=40, steps=120)
    end = max(Ticket.objects.filter(service=service).values_list("updated_at", flat=True))
    checked = set()
    for offset in (timedelta(0), timedelta(hours=5), timedelta(days=2, hours=3), timedelta(days=9),
                   timedelta(days=45)):
        now = end + offset
        scope = figures.Scope(service_ids=(service.pk,))
        expected = _brute_force_backlog_age(service, now)
        assert backlog_age.backlog_age(scope, now).counts == expected["counts"], offset
        for (group, bucket), ids in expected["cells"].items():
            listed = backlog_age.bucket_tickets(scope, now, group, bucket, limit=1000)
            assert {t.pk for t in listed} == ids, (offset, group, bucket)
            checked.add(bucket)
        # One dimension at a time, as the report filters: a region, and «no region»
        for region in ("Татарстан", ""):
            narrowed = figures.Scope(service_ids=(service.pk,), dim="region", value=region)
            expected = _brute_force_backlog_age(
                service, now, lambda t, r=region: (t.organisation.region if t.organisation else "") == r)
            assert backlog_age.backlog_age(narrowed, now).counts == expected["counts"], (offset, region)
    assert len(checked) >= 4, "the history spans most age buckets"


@pytest.mark.django_db
def test_the_pages_backlog_by_age_is_kept_a_minute_then_counts_the_change():
    service, _first, _last = histories.build(seed=12, tickets=20, steps=60)
    end = max(Ticket.objects.filter(service=service).values_list("updated_at", flat=True))
    minute = end.replace(second=0, microsecond=0) + timedelta(minutes=1)
    scope = figures.Scope(service_ids=(service.pk,))
    before = backlog_age.recent(scope, minute)
    assert before.counts == _brute_force_backlog_age(service, minute)["counts"]

    factories.ticket(service, factories.contact(service), now=minute + timedelta(seconds=10))

    # within the same minute the counted table is kept (and says when it was counted)
    kept = backlog_age.recent(scope, minute + timedelta(seconds=50))
    assert kept.counts == before.counts and kept.at == minute
    # the next minute counts again, with the new ticket, exactly
    later = minute + timedelta(seconds=61)
    after = backlog_age.recent(scope, later)
    assert after.counts == _brute_force_backlog_age(service, later)["counts"] != before.counts
    assert after.at == later
    # another slice has its own table
    narrowed = figures.Scope(service_ids=(service.pk,), dim="region", value="")
    assert backlog_age.recent(narrowed, later).counts == _brute_force_backlog_age(
        service, later, lambda t: not (t.organisation and t.organisation.region))["counts"]


@pytest.mark.django_db
@pytest.mark.parametrize("pair", [("category", "priority"), ("agent", "channel"), ("category", "region")])
def test_a_report_filtered_by_two_dimensions_equals_the_brute_force_for_that_combination(pair):
    service, first, last = histories.build(seed=8)
    expected = brute_force.expected_figures(service, pairs=True)
    history = brute_force.History(service)
    name = "+".join(pair)
    combos = Counter(key[1] for key in expected if key[0] == name)
    tried = 0
    for combo, _n in combos.most_common(3):
        values = combo.split("|")
        scope = figures.Scope(service_ids=(service.pk,), dim=pair[0], value=values[0],
                              more=((pair[1], values[1]),))
        # every figure of the combination, day by day, metric and bucket
        stored = Counter()
        for row in scope.rows().values("day", "metric", "bucket", "group_id", "count"):
            if row["metric"] != m.BACKLOG:
                stored[(row["metric"], row["day"], row["group_id"], row["bucket"])] += row["count"]
        wanted = Counter({(k[3], k[4], k[5], k[6]): n for k, n in expected.items()
                          if k[0] == name and k[1] == combo})
        assert +stored == +wanted, (pair, combo)
        # and through the report: periods, totals, the backlog at the end of each week
        periods = figures.report(scope, first, last, "week")
        whole = figures.total(periods)
        assert whole.count(m.CREATED) == sum(n for (metric, *_rest), n in wanted.items()
                                             if metric == m.CREATED)
        for period in periods:
            open_then = brute_force.open_at_end_of(history, period.end, pairs=True)
            assert period.backlog == sum(n for (dim, value, _g), n in open_then.items()
                                         if dim == name and value == combo), (pair, combo, period.end)
        tried += 1
    assert tried, "the history has this combination"


# --- weekly and monthly roll-ups -------------------------------------------------------------

def rollups_from_daily() -> Counter:
    """The roll-ups the daily figures make, summed here in Python."""
    out: Counter = Counter()
    for row in DailyFigure.objects.exclude(count=0):
        for grain in periods.ROLLUPS:
            out[(row.dim, row.value, row.service_id, grain, periods.period_start(row.day, grain),
                 row.metric, row.group_id, row.bucket)] += row.count
    return +out


def stored_rollups() -> Counter:
    fold()
    out: Counter = Counter()
    for row in PeriodFigure.objects.exclude(count=0):
        out[(row.dim, row.value, row.service_id, row.grain, row.start, row.metric, row.group_id,
             row.bucket)] += row.count
    return +out


def _figures_of(period: figures.Period) -> Counter:
    """{(metric, bucket): count} of every figure a report period holds but the backlog."""
    out: Counter = Counter({(metric, 0): n for metric, n in period.counts.items()
                            if metric != m.BACKLOG})
    for clock in m.CLOCKS:
        for outcome in m.OUTCOMES:
            for bucket, n in getattr(period.sla[clock], outcome).histogram.items():
                out[(m.sla_metric(clock, outcome), bucket)] += n
    for metric, histogram in ((m.CLARIFICATION_WAIT, period.clarification_wait.histogram),
                              (m.RATING, period.satisfaction.histogram)):
        for bucket, n in histogram.items():
            out[(metric, bucket)] += n
    return +out


def _expected_in(expected: Counter, first, last, dim="", value="", metrics=None) -> Counter:
    out: Counter = Counter()
    for (key_dim, key_value, _s, metric, day, _g, bucket), n in expected.items():
        if key_dim == dim and key_value == value and first <= day <= last \
                and (metrics is None or metric in metrics):
            out[(metric, bucket)] += n
    return +out


def _change_dated_back(service, when) -> None:
    """A ticket opened and solved at `when`, recorded after later days were folded (a late
    fact in an old week and month)."""
    person = factories.contact(service)
    agent = factories.agent(service, full_name="Специалист поздний")
    ticket = services.open_ticket(service=service, requester=person, subject="Задним числом",
                                  description="Ошибка", now=when, channel=Channel.PHONE,
                                  category="journal", priority=Priority.HIGH)
    services.transition(ticket, Status.IN_PROCESSING, actor=Actor.agent(agent),
                        now=when + timedelta(minutes=20))


@pytest.mark.django_db
def test_weekly_and_monthly_roll_ups_equal_the_daily_figures_after_late_facts_and_a_rebuild():
    service, _first, _last = histories.build(seed=9)
    assert stored_rollups() == rollups_from_daily()
    assert {grain for _d, _v, _s, grain, *_rest in stored_rollups()} == set(periods.ROLLUPS)

    _change_dated_back(service, histories.START + timedelta(days=3, hours=2))
    assert stored_rollups() == rollups_from_daily()

    live = stored_rollups()
    rebuild()
    assert stored_rollups() == live == rollups_from_daily()


@pytest.mark.django_db
def test_the_migration_rolls_up_the_daily_figures_folded_before_it():
    histories.build(seed=10, tickets=20, steps=80)
    live = stored_rollups()
    PeriodFigure.objects.all().delete()

    migration = importlib.import_module("edudesk.reports.migrations.0008_period_figure")
    migration.roll_up(None, SimpleNamespace(connection=connection))

    assert stored_rollups() == live


@pytest.mark.django_db
def test_reports_over_whole_and_partial_weeks_and_months_equal_the_brute_force():
    service, first, last = histories.build(seed=11, tickets=30, steps=200)
    fold()
    _change_dated_back(service, histories.START + timedelta(days=8, hours=3))
    expected = brute_force.expected_figures(service)
    history = brute_force.History(service)
    scope = figures.Scope(service_ids=(service.pk,))
    month_start = first.replace(day=1)
    assert last >= month_start + timedelta(days=40), "the history spans a whole month"
    ranges = [(first, last), (month_start, last),
              (month_start - timedelta(days=45), last + timedelta(days=40)),
              (month_start, periods.period_end(month_start, "month")),
              (first + timedelta(days=4), last - timedelta(days=9))]
    # by month, some month's edge days hold whole weeks (read from the weekly roll-ups)
    assert any(grain == "week" for start, end in ranges
               for grain, *_days in figures._parts(start, end, ("month", "week")))
    for start, end in ranges:
        # the range as one period (the comparison with the previous period)
        whole = figures.whole(scope, start, end)
        assert _figures_of(whole) == _expected_in(expected, start, end), (start, end)
        assert whole.backlog == sum(
            n for (dim, _v, _g), n in brute_force.open_at_end_of(history, end).items() if dim == "")
        for grouping in figures.GROUPINGS:
            report = figures.report(scope, start, end, grouping)
            assert _figures_of(figures.total(report)) == _figures_of(whole), (start, end, grouping)
            for period in report:
                assert _figures_of(period) == _expected_in(expected, period.start, period.end), (
                    start, end, grouping, period.start)
                assert period.backlog == sum(
                    n for (dim, _v, _g), n in brute_force.open_at_end_of(history, period.end).items()
                    if dim == ""), (start, end, grouping, period.start)
        for dim in ("category", "agent"):
            by_value = figures.breakdown(scope, dim, start, end)
            values = {key[1] for key in expected if key[0] == dim}
            for value in values | set(by_value):
                got = _figures_of(by_value[value]) if value in by_value else Counter()
                assert got == _expected_in(expected, start, end, dim, value,
                                           figures.BREAKDOWN_METRICS), (start, end, dim, value)
