"""The front page: where to go for customers, agents, administrators and integrators."""

from django.shortcuts import render

from edudesk.accounts.models import Service


def home(request):
    services = Service.objects.filter(is_active=True).order_by("name")
    return render(request, "core/home.html", {"services": services})
