from django.contrib import admin

from edudesk.intake.models import FormSchema, IntakeDecision


@admin.register(FormSchema)
class FormSchemaAdmin(admin.ModelAdmin):
    """The JSON document is validated on save (FormSchema.clean), with the path of any problem."""

    list_display = ("service", "updated_at")
    readonly_fields = ("updated_at",)


@admin.register(IntakeDecision)
class IntakeDecisionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "service", "kind", "tickets", "contact")
    list_filter = ("service", "kind")
    readonly_fields = ("service", "contact", "kind", "tickets", "suggested", "created_at")
