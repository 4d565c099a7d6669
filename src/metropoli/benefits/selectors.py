"""Reads: one tree's benefits, and database sums for any filtered set of trees."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.contrib.gis.geos import Polygon
from django.db.models import Count, Q, Sum

from metropoli.territory.models import Municipality
from metropoli.trees.models import Species, Tree, ValidationState
from metropoli.trees.selectors import TreeFilters, filter_by_record, filter_trees

from . import data
from .calculation import MONEY_COLUMNS
from .cover import cover
from .models import (
    BenefitCellRollup,
    BenefitDbhRollup,
    BenefitRollup,
    BenefitStatus,
    TreeBenefit,
)
from .units import GROUPS

SUM_COLUMNS = (*(g.column for g in GROUPS), *MONEY_COLUMNS)


def stored_benefit(tree_id: int) -> TreeBenefit | None:
    """The tree's computed result (a row with an empty status waits for its first one)."""
    return TreeBenefit.objects.filter(tree_id=tree_id).exclude(status="").first()


@dataclass
class Bucket:
    """Sums over a set of trees (all of a filter, or one species, or one municipality)."""

    key: object = None
    label: str = ""
    total: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=dict)

    @property
    def computed(self) -> int:
        return self.statuses.get(BenefitStatus.OK, 0)

    @property
    def pending(self) -> int:
        """Trees without a stored result yet (waiting for the background task)."""
        return self.total - sum(self.statuses.values())

    def add(self, total: int, statuses: dict[str, int], sums: dict[str, float]) -> None:
        self.total += total
        for name, count in statuses.items():
            self.statuses[name] = self.statuses.get(name, 0) + count
        for name, value in sums.items():
            self.sums[name] = self.sums.get(name, 0.0) + (value or 0.0)


@dataclass
class Summary:
    overall: Bucket
    by_species: list[Bucket]
    by_municipality: list[Bucket]


def _tree_only(filters: TreeFilters) -> bool:
    """Filters on what only the tree row knows (not kept on its stored result)."""
    return bool(
        filters.validation_states
        or filters.recorded_by_id is not None
        or filters.since
        or filters.until
    )


def _has_dbh(filters: TreeFilters) -> bool:
    return filters.dbh_min is not None or filters.dbh_max is not None


def rollup_answers(filters: TreeFilters) -> bool:
    """True when the coarsest rollup alone has the answer: no filter but municipality,
    species and condition."""
    return not (filters.bbox or _has_dbh(filters) or _tree_only(filters))


# A row of the summary: (municipality id, species id or None, status, trees, sums by column).
Row = tuple[int, int | None, str, int, dict[str, float]]


def _dbh_bounds(filters: TreeFilters) -> tuple[Decimal | None, Decimal | None] | None:
    """The DBH filter as bounds on stored DBHs (one decimal, 0 < DBH <= 1000): the smallest
    and largest DBH in range (clamped to what can be stored), or None when none can be."""
    tenth = Decimal("0.1")
    low = high = None
    if filters.dbh_min is not None:
        low = min(max(filters.dbh_min, Decimal(0)), Decimal(1001))
        low = low.quantize(tenth, rounding=ROUND_CEILING)
    if filters.dbh_max is not None:
        high = max(min(filters.dbh_max, Decimal(1000)), Decimal(-1))
        high = high.quantize(tenth, rounding=ROUND_FLOOR)
    if low is not None and high is not None and low > high:
        return None
    return low, high


def _key_filter(qs, filters: TreeFilters, *, condition: bool = True):
    """Municipality, species (and condition) of a rollup or of stored rows."""
    if filters.municipality_ids:
        qs = qs.filter(municipality_id__in=filters.municipality_ids)
    if filters.species_ids or filters.unknown_species:
        keys = [*filters.species_ids, *([0] if filters.unknown_species else [])]
        qs = qs.filter(species_key__in=keys)
    if condition and filters.conditions:
        qs = qs.filter(condition__in=filters.conditions)
    return qs


def _box(bbox) -> Polygon:
    box = Polygon.from_bbox(bbox)
    box.srid = 4326
    return box


