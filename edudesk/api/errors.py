"""Every API error is JSON with a machine code and a human message in the caller's language."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from edudesk.tickets.errors import DomainError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None,
                 **details):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.retry_after = retry_after  # seconds, sent as Retry-After (429)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", _("%(what)s не найдено.") % {"what": what})


def _body(code: str, message: str, **details) -> dict:
    return {"code": code, "message": message, **({"details": details} if details else {})}


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        response = api.create_response(request, _body(exc.code, exc.message, **exc.details),
                                       status=exc.status)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, _body(exc.code, exc.message, **exc.details),
                                   status=exc.http_status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [{"field": _field_name(e.get("loc", ())), "message": e.get("msg", ""),
                   "type": e.get("type", "")} for e in exc.errors]
        names = ", ".join(sorted({e["field"] for e in errors}))
        return api.create_response(
            request,
            {"code": "validation_error",
             "message": _("Неверные данные в полях: %(fields)s.") % {"fields": names},
             "errors": errors},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request, _body("unauthorized", _("Нужен действующий токен доступа (Authorization: Bearer …).")),
            status=401)

    @api.exception_handler(Http404)
    def http404(request, exc):
        return api.create_response(request, _body("not_found", _("Не найдено.")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, _body("http_error", str(exc)), status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        import logging

        logging.getLogger("edudesk.api").exception("unexpected API error")
        return api.create_response(
            request, _body("server_error", _("Внутренняя ошибка сервера. Попробуйте позже.")), status=500)
