"""The site's own error pages (400, 403, 404, 500), in the visitor's language, with a way back.

Django's defaults render 400 and 500 without the request (no language form, no CSRF token);
these render with it. The 500 page touches neither the database nor the session, so it still
renders when they are the cause; should rendering fail anyway, a plain page is served.
"""

import logging

from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _page(request, template: str) -> str:
    return loader.render_to_string(template, {"error_page": True}, request=request)


def bad_request(request, exception=None):
    return HttpResponseBadRequest(_page(request, "errors/400.html"))


def permission_denied(request, exception=None):
    return HttpResponseForbidden(_page(request, "errors/403.html"))


def page_not_found(request, exception=None):
    return HttpResponseNotFound(_page(request, "errors/404.html"))


def server_error(request):
    try:
        return HttpResponseServerError(_page(request, "errors/500.html"))
    except Exception:
        logger.exception("the 500 page itself failed to render")
        text = _("Внутренняя ошибка сервера. Попробуйте ещё раз через несколько минут.")
        back = _("На главную страницу")
        return HttpResponseServerError(
            f'<!doctype html><title>500</title><p>{text}</p><p><a href="/">{back}</a></p>')
