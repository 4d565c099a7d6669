"""What the trees app hears (Django's model signals) and the news it tells (`trees_changed`).

Every saved or deleted site, tree or species changes what the map draws. Signals rather than
calls in the services so that the admin and data migrations count too. Each one refreshes the
map points (trees/mappoints.py) in the writer's transaction and raises the "trees" layer's
version when that transaction commits (maps/versions.py). Bulk paths, which send no signals,
rebuild both at the end (services.rebuild_cells).

Modules built on trees (eco-benefits) learn of changes only through `trees_changed`: the trees
app imports none of them (docs/decisions/0052-app-layers-and-import-graph.md).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from metropoli.maps import versions

from . import mappoints
from .models import PlantingSite, Species, Tree

LAYER = "trees"

trees_changed = Signal()
"""Sent with ``sender=Tree`` inside the writer's transaction (receivers change their own rows in
it, holding the trees' row locks), with ``tree_ids`` (a list of ids) and ``saved``:

* ``saved=None``: the trees services (and bulk imports) say that these trees were created,
  changed species, DBH, place or municipality, or are about to be deleted;
* ``saved=<Tree>``: this existing tree's row was saved by anyone (the services, the admin, a data
  fix), with Django's ``update_fields``: receivers compare it with what they stored.
"""


def announce(tree_ids: list[int]) -> None:
    """Tell `trees_changed` that these trees were created, re-measured, moved or are going."""
    if tree_ids:
        trees_changed.send(sender=Tree, tree_ids=list(tree_ids), saved=None)


@receiver(post_save, sender=Tree)
def _tree_saved(
    sender, instance: Tree, created: bool = False, raw: bool = False, update_fields=None, **kwargs
) -> None:
    if not raw:
        mappoints.refresh(tree_ids=[instance.pk])
    versions.changed(LAYER)
    if not (raw or created):
        trees_changed.send(
            sender=Tree, tree_ids=[instance.pk], saved=instance, update_fields=update_fields
        )


@receiver(post_save, sender=PlantingSite)
def _site_saved(sender, instance: PlantingSite, created: bool, raw: bool = False, **kwargs):
    if not (raw or created):  # a new site has no tree yet; the tree's save draws it
        mappoints.refresh(site_id=instance.pk)
    versions.changed(LAYER)


@receiver(post_save, sender=Species)
def _species_saved(sender, instance: Species, created: bool, raw: bool = False, **kwargs):
    if not (raw or created):
        mappoints.species_changed(instance)
    versions.changed(LAYER)


@receiver(post_delete, sender=Tree)
@receiver(post_delete, sender=PlantingSite)
@receiver(post_delete, sender=Species)
def _removed(sender, **kwargs) -> None:
    versions.changed(LAYER)  # the tree's map point goes with it (on_delete=CASCADE)
