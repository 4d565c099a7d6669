"""Every write of the eco-benefits app: settings, species overrides and stored results."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.territory.models import Municipality
from metropoli.trees.models import Species, Tree

from . import data
from .calculation import (
    GROUP_COLUMNS,
    MONEY_COLUMNS,
    VALUE_COLUMNS,
    MunicipalityRules,
    SpeciesInfo,
    compute_rows,
)
from .models import BenefitRollup, BenefitSettings, SpeciesOverride, TreeBenefit

BATCH_SIZE = 20_000


# --- settings ---------------------------------------------------------------------------------


def default_settings(municipality: Municipality) -> BenefitSettings:
    """Unsaved settings for a municipality nobody has configured yet."""
    region = settings.BENEFITS_DEFAULT_REGION
    return BenefitSettings(
        municipality=municipality,
        region=region,
        rates_are_defaults=True,
        **data.default_rates(region),
    )


def _check_region(region: str) -> str:
    region = (region or "").strip()
    if not data.data_installed():
        raise ValidationError(data.install_message())
    if region not in data.get_tables().regions:
        raise ValidationError(_("Unknown i-Tree region: %(region)s.") % {"region": region})
    return region


def _check_rates(rates: Mapping[str, float]) -> dict[str, float]:
    checked = {}
    for name in data.RATE_FIELDS:
        if name not in rates:
            raise ValidationError(_("Missing money rate: %(name)s.") % {"name": name})
        try:
            value = float(rates[name])
        except (TypeError, ValueError) as error:
            raise ValidationError(_("%(name)s must be a number.") % {"name": name}) from error
        if not math.isfinite(value) or value < 0:
            raise ValidationError(
                _("%(name)s must be a number of pesos, zero or more.") % {"name": name}
            )
        checked[name] = value
    return checked


@transaction.atomic
def update_settings(
    *,
    municipality: Municipality,
    region: str,
    rates: Mapping[str, float] | None,
    changed_by,
) -> BenefitSettings:
    """Set region and MXN rates (None = the region's defaults); recompute in the background."""
    region = _check_region(region)
    if rates is None:
        values, are_defaults = data.default_rates(region), True
    else:
        values, are_defaults = _check_rates(rates), False
    current = BenefitSettings.objects.select_for_update().filter(municipality=municipality).first()
    if current is None:
        current = BenefitSettings(municipality=municipality)
    current.region = region
    for name, value in values.items():
        setattr(current, name, value)
    current.rates_are_defaults = are_defaults
    current.updated_by = changed_by if getattr(changed_by, "is_authenticated", False) else None
    current.full_clean()
    current.save()
    municipality_inputs_changed(municipality_id=municipality.pk)
    return current


@transaction.atomic
def set_species_override(
    *, municipality: Municipality, species: Species, itree_code: str, changed_by
) -> SpeciesOverride:
    itree_code = (itree_code or "").strip()
    region = settings_of(municipality).region
    if not data.data_installed():
        raise ValidationError(data.install_message())
    if (region, itree_code) not in data.get_tables().curve_index:
        raise ValidationError(
            _("The region %(region)s has no i-Tree code %(code)s.")
            % {"region": region, "code": itree_code}
        )
    override, _created = SpeciesOverride.objects.update_or_create(
        municipality=municipality, species=species, defaults={"itree_code": itree_code}
    )
    _trees_of_species_changed(municipality, species)
    return override


@transaction.atomic
def delete_species_override(*, municipality: Municipality, species: Species, changed_by) -> None:
    deleted, _detail = SpeciesOverride.objects.filter(
        municipality=municipality, species=species
    ).delete()
    if deleted:
        _trees_of_species_changed(municipality, species)


def _trees_of_species_changed(municipality: Municipality, species: Species) -> None:
    ids = list(
        Tree.objects.filter(site__municipality=municipality, species=species).values_list(
            "pk", flat=True
        )
    )
    if ids:
        tree_inputs_changed(tree_ids=ids)


def settings_of(municipality: Municipality) -> BenefitSettings:
    found = BenefitSettings.objects.filter(municipality=municipality).first()
    return found or default_settings(municipality)


# --- hooks: something the computation depends on has changed -----------------------------------


def tree_inputs_changed(*, tree_ids: Iterable[int]) -> None:
    """Species, DBH or municipality of these trees changed: recompute after the commit."""
    ids = sorted({int(i) for i in tree_ids})
    if not ids or not data.data_installed():
        return
    from .tasks import recompute_trees_task

    transaction.on_commit(lambda: recompute_trees_task.enqueue(tree_ids=ids))


def municipality_inputs_changed(*, municipality_id: int) -> None:
    if not data.data_installed():
        return
    from .tasks import recompute_municipality_task

    transaction.on_commit(
        lambda: recompute_municipality_task.enqueue(municipality_id=municipality_id)
    )


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
    *VALUE_COLUMNS,
    "fingerprint",
    "computed_at",
)


def _records(rows, computed) -> list[tuple]:
    now = timezone.now()
    # NaN (no result) becomes NULL; numpy -> Python floats in one pass per column.
    columns = [[None if v != v else v for v in computed.values[c].tolist()] for c in VALUE_COLUMNS]
    return [
        (
            row[0],
            row[3],
            row[1] or 0,
            computed.status[i],
            computed.region[i],
            computed.itree_code[i],
            computed.dbh_cm[i],
            *(column[i] for column in columns),
            computed.fingerprint[i],
            now,
        )
        for i, row in enumerate(rows)
    ]


ROLLUP_SUMS = (*GROUP_COLUMNS, *MONEY_COLUMNS)
_KEY = slice(1, 4)  # (municipality_id, species_key, status) inside a record
_SUMS_AT = [STORED_COLUMNS.index(c) for c in ROLLUP_SUMS]


