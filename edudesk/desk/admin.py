from django.contrib import admin

from edudesk.desk.models import CannedResponse, SavedFilter


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "service", "is_active"]
    list_filter = ["service", "is_active"]
    search_fields = ["title", "body"]


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "query", "created_at"]
    raw_id_fields = ["user"]

