"""The report's tables per period, written as HTML rows (like `charts`, the page prints them).

A 12-month report by day has 366 periods: its four tables per period hold about 2,500 rows
and 20,000 cells. Through the template engine (a lookup, a filter and a localisation per
cell) they took about half of the page's Python time; here each row is one format string.
Every text is escaped as the template would escape it.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from edudesk.reports import metrics as m
from edudesk.reports.pages import minutes, percent, score


def _link(url: str, text) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def _cells(*values) -> str:
    """Numbers as they are, texts escaped."""
    return "".join(f"<td>{value}</td>" if isinstance(value, int) else f"<td>{escape(value)}</td>"
                   for value in values)


def _rows(rows) -> SafeString:
    return mark_safe("".join(rows))  # every text in the rows is escaped


def flow(periods) -> SafeString:
    """Created, resolved, cancelled, reopened, the backlog, repeats, merges, splits and
    converted consultations per period; the period opens the desk's queue, the created count
    the tickets."""
    return _rows(
        f'<tr><th scope="row">{_link(desk_url, label)}</th><td>{_link(created_url, p.count(m.CREATED))}</td>'
        + _cells(p.count(m.RESOLVED), p.count(m.CANCELLED), p.count(m.REOPENED), p.backlog,
                 p.count(m.REPEAT), p.count(m.MERGED), p.count(m.SPLIT), p.count(m.CONVERTED))
        + "</tr>"
        for label, p, created_url, desk_url in periods)


def clarifications(periods) -> SafeString:
    """Created, needed a clarification, its rate, the waits, their median and 90th percentile,
    and the reopen rate per period."""
    return _rows(
        f'<tr><th scope="row">{escape(label)}</th>'
        + _cells(p.count(m.CREATED), p.count(m.CLARIFIED), percent(p.clarification_rate),
                 p.clarification_wait.count, minutes(p.clarification_wait.median),
                 minutes(p.clarification_wait.p90), percent(p.reopen_rate))
        + "</tr>"
        for label, p, _created_url, _desk_url in periods)


def satisfaction(rated_periods) -> SafeString:
    """Ratings (opening the rated tickets), their average, the share of 4–5 and the low ones."""
    return _rows(
        f'<tr><th scope="row">{escape(label)}</th>'
        f'<td>{_link(url, p.satisfaction.count) if p.satisfaction.count else 0}</td>'
        + _cells(score(p.satisfaction.average), percent(p.satisfaction.share_good), p.satisfaction.low)
        + "</tr>"
        for label, p, url in rated_periods)


def sla(sla_rows) -> SafeString:
    """Per period and target: met, breached, the share met, median and 90th percentile."""
    # each target's translated name, escaped once
    names = {name: escape(name) for _label, clocks in sla_rows[:1] for name, _s in clocks}
    return _rows(
        f'<tr><th scope="row">{escape(label)}</th><td>{names[name]}</td>'
        + _cells(s.met.count, s.breached.count, percent(s.share_met), minutes(both.median),
                 minutes(both.p90))
        + "</tr>"
        for label, clocks in sla_rows for name, s in clocks for both in (s.all,))
