"""Reads: one tree's benefits, and database sums for any filtered set of trees."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from metropoli.territory.models import Municipality
from metropoli.trees.models import Species, Tree
from metropoli.trees.selectors import TreeFilters, filter_trees

from . import data
from .calculation import MONEY_COLUMNS
from .models import BenefitRollup, BenefitSettings, BenefitStatus, TreeBenefit
from .units import GROUPS

SUM_COLUMNS = (*(g.column for g in GROUPS), *MONEY_COLUMNS)


def stored_benefit(tree_id: int) -> TreeBenefit | None:
    return TreeBenefit.objects.filter(tree_id=tree_id).first()


def settings_for(municipality: Municipality) -> BenefitSettings:
    from .services import settings_of

    return settings_of(municipality)


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


def rollup_answers(filters: TreeFilters) -> bool:
    """True when only municipality and species filters are set: the rollup has the answer."""
    return not (
        filters.bbox
        or filters.conditions
        or filters.dbh_min is not None
        or filters.dbh_max is not None
        or filters.validation_states
        or filters.recorded_by_id is not None
        or filters.since
        or filters.until
    )


def _rollup_rows(filters: TreeFilters) -> list[dict]:
    qs = BenefitRollup.objects.all()
    if filters.municipality_ids:
        qs = qs.filter(municipality_id__in=filters.municipality_ids)
    if filters.species_ids or filters.unknown_species:
        keys = [*filters.species_ids, *([0] if filters.unknown_species else [])]
        qs = qs.filter(species_key__in=keys)
    return [
        {
            "site__municipality_id": r["municipality_id"],
            "species_id": r["species_key"] or None,
            "benefit__status": r["status"],
            "n_total": r["trees"],
            **{f"s_{c}": r[c] for c in SUM_COLUMNS},
        }
        for r in qs.values("municipality_id", "species_key", "status", "trees", *SUM_COLUMNS)
    ]


def summarise(filters: TreeFilters) -> Summary:
    """Counts and sums for the filtered trees, grouped by species and municipality.

    Filtered only by municipality and/or species, the answer comes from the rollup (a few
    hundred rows; it counts trees with a stored result, which every tree has once its
    background computation ran). Any other filter runs one grouped query over the filtered
    trees joined to their results; trees without a result yet show as "pending". Totals and
    both breakdowns are folded from the rows. Only results with status ok carry values:
    trees lacking species, DBH or i-Tree data are counted, never estimated.
    """
    # Grouping by status as well avoids a FILTER clause per aggregate; values of trees whose
    # status is not ok are NULL, which SUM ignores.
    if rollup_answers(filters):
        rows = _rollup_rows(filters)
    else:
        rows = (
            filter_trees(filters)
            .order_by()
            .values("site__municipality_id", "species_id", "benefit__status")
            .annotate(n_total=Count("pk"), **{f"s_{c}": Sum(f"benefit__{c}") for c in SUM_COLUMNS})
        )
    overall = Bucket(key="all")
    species: dict[int | None, Bucket] = {}
    municipalities: dict[int, Bucket] = {}
    for row in rows:
        status = row["benefit__status"]
        statuses = {status: row["n_total"]} if status else {}
        sums = {c: row[f"s_{c}"] or 0.0 for c in SUM_COLUMNS}
        for bucket in (
            overall,
            species.setdefault(row["species_id"], Bucket(key=row["species_id"])),
            municipalities.setdefault(
                row["site__municipality_id"], Bucket(key=row["site__municipality_id"])
            ),
        ):
            bucket.add(row["n_total"], statuses, sums)
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
    from .services import compute_for_rows

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
