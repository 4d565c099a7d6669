"""The summary read from the rollups equals the sum of the per-tree rows, for any filter."""

import math
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metropoli.benefits import results, services
from metropoli.benefits.calculation import GROUP_COLUMNS, MONEY_COLUMNS
from metropoli.benefits.cover import FINEST_LEVEL, LEVELS, MARGIN, cover
from metropoli.benefits.models import (
    ROLLUP_SUMS,
    BenefitCellRollup,
    BenefitDbhRollup,
    BenefitRollup,
    TreeBenefit,
)
from metropoli.benefits.rollup import SUMS
from metropoli.benefits.selectors import SUM_COLUMNS, summarise
from metropoli.common.geo import tile_xy
from metropoli.trees import services as tree_services
from metropoli.trees.models import Condition, Tree
from metropoli.trees.selectors import TreeFilters, filter_trees

pytestmark = pytest.mark.django_db

# Where the test trees stand: around Guadalajara's centre and out to Zapopan and Tlaquepaque.
AREA = (-103.45, 20.60, -103.28, 20.74)
CODES = ["JAMI", "FRUH", "FIBE", "AMG-TEST", None]
CONDITIONS = [c for c, _label in Condition.choices]
# On and beside the edges of the whole-centimetre DBH classes, and unknown.
DBHS = [None, "3.0", "29.9", "30.0", "30.1", "30.9", "31.0", "45.5", "59.9", "60.0", "60.1", "150"]


def test_rollups_keep_the_columns_of_the_calculation():
    assert ROLLUP_SUMS == SUMS == (*GROUP_COLUMNS, *MONEY_COLUMNS)
    assert set(SUM_COLUMNS) == set(ROLLUP_SUMS)


# --- the cover of a bounding box (pure) --------------------------------------------------------

boxes = st.tuples(
    st.floats(AREA[0] - 0.05, AREA[2]),
    st.floats(AREA[1] - 0.05, AREA[3]),
    st.floats(0.0005, 0.25),
    st.floats(0.0005, 0.25),
).map(lambda b: (b[0], b[1], b[0] + b[2], b[1] + b[3]))


@settings(max_examples=200, deadline=None)
@given(box=boxes, points=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), max_size=40))
def test_a_point_of_the_box_is_in_a_cell_inside_or_on_its_edges_never_both(box, points):
    found = cover(box)
    west, south, east, north = box

    def within(cells, x, y):
        return cells.x0 <= x <= cells.x1 and cells.y0 <= y <= cells.y1

    if found.finest is None:
        assert found.parts == () and len(found.edges) == 1
    else:
        # The parts are the finest rectangle, each finest cell exactly once.
        f = found.finest
        seen = set()
        area = (f.x1 - f.x0 + 1) * (f.y1 - f.y0 + 1)
        for cells, taken in found.parts:
            fine = cells.at(FINEST_LEVEL)
            assert f.x0 <= fine.x0 and fine.x1 <= f.x1 and f.y0 <= fine.y0 and fine.y1 <= f.y1
            if area > 20_000:
                continue
            shift = FINEST_LEVEL - cells.level
            for x in range(cells.x0, cells.x1 + 1):
                for y in range(cells.y0, cells.y1 + 1):
                    if taken is not None and within(taken, x, y):
                        continue
                    for fx in range(x << shift, (x + 1) << shift):
                        for fy in range(y << shift, (y + 1) << shift):
                            assert (fx, fy) not in seen
                            seen.add((fx, fy))
        assert area > 20_000 or len(seen) == area
        # Cells inside have their edges inside the box by the margin.
        side = 1 << FINEST_LEVEL
        assert f.x0 / side * 360 - 180 >= west + MARGIN * 0.999
        assert (f.x1 + 1) / side * 360 - 180 <= east - MARGIN * 0.999
        top = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * f.y0 / side))))
        bottom = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (f.y1 + 1) / side))))
        assert top <= north - MARGIN * 0.999 and bottom >= south + MARGIN * 0.999
    # Every point of the box (its corners and edges too) is filed in exactly one of: the
    # cells inside, the cells of the edges.
    corners = [(west, south), (east, north), (west, north), (east, south)]
    inner = [(west + u * (east - west), south + v * (north - south)) for u, v in points]
    for lon, lat in corners + inner:
        x, y = tile_xy(lon, lat, FINEST_LEVEL)
        places = [found.finest] if found.finest is not None else []
        places += found.edges
        assert sum(within(cells, x, y) for cells in places) == 1


