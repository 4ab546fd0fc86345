from django.urls import path

from edudesk.reports import views, views_rating

app_name = "reports"

urlpatterns = [
    path("", views.board_view, name="board"),
    path("period", views.period_view, name="period"),
    path("period/export", views.export_view, name="export"),
    path("period/tickets", views.tickets_view, name="tickets"),
    path("subscriptions", views.subscription_view, name="subscription"),
    path("ratings/<int:pk>/reviewed", views_rating.rating_reviewed_view, name="rating_reviewed"),
]