def _stored_filter(qs, filters: TreeFilters, bounds=None):
    """The filters over stored rows counted in the rollups (their keys are the tree's own).
    `bounds` replaces the DBH filter (see _dbh_bounds)."""
    qs = _key_filter(qs, filters)
    if filters.bbox:
        # The same operator as the tree list's filter: the same trees on its edges.
        qs = qs.filter(location__bboverlaps=_box(filters.bbox))
    if bounds is None:
        bounds = _dbh_bounds(filters) if _has_dbh(filters) else (None, None)
        if bounds is None:
            return qs.none()
    low, high = bounds
    if low is not None:
        qs = qs.filter(dbh_cm__gte=float(low))
    if high is not None:
        qs = qs.filter(dbh_cm__lte=float(high))
    return filter_by_record(qs, filters, prefix="tree__")


def _sum_rows(qs, count) -> list[Row]:
    rows = (
        qs.order_by()
        .values("municipality_id", "species_key", "status")
        .annotate(n=count, **{f"s_{c}": Sum(c) for c in SUM_COLUMNS})
    )
    return [
        (
            r["municipality_id"],
            r["species_key"] or None,
            r["status"],
            r["n"],
            {c: r[f"s_{c}"] or 0.0 for c in SUM_COLUMNS},
        )
        for r in rows
    ]


def _stored_rows(qs, filters: TreeFilters, bounds=None) -> list[Row]:
    # COUNT(*), not of the key: the sums can come from an index without the key.
    return _sum_rows(_stored_filter(qs, filters, bounds), Count("*"))


def _stored(filters: TreeFilters, bounds=None) -> list[Row]:
    return _stored_rows(TreeBenefit.objects.filter(in_rollup=True), filters, bounds)


def _rolled(qs) -> list[Row]:
    return _sum_rows(qs, Sum("trees"))


def _dbh_rows(filters: TreeFilters) -> list[Row]:
    """Whole DBH classes from the rollup; the classes cut by a bound from the stored rows."""
    bounds = _dbh_bounds(filters)
    if bounds is None:
        return []
    low, high = bounds
    first = 0 if low is None else int(low.to_integral_value(ROUND_CEILING))
    last = None if high is None else int((high + Decimal("0.1")).to_integral_value(ROUND_FLOOR)) - 1
    if last is not None and first > last:
        return _stored(filters, bounds)
    qs = _key_filter(BenefitDbhRollup.objects.filter(dbh_class__gte=first), filters)
    if last is not None:
        qs = qs.filter(dbh_class__lte=last)
    rows = _rolled(qs)
    if low is not None and low < first:
        rows += _stored(filters, (low, Decimal(first) - Decimal("0.1")))
    if high is not None and Decimal(last + 1) <= high:
        rows += _stored(filters, (Decimal(last + 1), high))
    return rows


def _inside_q(found) -> Q:
    """The cell rollup rows of the cells wholly inside the box (each cell once)."""
    inside = Q()
    for cells, taken in found.parts:
        part = Q(level=cells.level, x__range=(cells.x0, cells.x1), y__range=(cells.y0, cells.y1))
        if taken is not None:
            part &= ~Q(x__range=(taken.x0, taken.x1), y__range=(taken.y0, taken.y1))
        inside |= part
    return inside


def _in_cells(qs, cells):
    """Rows filed in these finest cells: one index range per column of cells (PostgreSQL
    reads them from the index `benefits_cells` alone)."""
    return qs.filter(
        cell_x__in=list(range(cells.x0, cells.x1 + 1)), cell_y__range=(cells.y0, cells.y1)
    )


def _negated(rows: list[Row]) -> list[Row]:
    return [(m, sp, st, -n, {c: -v for c, v in sums.items()}) for m, sp, st, n, sums in rows]


