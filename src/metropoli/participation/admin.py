from django.contrib.gis import admin

from .models import (
    Category,
    Comment,
    Contribution,
    ExternalLayer,
    ModerationAction,
    Phase,
    Proceeding,
    ProceedingTemplate,
    Report,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class ExternalLayerInline(admin.TabularInline):
    model = ExternalLayer
    extra = 0


@admin.register(Proceeding)
class ProceedingAdmin(admin.GISModelAdmin):
    list_display = ["title", "slug", "municipality", "is_demo"]
    prepopulated_fields = {"slug": ["title"]}
    exclude = ["table_pin_hash"]
    inlines = [PhaseInline, CategoryInline, ExternalLayerInline]


@admin.register(ProceedingTemplate)
class ProceedingTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "updated_at"]


@admin.register(Contribution)
class ContributionAdmin(admin.GISModelAdmin):
    list_display = ["pk", "proceeding", "category", "status", "feedback_status", "created_at"]
    list_filter = ["proceeding", "status", "feedback_status", "source", "is_demo"]
    exclude = ["device_hash"]


admin.site.register(Comment)
admin.site.register(Report)
admin.site.register(ModerationAction)
