"""The engine's integer-id fast paths give exactly what the string path gives."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metropoli.common.testing import ITREE_TABLES, need_shared
from metropoli.trees.ecobenefits import (
    compute,
    compute_curves,
    compute_ids,
    compute_tree,
    index_of,
    load_tables,
)


@pytest.fixture(scope="module")
def tables():
    need_shared(ITREE_TABLES, variable="METROPOLI_ITREE_DIR")
    return load_tables(ITREE_TABLES, regions=["InlEmpCLM", "NoEastXXX"])


def _pairs(tables):
    return [(r, c) for r in tables.regions for c in sorted(tables.species_map[r])]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_ids_and_curves_equal_the_string_path(tables, data):
    pairs = _pairs(tables) + [("InlEmpCLM", "NOSUCH"), ("Atlantis", "JAMI")]
    picks = data.draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=40))
    dbh = data.draw(
        st.lists(
            st.floats(min_value=0, max_value=300, allow_nan=False),
            min_size=len(picks),
            max_size=len(picks),
        )
    )
    regions = np.array([p[0] for p in picks])
    codes = np.array([p[1] for p in picks])
    by_string = compute(tables, regions, codes, dbh)
    by_id = compute_ids(
        tables, index_of(tables.region_keys, regions), index_of(tables.species_keys, codes), dbh
    )
    assert np.array_equal(by_string.status, by_id.status)
    assert np.array_equal(by_string.values, by_id.values, equal_nan=True)
    by_curve = compute_curves(tables, by_string.curve, dbh)
    ok = by_string.curve >= 0
    assert np.array_equal(by_curve.values[:, ok], by_string.values[:, ok])
    assert (by_curve.status[~ok] == 1).all()


def test_ids_outside_the_index_are_not_found(tables):
    result = compute_ids(tables, np.array([-1, 999, 0]), np.array([0, 0, 10**6]), [10, 10, 10])
    assert result.status_labels().tolist() == ["invalid_region", "invalid_region", "no_itree_code"]


def test_curve_path_matches_one_tree(tables):
    row = tables.curve_index[("InlEmpCLM", "JAMI")]
    result = compute_curves(tables, np.array([row]), [42.0])
    expected = compute_tree(tables, "InlEmpCLM", "JAMI", 42.0)
    assert {k: v[0] for k, v in result.as_dict().items()} == expected.values
