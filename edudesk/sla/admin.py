from django.contrib import admin

from edudesk.sla.models import CalendarDay, Notification, ServiceHours, SlaClock, SlaPolicy


@admin.register(ServiceHours)
class ServiceHoursAdmin(admin.ModelAdmin):
    list_display = [
        "service",
        "monday",
        "friday",
        "saturday",
        "production_calendar",
        "auto_close_working_days",
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "periods", "region", "service", "note", "source"]
    list_filter = ["kind", "region", "service"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "review_minutes", "first_answer_minutes", "solution_minutes"]
    list_filter = ["service", "priority"]


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "state", "due_at", "stopped_at", "breached"]
    list_filter = ["kind", "state", "breached"]
    raw_id_fields = ["ticket"]
    readonly_fields = [field.name for field in SlaClock._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "ticket", "clock"]
