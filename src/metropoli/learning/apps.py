from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "metropoli.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from metropoli.validation.selectors import read_levels_with

        from . import rules  # noqa: F401 - named permissions
        from .selectors import level_of

        read_levels_with(level_of)  # Treender's cards show the recorder's level
