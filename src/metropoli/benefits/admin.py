from django.contrib import admin

from . import services
from .data import RATE_FIELDS
from .models import BenefitSettings, SpeciesOverride, TreeBenefit


@admin.register(BenefitSettings)
class BenefitSettingsAdmin(admin.ModelAdmin):
    list_display = ("municipality", "region", "rates_are_defaults", "updated_at")
    readonly_fields = ("rates_are_defaults", "updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        # Through the service: it validates the region and recomputes the municipality's trees.
        saved = services.update_settings(
            municipality=obj.municipality,
            region=obj.region,
            rates={name: getattr(obj, name) for name in RATE_FIELDS},
            changed_by=request.user,
        )
        obj.pk = saved.pk


@admin.register(SpeciesOverride)
class SpeciesOverrideAdmin(admin.ModelAdmin):
    list_display = ("municipality", "species", "itree_code", "updated_at")
    list_filter = ("municipality",)
    raw_id_fields = ("species",)

    def save_model(self, request, obj, form, change):
        saved = services.set_species_override(
            municipality=obj.municipality,
            species=obj.species,
            itree_code=obj.itree_code,
            changed_by=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_species_override(
            municipality=obj.municipality, species=obj.species, changed_by=request.user
        )


@admin.register(TreeBenefit)
class TreeBenefitAdmin(admin.ModelAdmin):
    list_display = ("tree", "status", "region", "itree_code", "money_yearly", "computed_at")
    list_filter = ("status", "region")
    raw_id_fields = ("tree",)

    def has_add_permission(self, request):
        return False  # computed by the platform, never typed in

    def has_change_permission(self, request, obj=None):
        return False