def _bbox_rows(filters: TreeFilters) -> list[Row]:
    """The cells wholly inside the box, then the rows of the cells along its edges.

    Inside: from the cell rollup; when a condition or DBH filter is set (the cell rollup does
    not keep them), from the rows of those cells, which the index `benefits_cells` holds with
    every column the sum needs, or, when most trees are inside, as the answer without the box
    minus the rows of the cells outside. Edges: the rows of the cells the box cuts, each
    tested against the box.
    """
    found = cover(filters.bbox)
    counted = TreeBenefit.objects.filter(in_rollup=True)
    rows: list[Row] = []
    if found.parts:
        inside = _key_filter(
            BenefitCellRollup.objects.filter(_inside_q(found)), filters, condition=False
        )
        if not (filters.conditions or _has_dbh(filters)):
            rows += _rolled(inside)
        else:
            f = found.finest
            unboxed = replace(filters, bbox=None)
            trees_inside = inside.aggregate(n=Sum("trees"))["n"] or 0
            trees_all = (
                _key_filter(BenefitRollup.objects.all(), unboxed, condition=False).aggregate(
                    n=Sum("trees")
                )["n"]
                or 0
            )
            if 2 * trees_inside <= trees_all:
                rows += _stored_rows(_in_cells(counted, f), unboxed)
            else:
                xs = list(range(f.x0, f.x1 + 1))
                rows += _counted_rows(unboxed)
                for outside in (
                    Q(cell_x__lt=f.x0),
                    Q(cell_x__gt=f.x1),
                    Q(cell_x__in=xs, cell_y__lt=f.y0),
                    Q(cell_x__in=xs, cell_y__gt=f.y1),
                ):
                    rows += _negated(_stored_rows(counted.filter(outside), unboxed))
    for cells in found.edges:
        rows += _stored_rows(_in_cells(counted, cells), filters)
    return rows


def _outside_of_tree_filter(filters: TreeFilters) -> tuple[TreeFilters, list[Q]] | None:
    """For a tree-only filter of one kind (dates, or validation states): the filters without
    it, and the conditions on stored rows that together make up its complement."""
    if filters.recorded_by_id is not None:
        return None
    if filters.since and filters.until and filters.since > filters.until:
        return None  # an empty range: its two sides overlap
    if (filters.since or filters.until) and not filters.validation_states:
        outside = []
        if filters.since:
            outside.append(Q(tree__recorded_at__lt=filters.since))
        if filters.until:
            outside.append(Q(tree__recorded_at__gt=filters.until))
        return replace(filters, since=None, until=None), outside
    if filters.validation_states and not (filters.since or filters.until):
        others = [s for s in ValidationState.values if s not in filters.validation_states]
        return replace(filters, validation_states=()), [Q(tree__validation_state__in=others)]
    return None


def _tree_only_rows(filters: TreeFilters) -> list[Row]:
    """Filters only the tree rows know: the stored rows joined to their trees, or, when the
    trees the filter leaves out are fewer than half, the answer without the filter minus the
    rows of the trees it leaves out (both exact; "since 2020" then reads a few rows)."""
    split = _outside_of_tree_filter(filters)
    if split is None:
        return _stored(filters)
    without, outside = split
    counted = TreeBenefit.objects.filter(in_rollup=True)
    everything = _key_filter(BenefitRollup.objects.all(), without).aggregate(n=Sum("trees"))
    half = (everything["n"] or 0) // 2
    left_out = 0
    for condition in outside:
        # At most half + 1 rows are counted, from the trees' index on the filtered column.
        left_out += counted.filter(condition).values("pk")[: half + 1].count()
    if left_out > half:
        return _stored(filters)
    rows = _counted_rows(without)
    for condition in outside:
        rows += _negated(_stored_rows(counted.filter(condition), without))
    return rows


def _counted_rows(filters: TreeFilters) -> list[Row]:
    """The stored rows counted in the rollups that match the filters, summed."""
    if _tree_only(filters):
        return _tree_only_rows(filters)
    if filters.bbox:
        return _bbox_rows(filters)
    if _has_dbh(filters):
        return _dbh_rows(filters)
    return _rolled(_key_filter(BenefitRollup.objects.all(), filters))