def test_no_cell_inside_a_tiny_box_and_the_levels_of_a_large_one():
    tiny = cover((-103.35, 20.67, -103.3499, 20.6701))
    assert tiny.finest is None and len(tiny.edges) == 1
    large = cover((-103.6, 20.4, -103.1, 20.9))
    assert [cells.level for cells, _taken in large.parts] == list(LEVELS)
    assert len(large.edges) == 4


# --- the summary over a changing inventory ------------------------------------------------------


def _register(rng, **values):
    return tree_services.register_tree(
        lon=values.pop("lon", rng.uniform(AREA[0], AREA[2])),
        lat=values.pop("lat", rng.uniform(AREA[1], AREA[3])),
        recorded_by=None,
        species_code=values.pop("species_code", rng.choice(CODES)),
        dbh_cm=values.pop("dbh_cm", rng.choice(DBHS)),
        condition=values.pop("condition", rng.choice(CONDITIONS)),
    ).tree


def _inventory(seed: int, django_capture_on_commit_callbacks) -> list[Tree]:
    """Trees computed and stored; then changes of every kind, some of them recomputed, some
    still waiting for their recompute (as between a change and its background task)."""
    rng = random.Random(seed)
    # Clusters make cells with several trees; the rest spread over the area.
    centres = [(-103.35, 20.675), (-103.39, 20.72), (-103.31, 20.64)]
    trees = []
    for i in range(150):
        if i % 3:
            cx, cy = rng.choice(centres)
            trees.append(_register(rng, lon=rng.gauss(cx, 0.01), lat=rng.gauss(cy, 0.01)))
        else:
            trees.append(_register(rng))
    results.recompute_all()
    live = list(trees)

    def change(tree):
        kind = rng.choice(["dbh", "condition", "species", "move", "moved ill", "delete", "add"])
        if kind == "delete":
            tree_services.delete_tree(tree=tree, deleted_by=None)
            live.remove(tree)
        elif kind == "add":
            live.append(_register(rng))
        else:
            changes = {
                "dbh": {"dbh_cm": rng.choice(DBHS)},
                "condition": {"condition": rng.choice(CONDITIONS)},
                "species": {"species_code": rng.choice(CODES)},
                "move": {
                    "lon": rng.uniform(AREA[0], AREA[2]),
                    "lat": rng.uniform(AREA[1], AREA[3]),
                },
                "moved ill": {
                    "lon": rng.uniform(AREA[0], AREA[2]),
                    "lat": rng.uniform(AREA[1], AREA[3]),
                    "condition": rng.choice(CONDITIONS),
                    "dbh_cm": rng.choice(DBHS),
                },
            }[kind]
            tree_services.update_tree(tree=tree, changed_by=None, changes=changes)

    for n in range(24):
        tree = rng.choice(live)
        if n % 2:
            with django_capture_on_commit_callbacks(execute=True):
                change(tree)
        else:
            change(tree)  # the recompute task never runs
    return live


