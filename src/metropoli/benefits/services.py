"""Every write of the eco-benefits app: settings, species overrides, and the hooks through which
a change of what the computation depends on takes trees out of the rollups and schedules their
recompute (scheduling.py). Computing and storing the results is results.py's."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.territory.models import Municipality
from metropoli.trees.models import PlantingSite, Species, Tree

from . import data, rollup, scheduling
from .errors import BenefitsErrorCode
from .models import BenefitSettings, SpeciesOverride, TreeBenefit
from .results import settings_of

# --- settings ---------------------------------------------------------------------------------


def _check_region(region: str) -> str:
    region = (region or "").strip()
    if not data.data_installed():
        raise DomainError(BenefitsErrorCode.ITREE_DATA_MISSING)
    if region not in data.get_tables().regions:
        raise DomainError(BenefitsErrorCode.UNKNOWN_REGION, region=region)
    return region


def _check_rates(rates: Mapping[str, float]) -> dict[str, float]:
    checked = {}
    for name in data.RATE_FIELDS:
        if name not in rates:
            raise DomainError(BenefitsErrorCode.MISSING_RATE, name=name)
        try:
            value = float(rates[name])
        except (TypeError, ValueError) as error:
            raise DomainError(
                BenefitsErrorCode.INVALID_RATE,
                gettext_noop("%(name)s must be a number."),
                name=name,
            ) from error
        if not math.isfinite(value) or value < 0:
            raise DomainError(BenefitsErrorCode.INVALID_RATE, name=name)
        checked[name] = value
    return checked


STAFF_ONLY = gettext_noop("Only the municipality's staff can change these settings.")


@transaction.atomic
def update_settings(
    *,
    municipality: Municipality,
    region: str,
    rates: Mapping[str, float] | None,
    changed_by,
) -> BenefitSettings:
    """Set region and MXN rates (None = the region's defaults); recompute in the background."""
    if changed_by is not None:  # None: the platform itself (scripts)
        require(changed_by, "benefits.change_settings", municipality, message=STAFF_ONLY)
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
    try:
        current.full_clean()
    except ValidationError as error:  # the model's own rules
        raise DomainError(BenefitsErrorCode.INVALID_SETTINGS, " ".join(error.messages)) from error
    current.save()
    municipality_inputs_changed(municipality_id=municipality.pk)
    return current


@transaction.atomic
def set_species_override(
    *, municipality: Municipality, species: Species, itree_code: str, changed_by
) -> SpeciesOverride:
    if changed_by is not None:  # None: the platform itself (scripts)
        require(changed_by, "benefits.change_settings", municipality, message=STAFF_ONLY)
    itree_code = (itree_code or "").strip()
    region = settings_of(municipality).region
    if not data.data_installed():
        raise DomainError(BenefitsErrorCode.ITREE_DATA_MISSING)
    if (region, itree_code) not in data.get_tables().curve_index:
        raise DomainError(BenefitsErrorCode.UNKNOWN_ITREE_CODE, region=region, code=itree_code)
    override, _created = SpeciesOverride.objects.update_or_create(
        municipality=municipality, species=species, defaults={"itree_code": itree_code}
    )
    _trees_of_species_changed(municipality, species)
    return override


@transaction.atomic
def delete_species_override(*, municipality: Municipality, species: Species, changed_by) -> None:
    if changed_by is not None:  # None: the platform itself (scripts)
        require(changed_by, "benefits.change_settings", municipality, message=STAFF_ONLY)
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
    if ids and data.data_installed():
        # Only the values change (the rollup keys stay): the recompute moves the rollups.
        scheduling.recompute_trees_later(ids)


# --- hooks: something the computation depends on has changed -----------------------------------


def tree_inputs_changed(*, tree_ids: Iterable[int]) -> None:
    """These trees were added, changed (species, DBH, condition, location) or are about to be
    deleted: recompute them after the commit.

    Their stored results leave the rollups now, in the caller's transaction (summaries read
    them joined to the trees until the recompute stores them again), and a new tree gets an
    empty row at once so that every summary counts it as pending. The callers (the trees
    services) hold the trees' row locks.
    """
    ids = sorted({int(i) for i in tree_ids})
    if not ids or not data.data_installed():
        return
    with transaction.atomic():
        _take_out_of_rollups(ids)
    scheduling.recompute_trees_later(ids)


def tree_saved(*, tree: Tree) -> None:
    """A tree row was saved. Its condition is a rollup key, and the trees services report
    only species, DBH and location changes to `tree_inputs_changed`: catch the rest here."""
    stored = (
        TreeBenefit.objects.filter(tree_id=tree.pk, in_rollup=True)
        .values_list("condition", "location")
        .first()
    )
    if stored is None or stored[0] == tree.condition:
        return
    _condition, location = stored
    site = tree.site
    if location is not None and (location.x, location.y) != (site.location.x, site.location.y):
        # Moved as well: the services call tree_inputs_changed after updating the map cells.
        # Taking the row out here would lock rollup rows before map cells, the reverse of
        # every other writer's order (a deadlock risk).
        return
    tree_inputs_changed(tree_ids=[tree.pk])


def _take_out_of_rollups(ids: list[int]) -> None:
    settled = rollup.settled_rows(ids)
    deltas = rollup.Deltas()
    deltas.add_rows(settled, -1.0)
    moved = [row["tree_id"] for row in settled]
    for start in range(0, len(moved), 5_000):
        TreeBenefit.objects.filter(tree_id__in=moved[start : start + 5_000]).update(in_rollup=False)
    rollup.apply(deltas)
    # A new tree's empty row, set-based (an import announces thousands of trees at a time).
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 5_000):
            cursor.execute(
                f"""
                INSERT INTO {TreeBenefit._meta.db_table} (tree_id, municipality_id, species_key,
                    status, region, itree_code, condition, in_rollup, fingerprint, computed_at)
                SELECT t.id, s.municipality_id, COALESCE(t.species_id, 0), '', '', '', '', false,
                       '', %s
                FROM {Tree._meta.db_table} t
                JOIN {PlantingSite._meta.db_table} s ON s.id = t.site_id
                WHERE t.id = ANY(%s)
                ON CONFLICT (tree_id) DO NOTHING
                """,  # noqa: S608 - the table names are ours; values are parameters
                [timezone.now(), ids[start : start + 5_000]],
            )


def municipality_inputs_changed(*, municipality_id: int) -> None:
    if data.data_installed():
        scheduling.recompute_municipality_later(municipality_id)
