"""Which sites may frame a page: none, except the widget pages, which each service's LMS
origins may frame (admin: *Security → защита сервиса → адреса СДО*).

Every other page is refused to frames by ``X-Frame-Options: DENY`` and the policy's
``frame-ancestors 'none'`` (settings). A widget page answers ``frame-ancestors 'self' <origins>``
instead; browsers that understand it ignore X-Frame-Options, which these pages do not send.
"""

from __future__ import annotations

import functools

from django.views.decorators.clickjacking import xframe_options_exempt

from edudesk.security.models import ServiceProtection


def lms_origins(service_code: str) -> list[str]:
    protection = ServiceProtection.objects.filter(service__code=service_code).first()
    return protection.origins() if protection else []


def framed_by_service_lms(view):
    """For views taking the service code: only the service's LMS origins (and edudesk itself,
    for the demo page) may put the response in a frame."""

    @functools.wraps(view)
    def wrapper(request, service: str, *args, **kwargs):
        response = view(request, service, *args, **kwargs)
        response._csp_replace = {"frame-ancestors": ["'self'", *lms_origins(service)]}
        return response

    return xframe_options_exempt(wrapper)
