"""Computing and storing eco-benefits: the rules each municipality applies (its settings or the
region's defaults), the engine run over batches of trees, the stored results and the rollups
kept in step with them (docs/decisions/0033-benefits-summary-cube.md).

Run by the background tasks (tasks.py), the `benefits` command and the demo; the services
(services.py) only decide *that* something must be recomputed (scheduling.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from metropoli.common.geo import tile_xy
from metropoli.territory.models import Municipality
from metropoli.trees.models import PlantingSite, Species, Tree

from . import data, rollup
from .calculation import (
    VALUE_COLUMNS,
    MunicipalityRules,
    SpeciesInfo,
    compute_rows,
)
from .cover import FINEST_LEVEL
from .models import BenefitSettings, SpeciesOverride, TreeBenefit

BATCH_SIZE = 20_000


# --- the rules in force ---------------------------------------------------------------------


def default_settings(municipality: Municipality) -> BenefitSettings:
    """Unsaved settings for a municipality nobody has configured yet."""
    region = settings.BENEFITS_DEFAULT_REGION
    return BenefitSettings(
        municipality=municipality,
        region=region,
        rates_are_defaults=True,
        **data.default_rates(region),
    )


def settings_of(municipality: Municipality) -> BenefitSettings:
    found = BenefitSettings.objects.filter(municipality=municipality).first()
    return found or default_settings(municipality)


# --- computing and storing --------------------------------------------------------------------


@dataclass
class RecomputeResult:
    trees: int = 0
    computed: int = 0
    batches: int = 0

    def add(self, other: RecomputeResult) -> None:
        self.trees += other.trees
        self.computed += other.computed
        self.batches += other.batches


def _species_info() -> dict[int, SpeciesInfo]:
    classes = data.generic_classes()
    return {
        pk: SpeciesInfo(code, otm, itree, classes.get(code))
        for pk, code, otm, itree in Species.objects.values_list(
            "pk", "code", "otm_code", "itree_code"
        )
    }


def rules_for(municipality_ids: Iterable[int]) -> dict[int, MunicipalityRules]:
    wanted = set(municipality_ids)
    stored = {s.municipality_id: s for s in BenefitSettings.objects.filter(municipality__in=wanted)}
    overrides: dict[int, dict[int, str]] = {m: {} for m in wanted}
    for m, species_id, code in SpeciesOverride.objects.filter(municipality__in=wanted).values_list(
        "municipality_id", "species_id", "itree_code"
    ):
        overrides[m][species_id] = code
    rules = {}
    municipalities = Municipality.objects.in_bulk([m for m in wanted if m not in stored])
    for m in wanted:
        current = stored.get(m) or default_settings(municipalities[m])
        rules[m] = MunicipalityRules(
            region=current.region,
            rates={name: getattr(current, name) for name in data.RATE_FIELDS},
            overrides=overrides[m],
        )
    return rules


def compute_for_rows(rows, *, species=None, rules=None):
    """Computed columns for (tree id, species id, DBH, municipality id) rows (not stored)."""
    tables = data.get_tables()
    species = _species_info() if species is None else species
    rules = rules_for({row[3] for row in rows}) if rules is None else rules
    return compute_rows(tables, rows, rules, species, data.tables_version())


STORED_COLUMNS = (
    "tree_id",
    "municipality_id",
    "species_key",
    "status",
    "region",
    "itree_code",
    "dbh_cm",
    "condition",
    "location",
    "cell_x",
    "cell_y",
    "in_rollup",
    *VALUE_COLUMNS,
    "fingerprint",
    "computed_at",
)
_KEYS_AT = [STORED_COLUMNS.index(c) for c in rollup.KEY_FIELDS]
_SUMS_AT = [STORED_COLUMNS.index(c) for c in rollup.SUMS]
_LOCATION_AT = STORED_COLUMNS.index("location")


@dataclass(frozen=True)
class TreeKeys:
    """What the rollups keep of a tree besides its engine inputs."""

    condition: str
    lon: float
    lat: float


def _records(rows, keys: list[TreeKeys], computed) -> list[tuple]:
    now = timezone.now()
    # NaN (no result) becomes NULL; numpy -> Python floats in one pass per column.
    columns = [[None if v != v else v for v in computed.values[c].tolist()] for c in VALUE_COLUMNS]
    records = []
    for i, row in enumerate(rows):
        tree = keys[i]
        cell_x, cell_y = tile_xy(tree.lon, tree.lat, FINEST_LEVEL)
        records.append(
            (
                row[0],
                row[3],
                row[1] or 0,
                computed.status[i],
                computed.region[i],
                computed.itree_code[i],
                computed.dbh_cm[i],
                tree.condition,
                (tree.lon, tree.lat),
                cell_x,
                cell_y,
                True,
                *(column[i] for column in columns),
                computed.fingerprint[i],
                now,
            )
        )
    return records


def _store(tree_ids, rows, keys: list[TreeKeys], computed) -> int:
    """Replace the stored results of ``tree_ids`` by ``rows`` (trees that still exist), and
    keep the rollups in step (caller's transaction, which holds the trees' row locks)."""
    records = _records(rows, keys, computed)
    before = {row["tree_id"]: row for row in rollup.settled_rows(tree_ids)}
    deltas = rollup.Deltas()
    for record in records:
        new_keys = [record[i] for i in _KEYS_AT]
        new_sums = [record[i] for i in _SUMS_AT]
        old = before.pop(record[0], None)
        if old is not None:
            if [old[k] for k in rollup.KEY_FIELDS] == new_keys and [
                old[c] for c in rollup.SUMS
            ] == new_sums:
                continue  # the same contribution: nothing to move
            deltas.add_rows([old], -1.0)
        deltas.add(new_keys, new_sums, 1.0)
    deltas.add_rows(before.values(), -1.0)  # trees deleted since
    for start in range(0, len(tree_ids), 5_000):
        TreeBenefit.objects.filter(tree_id__in=tree_ids[start : start + 5_000]).delete()
    # COPY: the bulk recompute of a million trees is bound by writing, not computing.
    table = TreeBenefit._meta.db_table
    with (
        connection.cursor() as wrapper,
        wrapper.cursor.copy(f"COPY {table} ({', '.join(STORED_COLUMNS)}) FROM STDIN") as copy,
    ):
        for record in records:
            lon, lat = record[_LOCATION_AT]
            copy.write_row(
                (
                    *record[:_LOCATION_AT],
                    f"SRID=4326;POINT({lon!r} {lat!r})",
                    *record[_LOCATION_AT + 1 :],
                )
            )
    rollup.apply(deltas)
    return sum(1 for s in computed.status if s == "ok")


@transaction.atomic
def rebuild_rollup() -> int:
    """Recount the rollups from the stored results (after bulk work; also a repair tool).
    Returns the number of rollup rows."""
    return rollup.rebuild()


def _rows(queryset):
    """(engine rows, rollup keys) of the trees of `queryset`, in id order. Their rows and
    their sites' rows stay locked until the transaction ends: a change of a tree waits for
    its recompute to be stored, or the other way round, so that no result is stored with
    keys the tree no longer has (a lock that waited for a move sees the moved site)."""
    ids_sql, params = queryset.values("pk").query.sql_with_params()
    trees, sites = Tree._meta.db_table, PlantingSite._meta.db_table
    # Table names are ours; values are parameters.
    sql = (
        "SELECT t.id, t.species_id, t.dbh_cm, s.municipality_id, t.condition, "  # noqa: S608
        "ST_X(s.location), ST_Y(s.location) "
        f"FROM {trees} t JOIN {sites} s ON s.id = t.site_id "
        f"WHERE t.id IN ({ids_sql}) ORDER BY t.id FOR UPDATE OF t, s"
    )
    rows, keys = [], []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, species_id, dbh, municipality_id, condition, lon, lat in cursor.fetchall():
            rows.append((pk, species_id, None if dbh is None else float(dbh), municipality_id))
            keys.append(TreeKeys(condition, lon, lat))
    return rows, keys


def recompute_trees(*, tree_ids: Iterable[int]) -> RecomputeResult:
    """Compute and store the benefits of these trees; results of deleted trees are removed."""
    ids = sorted({int(i) for i in tree_ids})
    total = RecomputeResult()
    species = _species_info()
    for begin in range(0, len(ids), BATCH_SIZE):
        chunk = ids[begin : begin + BATCH_SIZE]
        with transaction.atomic():
            rows, keys = _rows(Tree.objects.filter(pk__in=chunk).order_by("pk"))
            computed = compute_for_rows(rows, species=species)
            total.add(RecomputeResult(len(rows), _store(chunk, rows, keys, computed), 1))
    return total


def recompute_all(
    *, municipality: Municipality | None = None, batch_size: int = BATCH_SIZE, progress=None
) -> RecomputeResult:
    """Recompute every tree (of one municipality), in batches of trees ordered by id."""
    base = Tree.objects.all()
    if municipality is not None:
        base = base.filter(site__municipality=municipality)
    total = RecomputeResult()
    species = _species_info()
    rules: dict[int, MunicipalityRules] = {}
    last = 0
    while True:
        with transaction.atomic():
            rows, keys = _rows(base.filter(pk__gt=last).order_by("pk")[:batch_size])
            if not rows:
                break
            missing = {row[3] for row in rows} - rules.keys()
            if missing:
                rules.update(rules_for(missing))
            computed = compute_for_rows(rows, species=species, rules=rules)
            ids = [row[0] for row in rows]
            total.add(RecomputeResult(len(rows), _store(ids, rows, keys, computed), 1))
        last = rows[-1][0]
        if progress is not None:
            progress(total)
    # Results of trees deleted meanwhile (normally removed by the task their deletion enqueued).
    # NOT EXISTS (an anti-join), not NOT IN: the latter degrades to a nested loop on millions.
    orphans = TreeBenefit.objects.filter(~Exists(Tree.objects.filter(pk=OuterRef("tree_id"))))
    if municipality is not None:
        orphans = orphans.filter(municipality=municipality)
    orphans.delete()
    rebuild_rollup()
    return total