def _stored_aggregates(tree_ids) -> dict[tuple, list[float]]:
    """(municipality, species key, status) -> [trees, sums...] of the stored rows of these trees."""
    rows = (
        TreeBenefit.objects.filter(tree_id__in=tree_ids)
        .order_by()
        .values_list("municipality_id", "species_key", "status")
        .annotate(Count("pk"), *(Sum(c) for c in ROLLUP_SUMS))
    )
    return {tuple(r[:3]): [float(v or 0.0) for v in r[3:]] for r in rows}


def _apply_to_rollup(deltas: dict[tuple, list[float]]) -> None:
    """Add [trees, sums...] per key to the rollup (caller's transaction; rows locked in order)."""
    deltas = {k: v for k, v in deltas.items() if any(v)}
    if not deltas:
        return
    municipalities = sorted({k[0] for k in deltas})
    existing = {
        (r.municipality_id, r.species_key, r.status): r
        for r in BenefitRollup.objects.select_for_update()
        .filter(municipality_id__in=municipalities)
        .order_by("pk")
    }
    changed, created, emptied = [], [], []
    for key in sorted(deltas):
        delta = deltas[key]
        row = existing.get(key)
        if row is None:
            row = BenefitRollup(municipality_id=key[0], species_key=key[1], status=key[2])
            created.append(row)
        else:
            changed.append(row)
        row.trees += int(round(delta[0]))
        for name, value in zip(ROLLUP_SUMS, delta[1:], strict=True):
            setattr(row, name, getattr(row, name) + value)
        if row.trees <= 0 and row.pk is not None:
            emptied.append(row.pk)
    BenefitRollup.objects.bulk_update(
        [r for r in changed if r.pk not in emptied], ["trees", *ROLLUP_SUMS], batch_size=500
    )
    BenefitRollup.objects.bulk_create([r for r in created if r.trees > 0])
    if emptied:
        BenefitRollup.objects.filter(pk__in=emptied).delete()


def _merge(into: dict[tuple, list[float]], key: tuple, values, sign: float) -> None:
    current = into.setdefault(key, [0.0] * (1 + len(ROLLUP_SUMS)))
    for i, value in enumerate(values):
        current[i] += sign * value


def _store(tree_ids, rows, computed) -> int:
    """Replace the stored results of ``tree_ids`` by ``rows`` (trees that still exist), and
    keep the rollup in step (caller's transaction)."""
    records = _records(rows, computed)
    deltas: dict[tuple, list[float]] = {}
    for key, values in _stored_aggregates(tree_ids).items():
        _merge(deltas, key, values, -1.0)
    for record in records:
        _merge(deltas, record[_KEY], [1.0, *((record[i] or 0.0) for i in _SUMS_AT)], 1.0)
    TreeBenefit.objects.filter(tree_id__in=tree_ids).delete()
    if connection.vendor == "postgresql":
        # COPY: the bulk recompute of a million trees is bound by writing, not computing.
        table = TreeBenefit._meta.db_table
        with (
            connection.cursor() as wrapper,
            wrapper.cursor.copy(f"COPY {table} ({', '.join(STORED_COLUMNS)}) FROM STDIN") as copy,
        ):
            for record in records:
                copy.write_row(record)
    else:
        TreeBenefit.objects.bulk_create(
            [TreeBenefit(**dict(zip(STORED_COLUMNS, r, strict=True))) for r in records],
            batch_size=2_000,
        )
    _apply_to_rollup(deltas)
    return sum(1 for s in computed.status if s == "ok")


@transaction.atomic
def rebuild_rollup() -> int:
    """Recount the rollup from the stored results (after bulk work; also a repair tool)."""
    BenefitRollup.objects.all().delete()
    rows = (
        TreeBenefit.objects.order_by()
        .values_list("municipality_id", "species_key", "status")
        .annotate(Count("pk"), *(Sum(c) for c in ROLLUP_SUMS))
    )
    objects = [
        BenefitRollup(
            municipality_id=m,
            species_key=sp,
            status=status,
            trees=n,
            **{c: float(v or 0.0) for c, v in zip(ROLLUP_SUMS, sums, strict=True)},
        )
        for m, sp, status, n, *sums in rows
    ]
    BenefitRollup.objects.bulk_create(objects, batch_size=1_000)
    return len(objects)


def _rows(queryset):
    return [
        (pk, species_id, None if dbh is None else float(dbh), municipality_id)
        for pk, species_id, dbh, municipality_id in queryset.values_list(
            "pk", "species_id", "dbh_cm", "site__municipality_id"
        )
    ]


def recompute_trees(*, tree_ids: Iterable[int]) -> RecomputeResult:
    """Compute and store the benefits of these trees; results of deleted trees are removed."""
    ids = sorted({int(i) for i in tree_ids})
    total = RecomputeResult()
    species = _species_info()
    for begin in range(0, len(ids), BATCH_SIZE):
        chunk = ids[begin : begin + BATCH_SIZE]
        with transaction.atomic():
            rows = _rows(Tree.objects.filter(pk__in=chunk).order_by("pk"))
            computed = compute_for_rows(rows, species=species)
            total.add(RecomputeResult(len(rows), _store(chunk, rows, computed), 1))
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
            rows = _rows(base.filter(pk__gt=last).order_by("pk")[:batch_size])
            if not rows:
                break
            missing = {row[3] for row in rows} - rules.keys()
            if missing:
                rules.update(rules_for(missing))
            computed = compute_for_rows(rows, species=species, rules=rules)
            ids = [row[0] for row in rows]
            total.add(RecomputeResult(len(rows), _store(ids, rows, computed), 1))
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
