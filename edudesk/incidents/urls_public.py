from django.urls import path

from edudesk.incidents import views_public

app_name = "status"

urlpatterns = [
    path("<slug:service>", views_public.status_page, name="page"),
    path("<slug:service>/incidents.json", views_public.status_json, name="json"),
    path("<slug:service>/feed.rss", views_public.status_rss, name="rss"),
]
