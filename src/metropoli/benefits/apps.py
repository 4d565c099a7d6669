from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "metropoli.benefits"
    label = "benefits"
    verbose_name = _("Tree eco-benefits")

    def ready(self) -> None:
        from metropoli.trees.models import Tree

        # The one signal of the app (docs/decisions/0033-benefits-summary-cube.md): a change
        # of a tree's condition, which the trees services do not report to the benefits hook,
        # must move its stored result in the rollups within the same transaction.
        post_save.connect(_tree_saved, sender=Tree, dispatch_uid="benefits_tree_saved")


def _tree_saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if created or raw or (update_fields is not None and "condition" not in update_fields):
        return
    from . import services

    services.tree_saved(tree=instance)