def _waiting_rows(filters: TreeFilters) -> list[Row]:
    """Rows out of the rollups (their tree changed, or is new, and waits for its recompute),
    joined to their trees: the tree's current municipality, species, condition, DBH and
    location decide whether it matches. Rows of deleted trees join nothing."""
    rows = (
        filter_trees(filters, Tree.objects.filter(benefit__in_rollup=False))
        .order_by()
        .values("site__municipality_id", "species_id", "benefit__status")
        .annotate(n=Count("pk"), **{f"s_{c}": Sum(f"benefit__{c}") for c in SUM_COLUMNS})
    )
    return [
        (
            r["site__municipality_id"],
            r["species_id"],
            r["benefit__status"],
            r["n"],
            {c: r[f"s_{c}"] or 0.0 for c in SUM_COLUMNS},
        )
        for r in rows
    ]


def summarise(filters: TreeFilters) -> Summary:
    """Counts and sums for the filtered trees, grouped by species and municipality.

    Exact for every filter: the stored results counted in the rollups are read from the
    rollup that can answer (by municipality, species and condition; by DBH class; by map
    cell), plus the rows a rollup bin cannot answer (DBH classes cut by a bound, the cells
    along a bounding box's edges); a box with a condition or DBH filter reads the rows of its
    cells from a covering index; filters only the tree rows know (validation, person, dates)
    sum the stored rows joined to the trees. Results waiting for their recompute are added
    from their rows joined to the trees. Trees count once they have a
    stored row, which the trees services give every new tree at once (empty status until it
    is computed: "pending"). Only results with status ok carry values: trees lacking
    species, DBH or i-Tree data are counted, never estimated.
    """
    # Rows may be subtracted (a box answered as "everything but what is outside"): net them
    # per group first, and leave out the groups left with no tree.
    netted: dict[tuple, list] = {}
    for municipality_id, species_id, status, n, sums in [
        *_counted_rows(filters),
        *_waiting_rows(filters),
    ]:
        into = netted.setdefault((municipality_id, species_id, status), [0, {}])
        into[0] += n
        for column, value in sums.items():
            into[1][column] = into[1].get(column, 0.0) + value
    overall = Bucket(key="all")
    species: dict[int | None, Bucket] = {}
    municipalities: dict[int, Bucket] = {}
    for (municipality_id, species_id, status), (n, sums) in netted.items():
        if n == 0:
            continue
        statuses = {status: n} if status else {}
        for bucket in (
            overall,
            species.setdefault(species_id, Bucket(key=species_id)),
            municipalities.setdefault(municipality_id, Bucket(key=municipality_id)),
        ):
            bucket.add(n, statuses, sums)
    names = {
        s.pk: (s.code, str(s)) for s in Species.objects.filter(pk__in=[k for k in species if k])
    }
    for key, bucket in species.items():
        bucket.key, bucket.label = names.get(key, ("unknown", "")) if key else ("unknown", "")
    for m in Municipality.objects.filter(pk__in=municipalities):
        municipalities[m.pk].key, municipalities[m.pk].label = m.inegi_code, m.name

    def order(b):
        return (-b.sums.get("money_yearly", 0.0), -b.total, str(b.label))

    return Summary(
        overall,
        sorted(species.values(), key=order),
        sorted(municipalities.values(), key=order),
    )


def tree_for_benefits(tree_id: int) -> Tree | None:
    return Tree.objects.select_related("site", "species").filter(pk=tree_id).first()


def data_installed() -> bool:
    return data.data_installed()


def current_benefit(tree: Tree) -> tuple[TreeBenefit, bool]:
    """(result, stored): the stored row, or one computed now (not saved) when none exists yet."""
    stored = stored_benefit(tree.pk)
    if stored is not None:
        return stored, True
    from django.utils import timezone

    from .calculation import VALUE_COLUMNS
    from .results import compute_for_rows

    row = (
        tree.pk,
        tree.species_id,
        None if tree.dbh_cm is None else float(tree.dbh_cm),
        tree.site.municipality_id,
    )
    computed = compute_for_rows([row])
    values = {}
    for column in VALUE_COLUMNS:
        value = float(computed.values[column][0])
        values[column] = None if value != value else value
    live = TreeBenefit(
        tree_id=tree.pk,
        status=computed.status[0],
        region=computed.region[0],
        itree_code=computed.itree_code[0],
        dbh_cm=computed.dbh_cm[0],
        fingerprint=computed.fingerprint[0],
        computed_at=timezone.now(),
        **values,
    )
    return live, False
