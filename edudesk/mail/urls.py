from django.urls import path

from edudesk.mail import views

app_name = "mail"

urlpatterns = [
    path("gate", views.mail_gate, name="gate"),
]
