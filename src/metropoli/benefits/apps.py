from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "metropoli.benefits"
    label = "benefits"
    verbose_name = _("Tree eco-benefits")

    def ready(self) -> None:
        from metropoli.trees.species import check_itree_codes_with

        from . import data, receivers  # noqa: F401 - receivers: the trees app's news

        # The species catalogue's form accepts only i-Tree codes these tables have curves for.
        check_itree_codes_with(data.itree_codes)
