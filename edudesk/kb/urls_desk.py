from django.urls import path

from edudesk.kb import views_desk

app_name = "kb"

urlpatterns = [
    path("", views_desk.article_list, name="list"),
    path("new", views_desk.article_new, name="new"),
    path("<int:pk>/", views_desk.article_view, name="article"),
    path("<int:pk>/edit", views_desk.article_edit, name="edit"),
    path("<int:pk>/history", views_desk.article_history, name="history"),
    path("pick/<str:number>", views_desk.pick, name="pick"),
    path("insert/<str:number>", views_desk.insert, name="insert"),
]
