from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edudesk.security.models import ServiceProtection


@admin.register(ServiceProtection)
class ServiceProtectionAdmin(admin.ModelAdmin):
    list_display = ["service", "form_per_address", "form_per_contact", "api_per_token",
                    "signin_links_per_address"]
    fieldsets = [
        (None, {"fields": ["service"]}),
        (_("Ограничения частоты (пусто — значение по умолчанию из настроек)"), {"fields": [
            "form_per_address", "form_per_contact", "api_per_token", "signin_links_per_address"]}),
        (_("Виджет"), {"fields": ["lms_origins"]}),
    ]
