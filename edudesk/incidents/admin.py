"""Administrators set each service's rules for mass incidents; incidents are read here (agents
declare, update and resolve them in the desk, through incidents.services)."""

from django.contrib import admin

from edudesk.incidents.models import Incident, IncidentPolicy


@admin.register(IncidentPolicy)
class IncidentPolicyAdmin(admin.ModelAdmin):
    list_display = ["service", "propose_min_tickets", "propose_min_organisations",
                    "propose_window_minutes", "child_sla"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "state", "started_at", "resolved_at"]
    list_filter = ["service", "state"]
    search_fields = ["title"]
    readonly_fields = [field.name for field in Incident._meta.fields] + ["organisations"]

    def has_add_permission(self, request):
        return False  # declared in the desk, where the children are linked and told
