from django.urls import path

from edudesk.kb import views_public

app_name = "kb_public"

urlpatterns = [
    path("", views_public.help_index, name="index"),
    path("suggest", views_public.suggest, name="suggest"),
    path("<int:pk>", views_public.help_article, name="article"),
    path("<int:pk>/helped", views_public.helped, name="helped"),
    path("<int:pk>/widget-helped", views_public.widget_helped, name="widget_helped"),
]
