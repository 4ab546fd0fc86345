from django.urls import path

from edudesk.incidents import views_desk

app_name = "incidents"

urlpatterns = [
    path("", views_desk.incident_list, name="list"),
    path("new", views_desk.declare, name="declare"),
    path("<int:pk>/", views_desk.detail, name="detail"),
    path("<int:pk>/edit", views_desk.edit, name="edit"),
    path("<int:pk>/update", views_desk.post_update, name="update"),
    path("<int:pk>/updates/<int:update>/progress", views_desk.update_progress,
         name="update_progress"),
    path("<int:pk>/resolve", views_desk.resolve, name="resolve"),
    path("<int:pk>/link", views_desk.link, name="link"),
    path("<int:pk>/unlink/<str:number>", views_desk.unlink, name="unlink"),
    path("<int:pk>/suggestions/<int:suggestion>/dismiss", views_desk.dismiss_suggestion,
         name="dismiss_suggestion"),
    path("proposals/<int:proposal>/dismiss", views_desk.dismiss_proposal, name="dismiss_proposal"),
]
