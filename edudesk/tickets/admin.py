from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edudesk.tickets import outbox
from edudesk.tickets.models import Attachment, Consultation, Event, Message, PendingEffect, Ticket


class MessageInline(admin.TabularInline):
    model = Message
    fk_name = "ticket"
    extra = 0
    fields = ["kind", "author_user", "author_contact", "body", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: tickets change through the agent workspace and the API (tickets.services)."""

    list_display = ["number", "subject", "service", "status", "priority", "channel", "assignee",
                    "created_at"]
    list_filter = ["service", "status", "priority", "channel"]
    search_fields = ["number", "subject", "requester__email"]
    raw_id_fields = ["requester", "organisation", "assignee", "group", "merged_into", "consultation"]
    readonly_fields = [f.name for f in Ticket._meta.fields]
    inlines = [MessageInline]

    def has_add_permission(self, request):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "actor_kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["ticket"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PendingEffect)
class PendingEffectAdmin(admin.ModelAdmin):
    """After-commit work not finished yet; failed entries wait here for an administrator."""

    list_display = ["event", "handlers", "attempts", "failed", "run_after", "last_error"]
    list_filter = ["failed"]
    raw_id_fields = ["event"]
    readonly_fields = [f.name for f in PendingEffect._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Повторить"))
    def retry(self, request, queryset):
        outbox.retry_failed(queryset.values_list("pk", flat=True))


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["topic", "service", "channel", "caller_name", "agent", "created_at"]
    list_filter = ["service", "channel"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "ordinal", "content_type", "size", "created_at"]
    raw_id_fields = ["ticket", "message"]
