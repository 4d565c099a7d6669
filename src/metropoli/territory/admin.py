from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from . import services
from .models import Municipality, RoleAssignment


@admin.register(Municipality)
class MunicipalityAdmin(GISModelAdmin):
    list_display = ("inegi_code", "name", "active", "boundary_imported_at")
    search_fields = ("name", "inegi_code")
    readonly_fields = ("boundary_source", "boundary_imported_at")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "municipality", "granted_by", "granted_at")
    list_filter = ("role", "municipality")
    search_fields = ("user__email", "user__display_name")
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_by", "granted_at")

    # Roles are given and taken through territory's services, which check who may (decision
    # 0089): an assignment is added or deleted here, never edited in place.
    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("user", "role", "municipality", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing can be changed (every field is read-only)
        assignment = services.grant_role(
            granted_by=request.user, user=obj.user, role=obj.role, municipality=obj.municipality
        )
        obj.pk, obj.granted_by, obj.granted_at = (
            assignment.pk,
            assignment.granted_by,
            assignment.granted_at,
        )

    def delete_model(self, request, obj):
        services.revoke_role(
            revoked_by=request.user, user=obj.user, role=obj.role, municipality=obj.municipality
        )

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "municipality"):
            self.delete_model(request, assignment)
