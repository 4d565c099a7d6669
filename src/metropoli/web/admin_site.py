"""Django's admin as Metrópoli uses it (decision 0079): for platform administrators only, in
Spanish, and with the map widget's OpenLayers served from our own origin.

* ``PlatformAdminSite`` lets in active platform administrators (superusers or holders of the
  platform-admin role); anyone else who is signed in gets 403 with the reason. Anonymous people
  get the admin's sign-in page, which accepts active staff flagged ``is_staff``; platform
  administrators by role alone sign in on the product's page and then open /admin/.
* Every ModelAdmin registered on it draws geometries with ``MapWidget``: Django's OpenLayers
  widget with OpenLayers vendored by ``make vendor`` (Django loads it from a CDN) and the
  product's basemap (METROPOLI_BASEMAP_TILES) instead of OpenStreetMap's servers.
"""

from __future__ import annotations

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.forms.widgets import OSMWidget
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metropoli.territory.selectors import is_platform_admin


class MapWidget(OSMWidget):
    """Django's admin map without any third-party asset (template: gis/openlayers-osm.html)."""

    # The map opens on the metropolitan area (METROPOLI_MAP_CENTER), a little closer than the
    # product's maps (METROPOLI_MAP_ZOOM) so that a municipal seat or a market can be placed.

    class Media:
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        lon, lat = settings.METROPOLI["MAP_CENTER"]
        context.update(
            default_lon=lon, default_lat=lat, default_zoom=settings.METROPOLI["MAP_ZOOM"] + 2
        )
        context["basemap_tiles"] = settings.METROPOLI.get("BASEMAP_TILES") or ""
        context["basemap_attribution"] = settings.METROPOLI.get("BASEMAP_ATTRIBUTION") or ""
        return context


def _refusal(request):
    """403 in the product's own page, saying why, in the person's language."""
    message = _("Only platform administrators can open the administration.")
    return render(request, "web/error.html", {"message": message}, status=403)


def _with_map_widget(admin_class):
    """``admin_class`` (a ModelAdmin or an inline) drawing every geometry with MapWidget."""
    overrides = {**admin_class.formfield_overrides, GeometryField: {"widget": MapWidget}}
    attributes = {
        "formfield_overrides": overrides,
        "inlines": [_with_map_widget(inline) for inline in getattr(admin_class, "inlines", [])],
        "__module__": admin_class.__module__,
        "__doc__": admin_class.__doc__,
    }
    if issubclass(admin_class, GISModelAdmin):
        attributes["gis_widget"] = MapWidget
    return type(admin_class.__name__, (admin_class,), attributes)


class PlatformAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Metrópoli administration")
    site_title = gettext_lazy("Metrópoli administration")
    index_title = gettext_lazy("Platform administration")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and is_platform_admin(user))

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(
            model_or_iterable, _with_map_widget(admin_class or admin.ModelAdmin), **options
        )

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            # Anonymous people go to the admin's sign-in page (Django's own redirect).
            signed_in = request.user.is_authenticated and request.path != reverse("admin:logout")
            if signed_in and not self.has_permission(request):
                return _refusal(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            return _refusal(request)
        return super().login(request, extra_context)


def translate_task_results_admin() -> None:
    """django_tasks_db's admin names two columns in English, outside any catalogue."""
    from django_tasks_db.admin import DBTaskResultAdmin
    from django_tasks_db.models import DBTaskResult

    class TaskResultAdmin(DBTaskResultAdmin):
        @admin.display(description=gettext_lazy("traceback"))
        def formatted_traceback(self, obj):
            return super().formatted_traceback(obj)

        @admin.display(description=gettext_lazy("run after"))
        def display_run_after(self, obj):
            return super().display_run_after(obj)

        @admin.display(description=gettext_lazy("task"))
        def task_name(self, obj):
            return obj.task_name

    site = admin.site
    if site.is_registered(DBTaskResult):
        site.unregister(DBTaskResult)
        site.register(DBTaskResult, TaskResultAdmin)
