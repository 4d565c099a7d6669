from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValidationConfig(AppConfig):
    name = "metropoli.validation"
    label = "validation"
    verbose_name = _("Tree validation")

    def ready(self) -> None:
        from . import rules, tiles  # noqa: F401 - named permissions and the "flagged_trees" layer