def _expected(filters: TreeFilters):
    """Straight from the rows: the filtered trees (by their current values) joined to their
    stored rows, summed in Python."""
    trees = list(filter_trees(filters).values_list("pk", "site__municipality_id", "species_id"))
    rows = {b.tree_id: b for b in TreeBenefit.objects.filter(tree_id__in=[t[0] for t in trees])}
    overall = [0, {}, dict.fromkeys(SUM_COLUMNS, 0.0)]
    by_species: dict = {}
    by_municipality: dict = {}
    for pk, municipality_id, species_id in trees:
        row = rows.get(pk)
        if row is None:
            continue
        for bucket in (
            overall,
            by_species.setdefault(species_id, [0, {}, dict.fromkeys(SUM_COLUMNS, 0.0)]),
            by_municipality.setdefault(municipality_id, [0, {}, dict.fromkeys(SUM_COLUMNS, 0.0)]),
        ):
            bucket[0] += 1
            if row.status:
                bucket[1][row.status] = bucket[1].get(row.status, 0) + 1
            for column in SUM_COLUMNS:
                bucket[2][column] += getattr(row, column) or 0.0
    return overall, by_species, by_municipality


def _close(a: dict, b: dict) -> bool:
    return all(math.isclose(a.get(c, 0.0), b[c], rel_tol=1e-9, abs_tol=1e-6) for c in b)


def assert_summary_is_exact(filters: TreeFilters):
    summary = summarise(filters)
    overall, by_species, by_municipality = _expected(filters)
    assert (summary.overall.total, summary.overall.statuses) == (overall[0], overall[1])
    assert _close(summary.overall.sums, overall[2])
    species_keys = {(b.key if b.key != "unknown" else None): b for b in summary.by_species}
    codes = dict(
        Tree.objects.filter(species__isnull=False).values_list("species_id", "species__code")
    )
    assert {b.key for b in summary.by_species} == {
        codes.get(k, "unknown") if k else "unknown" for k in by_species
    }
    for species_id, (total, statuses, sums) in by_species.items():
        bucket = species_keys[codes[species_id] if species_id else None]
        assert (bucket.total, bucket.statuses) == (total, statuses)
        assert _close(bucket.sums, sums)
    municipalities = {b.label: b for b in summary.by_municipality}
    from metropoli.territory.models import Municipality

    names = dict(Municipality.objects.values_list("pk", "name"))
    assert set(municipalities) == {names[m] for m in by_municipality}
    for municipality_id, (total, statuses, sums) in by_municipality.items():
        bucket = municipalities[names[municipality_id]]
        assert (bucket.total, bucket.statuses) == (total, statuses)
        assert _close(bucket.sums, sums)


def _decimal(draw_value: int, places: int) -> Decimal:
    return Decimal(draw_value).scaleb(-places)


@st.composite
def tree_filters(draw, municipality_ids, species_ids, points):
    values: dict = {}
    if draw(st.integers(0, 2)) == 0:
        values["municipality_ids"] = tuple(
            draw(st.lists(st.sampled_from(municipality_ids), min_size=1, max_size=2, unique=True))
        )
    if draw(st.integers(0, 3)) == 0:
        values["species_ids"] = tuple(
            draw(st.lists(st.sampled_from(species_ids), max_size=2, unique=True))
        )
        values["unknown_species"] = draw(st.booleans()) or not values["species_ids"]
    if draw(st.integers(0, 2)) == 0:
        values["conditions"] = tuple(
            draw(st.lists(st.sampled_from(CONDITIONS), min_size=2, max_size=4, unique=True))
        )
    if draw(st.booleans()):
        places = draw(st.integers(0, 2))
        scale = 10**places
        low = draw(st.one_of(st.none(), st.integers(0, 70 * scale)))
        high = draw(st.one_of(st.none(), st.integers(0, 160 * scale)))
        if low is not None and high is not None and low > high:
            low, high = high, low
        values["dbh_min"] = None if low is None else _decimal(low, places)
        values["dbh_max"] = None if high is None else _decimal(high, places)
    if draw(st.booleans()):
        # Around a tree, from a few of its neighbours to most of the trees.
        lon, lat = draw(st.sampled_from(points))
        half = draw(st.sampled_from([0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.3]))
        dx, dy = draw(st.floats(-1, 1)), draw(st.floats(-1, 1))
        aspect = draw(st.floats(0.5, 2))
        west, south = lon - half * (1 + dx), lat - half * aspect * (1 + dy)
        values["bbox"] = (west, south, west + 2 * half, south + 2 * half * aspect)
    if draw(st.integers(0, 5)) == 0:
        values["since"] = datetime(2000, 1, 1, tzinfo=UTC)
    return TreeFilters(**values)


