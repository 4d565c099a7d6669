from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreesConfig(AppConfig):
    name = "metropoli.trees"
    label = "trees"
    verbose_name = _("Trees")

    def ready(self) -> None:
        from . import tiles  # noqa: F401 - registers the "trees" map layer
