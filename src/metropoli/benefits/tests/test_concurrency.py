"""Changes of trees racing their recomputes keep the rollups equal to a recount.

Runs real parallel transactions. The tasks run when each transaction commits (the test
settings' immediate backend).
"""

from decimal import Decimal

import pytest

from metropoli.benefits import results
from metropoli.benefits.models import TreeBenefit
from metropoli.common.testing import run_in_parallel
from metropoli.trees import services as tree_services
from metropoli.trees.models import Tree
from metropoli.trees.selectors import TreeFilters

from .test_summary_cube import _rollups, assert_summary_is_exact

pytestmark = pytest.mark.django_db(transaction=True)


def test_edits_deletes_and_recomputes_at_once(itree, plant, municipalities):
    trees = [plant(code, dbh) for code, dbh in [("JAMI", "30"), ("FRUH", "12")] * 4]
    results.recompute_all()
    ids = [t.pk for t in trees]

    def edit(tree, changes):
        return lambda: tree_services.update_tree(tree=tree, changed_by=None, changes=changes)

    outcomes = run_in_parallel(
        [
            edit(trees[0], {"condition": "good"}),
            edit(trees[1], {"condition": "good"}),
            edit(trees[2], {"dbh_cm": "45.5"}),
            edit(trees[3], {"lon": -103.40, "lat": 20.70}),
            lambda: tree_services.delete_tree(tree=trees[4], deleted_by=None),
            edit(trees[5], {"species_code": "JAMI", "condition": "poor"}),
            # Map cells and rollups of the same municipality, locked in one order by all.
            edit(trees[6], {"condition": "dead", "lon": -103.36, "lat": 20.68}),
            edit(trees[7], {"lon": -103.34, "lat": 20.66}),
            lambda: results.recompute_trees(tree_ids=ids),
            lambda: results.recompute_trees(tree_ids=ids),
        ]
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert not TreeBenefit.objects.filter(in_rollup=False).exists()
    assert TreeBenefit.objects.count() == Tree.objects.count() == 7
    assert TreeBenefit.objects.get(tree=trees[6]).condition == "dead"
    incremental = _rollups()
    results.rebuild_rollup()
    assert _rollups() == incremental
    for filters in (
        TreeFilters(),
        TreeFilters(conditions=("good", "poor")),
        TreeFilters(dbh_min=Decimal("40")),
        TreeFilters(bbox=(-103.5, 20.6, -103.3, 20.75)),
    ):
        assert_summary_is_exact(filters)
