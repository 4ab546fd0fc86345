from django.urls import path

from edudesk.reports import views, views_export, views_rating

app_name = "reports"

urlpatterns = [
    path("", views.board_view, name="board"),
    path("period", views.period_view, name="period"),
    path("period/export", views.export_view, name="export"),
    path("period/tickets", views.tickets_view, name="tickets"),
    path("period/backlog", views.backlog_tickets_view, name="backlog_tickets"),
    path("subscriptions", views.subscription_view, name="subscription"),
    path("follow-ups", views_rating.follow_ups_view, name="follow_ups"),
    path("follow-ups/<int:pk>/close", views_rating.close_follow_up_view, name="close_follow_up"),
    path("exports/<str:source>", views_export.list_export_view, name="list_export_start"),
    path("exports/job/<int:pk>", views_export.list_export_status_view, name="list_export"),
    path("exports/job/<int:pk>/download", views_export.list_export_download_view,
         name="list_export_download"),
]
