"""Request-level guards: a cap on the body, the image-decoding budget, and their refusals."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from edudesk.security import budget


class RequestLimitsMiddleware:
    """Refuse an over-long body before anything reads it (413); give every request a pixel
    budget for decoding screenshots; turn a decoder that stayed busy into 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.EDUDESK_MAX_REQUEST_BYTES:
            return _refusal(request, 413, "too_large", _too_large_message)
        with budget.request_budget(settings.EDUDESK_MAX_PIXELS_PER_REQUEST):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, budget.DecoderBusy):
            response = _refusal(request, 503, "busy", _busy_message)
            response["Retry-After"] = "30"
            return response
        return None


def _too_large_message() -> str:
    megabytes = settings.EDUDESK_MAX_REQUEST_BYTES / (1024 * 1024)
    return _("Запрос слишком большой: вместе со всеми файлами — не более %(limit)s МБ. Уменьшите "
             "снимки экрана или отправьте их в нескольких сообщениях.") % {"limit": f"{megabytes:g}"}


def _busy_message() -> str:
    return _("Сервер сейчас занят обработкой изображений. Повторите отправку через минуту — "
             "ничего не сохранено.")


def _refusal(request, status: int, code: str, message):
    # Runs before LocaleMiddleware on the way in: choose the language the same way it would.
    with translation.override(translation.get_language_from_request(request)):
        text = message()
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "message": text}, status=status)
        return render(request, "security/refused.html", {"message": text}, status=status)


class HardeningHeadersMiddleware:
    """A header Django's SecurityMiddleware does not set: no page of edudesk needs the camera,
    the microphone, the location, payments or USB, so none may ask for them."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response
