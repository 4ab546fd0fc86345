"""The front page: where to go for customers, agents, administrators and integrators."""

from django.shortcuts import render

from edudesk.accounts.models import Service
from edudesk.core.channels import channels_for


def home(request):
    services = Service.objects.filter(is_active=True).order_by("name")
    return render(request, "core/home.html", {"channels": [channels_for(s) for s in services]})
