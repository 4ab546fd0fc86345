"""``{% load advice %}{% seed_advice %}``: the support guide's advice to users, as one block."""

from django import template

from edudesk.core.advice import advice

register = template.Library()


@register.inclusion_tag("core/advice.html")
def seed_advice():
    return {"advice": advice()}
