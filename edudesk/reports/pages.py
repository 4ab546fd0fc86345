"""What the report page shows, assembled from the figures: sections, charts, tables, links.

Kept out of the view and the template: a template only prints what is decided here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote_plus, urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edudesk.accounts.models import Organisation, User
from edudesk.reports import backlog_age, charts, figures
from edudesk.reports import metrics as m
from edudesk.sla.models import ClockKind
from edudesk.tickets.models import Channel, Priority

# Report dimension -> the desk queue's filter of the same meaning (drill-down).
DESK_FILTER = {"agent": "assignee", "channel": "channel", "category": "category",
               "priority": "priority", "region": "region", "organisation": "organisation"}


# Each known metric as a link's parameter, encoded once.
_METRIC_PARAMS = {metric: f"&metric={quote_plus(metric)}" for metric in m.KNOWN_METRICS}


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f} %"


def minutes(value: int | None) -> str:
    if value is None:
        return "—"
    return _minutes(get_language(), value)


@functools.lru_cache(maxsize=4096)
def _minutes(language: str, value: int) -> str:
    """A duration in the active `language` (a report by day writes thousands of a few hundred
    bucket values)."""
    hours, rest = divmod(value, 60)
    if not hours:
        return _("%(m)s мин") % {"m": rest}
    return _("%(h)s ч %(m)02d мин") % {"h": hours, "m": rest}


def period_label(period: figures.Period, grouping: str) -> str:
    if grouping == "month":
        return period.start.strftime("%m.%Y")
    if grouping == "week":
        return f"{period.start:%d.%m}–{period.end:%d.%m}"
    return f"{period.start:%d.%m}"


@dataclass
class Drill:
    """Links from a bar or number to the tickets behind it, with the report's filters.

    A report has thousands of links that differ only in dates and metric: the paths are
    reversed and the filters encoded once per report, each link adds its own part."""

    service_id: int | None
    line_id: int | None
    dimensions: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        self._filters = urlencode(list(self.params().items()))
        self._tickets = f"{reverse('reports:tickets')}?{self._filters}{'&' if self._filters else ''}"
        queue = {"queue": "all"}
        if self.service_id:
            queue["service"] = self.service_id
        for dim, value in self.dimensions:
            queue[DESK_FILTER[dim]] = value
        self._queue = f"{reverse('desk:queue')}?{urlencode(queue)}"

    def params(self) -> dict:
        params = {}
        if self.service_id:
            params["service"] = self.service_id
        if self.line_id:
            params["line"] = self.line_id
        params.update(self.dimensions)
        return params

    def url(self, start: date, end: date, *metrics: str) -> str:
        """The exact list of tickets a figure counts (the reports' own list)."""
        chosen = "".join(_METRIC_PARAMS.get(metric) or f"&metric={quote_plus(metric)}"
                         for metric in metrics)
        return f"{self._tickets}date_from={start.isoformat()}&date_to={end.isoformat()}{chosen}"

    def backlog_url(self, group: str, bucket: int) -> str:
        """The open tickets of one cell of the backlog-by-age table."""
        params = [*self.params().items(), ("group", group), ("bucket", bucket)]
        return f"{reverse('reports:backlog_tickets')}?{urlencode(params)}"

    def desk_url(self, start: date, end: date) -> str:
        """The desk's queue of tickets created in the period with the same filters."""
        return f"{self._queue}&created_from={start.isoformat()}&created_to={end.isoformat()}"


def value_labels(dimension: str, values) -> dict[str, str]:
    values = [v for v in values if v]
    if dimension == "agent":
        users = User.objects.in_bulk([int(v) for v in values])
        labels = {v: str(users.get(int(v), v)) for v in values}
    elif dimension == "organisation":
        orgs = Organisation.objects.in_bulk([int(v) for v in values])
        labels = {v: orgs[int(v)].name if int(v) in orgs else v for v in values}
    elif dimension == "channel":
        labels = {v: str(Channel(v).label) if v in Channel.values else v for v in values}
    elif dimension == "priority":
        labels = {v: str(Priority(v).label) if v in Priority.values else v for v in values}
    else:
        labels = {v: v for v in values}
    labels[""] = {"agent": _("не назначен"), "organisation": _("без организации"),
                  "region": _("без региона")}.get(dimension, _("не указано"))
    return labels


def build(form) -> dict:
    data = form.cleaned_data
    scope = form.scope()
    grouping, start, end = data["grouping"], data["date_from"], data["date_to"]
    periods = figures.report(scope, start, end, grouping)
    whole = figures.total(periods)
    previous = figures.whole(scope, *form.previous_range())
    drill = Drill(data.get("service"), data.get("line"), scope.dimensions)
    labels = [period_label(p, grouping) for p in periods]
    by_value = figures.breakdown(scope, data["breakdown"], start, end)
    names = value_labels(data["breakdown"], by_value.keys())
    return {
        "periods": [(label, p, drill.url(p.start, p.end, m.CREATED), drill.desk_url(p.start, p.end))
                    for label, p in zip(labels, periods, strict=True)],
        "rated_periods": [(label, p, drill.url(p.start, p.end, m.RATING))
                          for label, p in zip(labels, periods, strict=True)],
        "whole": whole,
        "previous": previous,
        "comparison": comparison(whole, previous),
        "flow_chart": charts.bar_chart(
            _("Создано и решено"),
            [charts.Series(_("создано"), "bar-a"), charts.Series(_("решено"), "bar-b")],
            [charts.Group(label, [p.count(m.CREATED), p.count(m.RESOLVED)],
                          [drill.url(p.start, p.end, m.CREATED), drill.url(p.start, p.end, m.RESOLVED)])
             for label, p in zip(labels, periods, strict=True)]),
        "review_chart": charts.bar_chart(
            _("Рассмотрение в срок (60 рабочих минут) и с нарушением"),
            [charts.Series(_("в срок"), "bar-met"), charts.Series(_("с нарушением"), "bar-breached")],
            [charts.Group(label, [p.sla["review"].met.count, p.sla["review"].breached.count],
                          [drill.url(p.start, p.end, m.sla_metric("review", "met")),
                           drill.url(p.start, p.end, m.sla_metric("review", "breached"))])
             for label, p in zip(labels, periods, strict=True)], stacked=True),
        "clarification_chart": charts.bar_chart(
            _("Доля обращений, которым потребовалось уточнение"),
            [charts.Series(_("доля, %"), "bar-a")],
            [charts.Group(label, [round((p.clarification_rate or 0) * 100, 1)],
                          [drill.url(p.start, p.end, m.CLARIFIED)])
             for label, p in zip(labels, periods, strict=True)], unit=" %"),
        "satisfaction_chart": charts.bar_chart(
            _("Оценки решений: доля оценок 4–5"),
            [charts.Series(_("доля 4–5, %"), "bar-met")],
            [charts.Group(label, [round((p.satisfaction.share_good or 0) * 100, 1)],
                          [drill.url(p.start, p.end, m.RATING)])
             for label, p in zip(labels, periods, strict=True)], unit=" %"),
        **backlog_section(scope, drill, timezone.now()),
        "sla_rows": sla_rows(labels, periods),
        "sla_total": [(ClockKind(c).label, whole.sla[c]) for c in m.CLOCKS],
        "breakdown": sorted(
            [(names.get(value, value), report_url(data, data["breakdown"], value), figures_,
              Drill(data.get("service"), data.get("line"), ((data["breakdown"], value),)).url(
                  start, end, m.sla_metric("review", "breached")))
             for value, figures_ in by_value.items()],
            key=lambda row: (-row[2].sla["review"].breached.count, str(row[0]))),
        "breakdown_dimension": data["breakdown"],
        "drill": drill,
        "grouping": grouping,
    }


def backlog_section(scope, drill: Drill, now) -> dict:
    """The backlog by age now: a stacked chart of the age buckets and the table beneath."""
    age = backlog_age.recent(scope, now)
    series = [charts.Series(str(label), css) for (_key, label, _s), css
              in zip(backlog_age.GROUPS, ("bar-breached", "bar-b", "bar-a"), strict=True)]
    return {
        "backlog_age": age,
        "backlog_age_groups": [str(label) for _key, label, _s in backlog_age.GROUPS],
        "backlog_age_rows": [
            (str(label), [(n, drill.backlog_url(key, bucket)) for key, n
                     in zip(backlog_age.GROUP_KEYS, counts, strict=True)], total)
            for bucket, label, counts, total in age.rows()],
        "backlog_age_chart": charts.bar_chart(
            _("Открытые обращения по возрасту (рабочие дни)"), series,
            [charts.Group(str(label), counts, [drill.backlog_url(key, bucket)
                                               for key in backlog_age.GROUP_KEYS])
             for bucket, label, counts, _total in age.rows()], stacked=True),
    }


def report_url(data: dict, dimension: str, value: str) -> str:
    """This report narrowed to one value of a dimension (it replaces any other dimension)."""
    params = {"date_from": data["date_from"].isoformat(), "date_to": data["date_to"].isoformat(),
              "grouping": data["grouping"], "breakdown": data["breakdown"]}
    for key in ("service", "line"):
        if data.get(key):
            params[key] = data[key]
    params[dimension] = value
    return f"{reverse('reports:period')}?{urlencode(params)}"


def sla_rows(labels, periods):
    return [(label, [(ClockKind(c).label, p.sla[c]) for c in m.CLOCKS])
            for label, p in zip(labels, periods, strict=True)]


def comparison(now: figures.Period, before: figures.Period) -> list[tuple[str, str, str, str]]:
    """(name, this period, previous period, change) for the key figures."""

    def count_row(name, metric):
        return count_figures(name, now.count(metric), before.count(metric))

    def share_row(name, a, b):
        change = "—" if a is None or b is None else f"{(a - b) * 100:+.1f} п.п."
        return (name, percent(a), percent(b), change)

    rows = [count_row(_("Создано"), m.CREATED), count_row(_("Решено"), m.RESOLVED),
            count_row(_("Переоткрыто"), m.REOPENED),
            (_("В очереди на конец периода"), str(now.backlog), str(before.backlog),
             f"{now.backlog - before.backlog:+d}")]
    for clock in m.CLOCKS:
        rows.append(share_row(_("В срок: %(clock)s") % {"clock": ClockKind(clock).label},
                              now.sla[clock].share_met, before.sla[clock].share_met))
    rows.append(share_row(_("Потребовали уточнения"), now.clarification_rate,
                          before.clarification_rate))
    rows.append(share_row(_("Доля переоткрытых"), now.reopen_rate, before.reopen_rate))
    rows.append(count_figures(_("Оценок решений"), now.satisfaction.count, before.satisfaction.count))
    a, b = now.satisfaction.average, before.satisfaction.average
    rows.append((_("Средняя оценка"), score(a), score(b),
                 "—" if a is None or b is None else f"{a - b:+.2f}"))
    rows.append(share_row(_("Доля оценок 4–5"), now.satisfaction.share_good,
                          before.satisfaction.share_good))
    rows.append(count_figures(_("Низких оценок (1–2)"), now.satisfaction.low, before.satisfaction.low))
    return rows


def count_figures(name: str, a: int, b: int) -> tuple[str, str, str, str]:
    return (name, str(a), str(b), f"{a - b:+d}")


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def metric_label(metric: str) -> str:
    if metric in m.SLA_METRICS:
        clock, outcome = metric.removeprefix("sla_").rsplit("_", 1)
        template = _("%(clock)s в срок") if outcome == "met" else _("%(clock)s с нарушением срока")
        return template % {"clock": str(ClockKind(clock).label).capitalize()}
    return {m.CREATED: _("Созданные"), m.RESOLVED: _("Решённые"), m.CANCELLED: _("Отменённые"),
            m.REOPENED: _("Переоткрытые"), m.CLARIFIED: _("Потребовавшие уточнения"),
            m.CLARIFICATION_WAIT: _("Ожидавшие уточнения"), m.MERGED: _("Объединённые"),
            m.SPLIT: _("Выделенные"), m.CONVERTED: _("Из консультаций"),
            m.REPEAT: _("С повторами"), m.RATING: _("Оценённые заявителями")}[metric]
