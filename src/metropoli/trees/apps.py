from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreesConfig(AppConfig):
    name = "metropoli.trees"
    label = "trees"
    verbose_name = _("Trees")

    def ready(self) -> None:
        from . import signals, tiles  # noqa: F401 - the "trees" map layer and its version
