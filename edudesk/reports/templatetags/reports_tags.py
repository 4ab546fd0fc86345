from django import template

from edudesk.reports import pages, satisfaction

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
