from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from metropoli.common.admin import ReadOnlyModelAdmin

from .models import PlantingSite, Species, Tree, TreePhoto


@admin.register(Species)
class SpeciesAdmin(admin.ModelAdmin):
    list_display = ("code", "scientific_name", "common_name_es", "is_local", "itree_code")
    list_filter = ("is_local",)
    search_fields = ("code", "scientific_name", "common_name_es", "other_names_es")


@admin.register(PlantingSite)
class PlantingSiteAdmin(GISModelAdmin):
    list_display = ("pk", "municipality", "site_type", "address", "colonia")
    list_filter = ("municipality", "site_type")
    search_fields = ("address", "colonia")


class PhotoInline(admin.TabularInline):
    model = TreePhoto
    extra = 0
    fields = ("image", "thumbnail", "original_format", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(Tree)
class TreeAdmin(ReadOnlyModelAdmin):
    # Changes go through the API and the services (they keep history and map cells);
    # the admin is for looking.
    list_display = ("pk", "species", "dbh_cm", "condition", "validation_state", "recorded_at")
    list_filter = ("validation_state", "condition", "source")
    search_fields = ("species__scientific_name", "species__common_name_es", "external_id")
    inlines = [PhotoInline]
