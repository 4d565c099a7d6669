from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

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

    def save_model(self, request, obj, form, change):
        obj.granted_by = obj.granted_by or request.user
        super().save_model(request, obj, form, change)
