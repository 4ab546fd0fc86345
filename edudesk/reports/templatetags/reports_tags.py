from django import template

from edudesk.reports import pages

register = template.Library()


@register.filter
def percent(share):
    return pages.percent(share)


@register.filter
def minutes(value):
    return pages.minutes(value)
