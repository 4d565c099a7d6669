from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "metropoli.benefits"
    label = "benefits"
    verbose_name = _("Tree eco-benefits")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - the trees app's news (trees_changed)
