from django.contrib import admin

from edudesk.reports.models import Rating, SatisfactionSetting, SummarySubscription


@admin.register(SatisfactionSetting)
class SatisfactionSettingAdmin(admin.ModelAdmin):
    list_display = ("service", "enabled")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("ticket", "score", "rated_at", "changed_at")
    list_filter = ("score",)
    raw_id_fields = ("ticket",)


@admin.register(SummarySubscription)
class SummarySubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "frequency", "last_period_start")