def _check_many(municipalities, count: int):
    municipality_ids = [m.pk for m in municipalities.values()]
    species_ids = list(
        Tree.objects.exclude(species=None).values_list("species_id", flat=True).distinct()
    )
    points = [(p.x, p.y) for p in Tree.objects.values_list("site__location", flat=True)]

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(filters=tree_filters(municipality_ids, species_ids, points))
    def check(filters):
        assert_summary_is_exact(filters)

    check()


def test_summary_equals_the_rows_for_any_filter_while_changes_wait(
    itree, species, municipalities, django_capture_on_commit_callbacks
):
    _inventory(7, django_capture_on_commit_callbacks)
    assert TreeBenefit.objects.filter(in_rollup=False).exists()  # some results wait
    for filters in (
        TreeFilters(),
        TreeFilters(conditions=("good",)),
        TreeFilters(dbh_min=Decimal("30"), dbh_max=Decimal("60")),
        TreeFilters(bbox=(-103.40, 20.64, -103.32, 20.70)),
        TreeFilters(bbox=(-103.6, 20.4, -103.1, 20.9), conditions=("fair", "good")),
        TreeFilters(bbox=(-103.40, 20.64, -103.32, 20.70), dbh_min=Decimal("30.05")),
        TreeFilters(dbh_min=Decimal("1E+1000")),
        TreeFilters(dbh_max=Decimal("-5")),
        TreeFilters(dbh_min=Decimal("30.95"), dbh_max=Decimal("30.99")),
    ):
        assert_summary_is_exact(filters)
    _check_many(municipalities, 100)


def test_summary_equals_the_rows_once_every_recompute_ran(
    itree, species, municipalities, django_capture_on_commit_callbacks
):
    live = _inventory(11, django_capture_on_commit_callbacks)
    waiting = list(TreeBenefit.objects.filter(in_rollup=False).values_list("tree_id", flat=True))
    results.recompute_trees(tree_ids=waiting)
    assert not TreeBenefit.objects.filter(in_rollup=False).exists()
    assert TreeBenefit.objects.count() == len(live) == Tree.objects.count()
    _check_many(municipalities, 50)


def _rollups():
    def rows(model, keys):
        return {
            tuple(getattr(r, k) for k in keys): (r.trees, *(round(getattr(r, c), 6) for c in SUMS))
            for r in model.objects.all()
        }

    base = ("municipality_id", "species_key", "status", "condition")
    return (
        rows(BenefitRollup, base),
        rows(BenefitDbhRollup, (*base, "dbh_class")),
        rows(BenefitCellRollup, ("level", "x", "y", "municipality_id", "species_key", "status")),
    )


def test_rollups_kept_by_every_change_equal_a_recount(
    itree, species, municipalities, django_capture_on_commit_callbacks
):
    _inventory(3, django_capture_on_commit_callbacks)
    incremental = _rollups()
    assert all(incremental)
    results.rebuild_rollup()
    assert _rollups() == incremental
    counted = TreeBenefit.objects.filter(in_rollup=True).count()
    for table in incremental[:2]:
        assert sum(v[0] for v in table.values()) == counted
    for level in LEVELS:
        assert sum(v[0] for k, v in incremental[2].items() if k[0] == level) == counted


def test_a_change_of_condition_leaves_the_rollups_at_once(
    itree, plant, django_capture_on_commit_callbacks
):
    tree = plant("JAMI", "30")
    results.recompute_all()
    good = TreeFilters(conditions=("good",))
    assert summarise(good).overall.total == 0
    with django_capture_on_commit_callbacks() as callbacks:
        tree_services.update_tree(tree=tree, changed_by=None, changes={"condition": "good"})
    # The task has not run: the row waits out of the rollups and still counts, as "good".
    assert TreeBenefit.objects.get(tree=tree).in_rollup is False
    assert summarise(good).overall.computed == 1
    assert not BenefitRollup.objects.filter(condition="unknown").exists()
    for callback in callbacks:
        callback()
    stored = TreeBenefit.objects.get(tree=tree)
    assert (stored.in_rollup, stored.condition) == (True, "good")
    assert BenefitRollup.objects.get().condition == "good"
    assert summarise(good).overall.computed == 1


