"""What the eco-benefits hear from the trees app: its one domain signal, `trees_changed`.

Sent inside the writer's transaction, so a changed tree leaves the rollups in it (their totals
never count a result the tree no longer has) and its recompute is enqueued on commit
(docs/decisions/0033-benefits-summary-cube.md, 0052-app-layers-and-import-graph.md).
"""

from django.dispatch import receiver

from metropoli.trees.signals import trees_changed

from . import services


@receiver(trees_changed, dispatch_uid="benefits_trees_changed")
def _trees_changed(sender, tree_ids: list[int], saved=None, update_fields=None, **kwargs) -> None:
    if saved is None:  # created, re-measured, moved or about to be deleted
        services.tree_inputs_changed(tree_ids=tree_ids)
    elif update_fields is None or "condition" in update_fields:
        # Any other save: its condition, a rollup key, may have changed.
        services.tree_saved(tree=saved)
