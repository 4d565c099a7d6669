"""Demo data of the tree module: the species catalogue and a few dozen Guadalajara trees.

The local AMG species always load (they are ours, in data/amg_species.csv). OpenTreeMap's
species list is read from ../shared/itree/otm_species.csv when that folder is present
(settings.TREES_SHARED_DIR); it is third-party data and stays outside the repository.
Demo trees are synthetic ([gen]): plausible species, sizes and places, not a real survey.
"""

from django.conf import settings

from . import inventory
from .models import Source, Tree

DEMO_TREES = 60


def load(stdout=None) -> None:
    otm_csv = settings.TREES_SHARED_DIR / "itree" / "otm_species.csv"
    created, _updated = inventory.load_species(otm_csv=otm_csv if otm_csv.is_file() else None)
    added = 0
    if not Tree.objects.filter(source=Source.SYNTHETIC).exists():
        added = inventory.synthesize(count=DEMO_TREES, seed=2018)
    if stdout is not None:
        stdout.write(f"trees: {created} species and {added} synthetic demo trees added")