def test_a_deleted_tree_leaves_every_summary_before_its_task_runs(
    itree, plant, django_capture_on_commit_callbacks
):
    kept, gone = plant("JAMI", "30"), plant("FRUH", "40")
    results.recompute_all()
    tree_services.delete_tree(tree=gone, deleted_by=None)  # its task never runs
    for filters in (
        TreeFilters(),
        TreeFilters(dbh_min=Decimal("35")),
        TreeFilters(bbox=(-103.5, 20.5, -103.2, 20.8)),
    ):
        summary = summarise(filters)
        assert summary.overall.total == (1 if filters.dbh_min is None else 0)
    assert TreeBenefit.objects.filter(tree_id=gone.pk, in_rollup=False).exists()
    results.recompute_trees(tree_ids=[gone.pk])
    assert list(TreeBenefit.objects.values_list("tree_id", flat=True)) == [kept.pk]


def test_a_new_tree_counts_as_pending_until_computed(itree, plant):
    plant("JAMI", "30")  # its task never runs
    for filters in (TreeFilters(), TreeFilters(dbh_min=Decimal("20"), conditions=("unknown",))):
        summary = summarise(filters)
        assert (summary.overall.total, summary.overall.computed, summary.overall.pending) == (
            1,
            0,
            1,
        )


def test_a_species_override_keeps_the_rows_in_the_rollups(
    itree, plant, guadalajara, species, django_capture_on_commit_callbacks
):
    tree = plant("AMG-TEST", "25")
    results.recompute_all()
    with django_capture_on_commit_callbacks() as callbacks:
        services.set_species_override(
            municipality=guadalajara,
            species=species["AMG-TEST"],
            itree_code="BDL OTHER",
            changed_by=None,
        )
    assert TreeBenefit.objects.get(tree=tree).in_rollup is True  # keys unchanged
    for callback in callbacks:
        callback()
    assert BenefitRollup.objects.get().status == "ok"
    incremental = _rollups()
    results.rebuild_rollup()
    assert _rollups() == incremental


def test_date_and_validation_filters_are_exact_both_ways(
    itree, species, municipalities, django_capture_on_commit_callbacks
):
    """Tree-only filters: answered directly, or as "without the filter" minus the trees it
    leaves out, whichever reads fewer rows; both must equal the rows."""
    trees = _inventory(11, django_capture_on_commit_callbacks)
    rng = random.Random(5)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for tree in Tree.objects.all():
        Tree.objects.filter(pk=tree.pk).update(
            recorded_at=base + timedelta(days=rng.randint(0, 700)),
            validation_state=rng.choice(["submitted", "validated", "validated", "rejected"]),
        )
    assert trees
    moments = [base + timedelta(days=d) for d in (-1, 30, 200, 350, 690, 800)]
    for since in (None, *moments):
        for until in (None, *moments):
            assert_summary_is_exact(TreeFilters(since=since, until=until))
    for states in (("validated",), ("submitted",), ("submitted", "rejected"), ("validated",)):
        assert_summary_is_exact(TreeFilters(validation_states=states))
    by_municipality = tuple(municipalities[code].pk for code in ("14039",))
    assert_summary_is_exact(
        TreeFilters(since=moments[1], municipality_ids=by_municipality, conditions=("good",))
    )
    assert_summary_is_exact(TreeFilters(validation_states=("validated",), dbh_min=Decimal(20)))
    assert_summary_is_exact(
        TreeFilters(since=moments[2], bbox=(-103.40, 20.62, -103.30, 20.70), dbh_max=Decimal(50))
    )
