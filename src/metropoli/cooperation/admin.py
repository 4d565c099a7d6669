"""Admin for what the office edits rarely (networks, awards, opportunities, documents).

Projects (and their partners, amounts, milestones, instruments, results and documents) are
edited through the office's own forms, whose services validate and write the change history;
the admin shows projects read-only with their history so nothing bypasses either.
"""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from metropoli.common.admin import changed_fields
from metropoli.common.models import ChangeRecord

from .models import (
    Award,
    NetworkMembership,
    Opportunity,
    Organisation,
    Project,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "iati_ref", "org_type", "country")
    list_filter = ("org_type",)
    search_fields = ("name", "name_en", "iati_ref")


class ChangeInline(GenericTabularInline):
    """The project's history (common.ChangeRecord, decision 0090), read only."""

    model = ChangeRecord
    ct_field, ct_fk_field = "content_type", "object_id"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("changed_at", "changed_by", "action", changed_fields)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "stage", "is_public", "updated_at")
    list_filter = ("stage", "is_public", "scheme", "institute_role")
    search_fields = ("code", "title", "summary")
    inlines = (ChangeInline,)

    def has_add_permission(self, request):
        return False

    readonly_fields = [f.name for f in Project._meta.fields] + ["municipalities"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "deadline", "status", "owner")
    list_filter = ("kind", "status")
    search_fields = ("title", "organiser")
    date_hierarchy = "deadline"
    autocomplete_fields = ("owner",)


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ("network", "member", "since", "focal_point")
    search_fields = ("network",)


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "status", "project")
    list_filter = ("status", "year")
