"""Every figure the reports show equals a brute-force recomputation from tickets and events."""

from collections import Counter
from datetime import timedelta

import pytest

from edudesk.reports import backlog_age, figures
from edudesk.reports import metrics as m
from edudesk.reports.folding import fold
from edudesk.reports.models import DailyFigure
from edudesk.reports.rebuild import rebuild
from edudesk.reports.tests import brute_force, histories
from edudesk.sla.calendars import calendar_for
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import OPEN_STATUSES


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
