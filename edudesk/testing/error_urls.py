"""The site's URLs plus three addresses that fail on purpose, so the error pages (400, 403, 500)
can be looked at and tested in a browser (edudesk/testing/tour.py). Never the ROOT_URLCONF of a
running installation: tests and `make screenshots` switch to it."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from edudesk.urls import handler400, handler403, handler404, handler500
from edudesk.urls import urlpatterns as site_urls


class TourFailure(RuntimeError):
    """The failure /tour-errors/500 raises on purpose."""


def fail(request, status: int):
    if status == 400:
        raise SuspiciousOperation("a request the tour makes bad on purpose")
    if status == 403:
        raise PermissionDenied
    raise TourFailure("the error page tour's deliberate failure")


urlpatterns = [path("tour-errors/<int:status>", fail), *site_urls]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
