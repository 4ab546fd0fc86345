"""API v1 assembly: one NinjaAPI, token auth everywhere, JSON errors."""

from ninja import NinjaAPI

from edudesk.api import errors
from edudesk.api.auth import TokenAuth
from edudesk.api.openapi import add_error_responses
from edudesk.api.routers import consultations, reports, services, tickets


class EdudeskAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return add_error_responses(super().get_openapi_schema(*args, **kwargs))


api = EdudeskAPI(
    title="edudesk API",
    version="1",
    description="Обращения в техническую поддержку образовательных платформ.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", tickets.router)
api.add_router("", services.router)
api.add_router("", consultations.router)
api.add_router("", reports.router)
