"""Administrators keep each service's categories here and may read or fix articles; an article
saved here goes through ``kb.services.save_article`` like one saved in the desk, so its
previous version is kept."""

from django.contrib import admin

from edudesk.kb import services
from edudesk.kb.models import Article, ArticleRevision, Category, Deflection


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "position"]
    list_filter = ["service"]


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ["written_at", "author", "title", "status", "visibility"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "service", "category", "visibility", "status", "updated_at"]
    list_filter = ["service", "status", "visibility", "category"]
    search_fields = ["title", "body"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    fields = ["service", "category", "title", "body", "visibility", "status", *readonly_fields]
    inlines = [RevisionInline]

    def save_model(self, request, obj, form, change):
        data = services.ArticleData(
            service_id=obj.service_id, title=obj.title, body=obj.body, category=obj.category,
            visibility=obj.visibility, status=obj.status)
        saved = services.save_article(request.user, data, obj if change else None)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    list_display = ["article", "service", "channel", "created_at"]
    list_filter = ["service", "channel"]
    readonly_fields = ["article", "service", "channel", "created_at"]

    def has_add_permission(self, request):
        return False
