from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensorsConfig(AppConfig):
    name = "metropoli.sensors"
    label = "sensors"
    verbose_name = _("Air-quality sensors")

    def ready(self) -> None:
        from . import tiles  # noqa: F401 - registers the "sensors" map layer
