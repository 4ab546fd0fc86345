"""The version a page listing many tickets was built from (the queue's bulk form posts it)."""

from django import template

from edudesk.tickets import versions

register = template.Library()


@register.simple_tag
def latest_version() -> int:
    return versions.latest_version()
