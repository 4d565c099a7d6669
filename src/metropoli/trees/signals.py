"""Every saved or deleted site, tree or species changes what the map draws.

Signals rather than calls in the services so that the admin and data migrations count too.
Each one refreshes the map points (trees/mappoints.py) in the writer's transaction and raises
the "trees" layer's version when that transaction commits (maps/versions.py). Bulk paths,
which send no signals, rebuild both at the end (services.rebuild_cells).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from metropoli.maps import versions

from . import mappoints
from .models import PlantingSite, Species, Tree

LAYER = "trees"


@receiver(post_save, sender=Tree)
def _tree_saved(sender, instance: Tree, raw: bool = False, **kwargs) -> None:
    if not raw:
        mappoints.refresh(tree_ids=[instance.pk])
    versions.changed(LAYER)


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
