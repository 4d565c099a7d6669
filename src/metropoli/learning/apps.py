from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "metropoli.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from . import rules  # noqa: F401 - named permissions
