from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "metropoli.territory"
    label = "territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from . import tiles  # noqa: F401 - registers the municipalities map layer
