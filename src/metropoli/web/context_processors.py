from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# The navigation: one entry per module, in the order the institute presents them.
MODULES = [
    ("trees:home", pgettext_lazy("module name", "Trees"), _("Map and value the urban forest")),
    ("markets:home", _("Markets"), _("Municipal markets online")),
    ("participation:home", _("Participate"), _("Map-based consultations")),
    ("cooperation:home", _("Cooperation"), _("International cooperation registry")),
]


def _language_name(code: str) -> str:
    """The language's own name, without the country: «Español», «English»."""
    for candidate in (code.split("-")[0], code):
        try:
            return get_language_info(candidate)["name_local"].capitalize()
        except KeyError:
            continue
    return code


def platform(request):
    return {
        "platform_name": settings.METROPOLI["PLATFORM_NAME"],
        "institute_name": settings.METROPOLI["INSTITUTE_NAME"],
        "basemap_tiles": settings.METROPOLI["BASEMAP_TILES"],
        "basemap_attribution": settings.METROPOLI["BASEMAP_ATTRIBUTION"],
        "map_center": ",".join(str(c) for c in settings.METROPOLI["MAP_CENTER"]),
        "map_zoom": settings.METROPOLI["MAP_ZOOM"],
        # The switcher offers the other languages, each one tap away, named in itself.
        "other_languages": [
            {"code": code, "name": _language_name(code)}
            for code, _name in settings.LANGUAGES
            if code != get_language()
        ],
        "nav_modules": [
            {"url": reverse(name), "label": label, "summary": summary, "name": name}
            for name, label, summary in MODULES
        ],
    }
