"""A species' i-Tree code corrected in the catalogue (trees.species.update_species) recomputes
the eco-benefits of its trees, through the same news as a tree whose species changed."""

import pytest

from metropoli.benefits import results
from metropoli.benefits.models import TreeBenefit
from metropoli.trees import species as tree_services

pytestmark = pytest.mark.django_db


def recomputes(callbacks) -> int:
    """The recomputes enqueued on commit (the map's version bump is another callback)."""
    return sum("recompute_trees_later" in getattr(c, "__qualname__", "") for c in callbacks)


def test_a_new_itree_code_recomputes_the_species_trees_and_only_them(
    itree, plant, species, django_capture_on_commit_callbacks
):
    unmapped = [plant("AMG-TEST", "25"), plant("AMG-TEST", "40")]
    other = plant("JAMI", "30")
    results.recompute_all()
    assert {TreeBenefit.objects.get(tree=t).status for t in unmapped} == {"no_itree_code"}
    other_before = TreeBenefit.objects.get(tree=other).computed_at

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tree_services.update_species(
            species=species["AMG-TEST"], changed_by=None, changes={"itree_code": "BDL OTHER"}
        )
    assert recomputes(callbacks) == 1  # one recompute, of the species' trees
    for tree in unmapped:
        stored = TreeBenefit.objects.get(tree=tree)
        assert (stored.status, stored.itree_code) == ("ok", "BDL OTHER")
    assert TreeBenefit.objects.get(tree=other).computed_at == other_before


def test_a_change_of_names_recomputes_nothing(
    itree, plant, species, django_capture_on_commit_callbacks
):
    plant("AMG-TEST", "25")
    with django_capture_on_commit_callbacks() as callbacks:
        tree_services.update_species(
            species=species["AMG-TEST"], changed_by=None, changes={"common_name_es": "Prueba"}
        )
    assert recomputes(callbacks) == 0
