from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import ApiToken, Contact, Organisation, Service, SupportGroup, User
from edudesk.core.regions import RegionInput


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "number_prefix", "time_zone", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "region", "service"]
    list_filter = ["service"]
    search_fields = ["name", "city", "region"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "region":  # Russia's regions offered as you type
            kwargs["widget"] = RegionInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "phone", "login", "role", "organisation", "service"]
    list_filter = ["service", "role"]
    search_fields = ["full_name", "email", "phone", "login"]
    raw_id_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "kind", "is_active"]
    list_filter = ["kind", "is_active", "services"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Поддержка"), {"fields": ["full_name", "kind", "services"]}),
    ]


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "supervisor", "is_default"]
    list_filter = ["service"]
    filter_horizontal = ["members"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "contact", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    raw_id_fields = ["contact"]
    fields = ["name", "user", "contact", "revoked", "prefix", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, raw = ApiToken.issue(user=obj.user, contact=obj.contact, name=obj.name)
        obj.pk = token.pk
        self.message_user(request, _("Токен создан. Сохраните его, он показывается один раз: %(token)s")
                          % {"token": raw}, messages.WARNING)
