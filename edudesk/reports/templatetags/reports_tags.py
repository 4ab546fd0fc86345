from django import template

from edudesk.reports import pages, satisfaction, tables

register = template.Library()


@register.filter
def percent(share):
    return pages.percent(share)


@register.filter
def minutes(value):
    return pages.minutes(value)


@register.filter
def score(value):
    return pages.score(value)


@register.simple_tag
def rating_url(ticket):
    """The signed link the customer rates a solved request with (None if the service does not ask)."""
    return satisfaction.rating_url(ticket)


@register.simple_tag
def flow_rows(periods):
    return tables.flow(periods)


@register.simple_tag
def clarification_rows(periods):
    return tables.clarifications(periods)


@register.simple_tag
def satisfaction_rows(rated_periods):
    return tables.satisfaction(rated_periods)


@register.simple_tag
def sla_rows(rows):
    return tables.sla(rows)
