from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from edudesk.api.api import api
from edudesk.core import views as core_views
from edudesk.kb.views_stats import kb_stats
from edudesk.reports.views_rating import rate_view

urlpatterns = [
    path("", core_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("desk/", include("edudesk.desk.urls")),
    path("reports/kb", kb_stats, name="kb_stats"),
    path("reports/", include("edudesk.reports.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("support/rate/<str:token>", rate_view, name="rate"),
    path("support/<slug:service>/help/", include("edudesk.kb.urls_public")),
    path("support/", include("edudesk.portal.urls")),
    path("status/", include("edudesk.incidents.urls_public")),
    path("desk/incidents/", include("edudesk.incidents.urls_desk")),
    path("desk/kb/", include("edudesk.kb.urls_desk")),
    path("mail/", include("edudesk.mail.urls")),
    path("", include("edudesk.ops.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "edudesk.core.errors.bad_request"
handler403 = "edudesk.core.errors.permission_denied"
handler404 = "edudesk.core.errors.page_not_found"
handler500 = "edudesk.core.errors.server_error"
