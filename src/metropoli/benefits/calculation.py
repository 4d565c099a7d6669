"""From tree rows to TreeBenefit column values: species → i-Tree curve, engine, money.

No database access here: callers pass the rows and the resolved settings, so the same code
serves the per-tree task, the bulk recompute and the live answer for a tree not yet stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from metropoli.trees.ecobenefits import FACTORS, TableSet, compute_curves

from .data import RATE_FIELDS
from .models import GROUP_COLUMNS, MONEY_COLUMNS, BenefitStatus

#: 1 kBtu = 0.29307107 kWh (International Table Btu); natural gas saved is shown as energy.
KBTU_TO_KWH = 0.29307107
AIR_QUALITY_FACTORS = (
    "aq_nox_dep",
    "aq_ozone_dep",
    "aq_nox_avoided",
    "aq_pm10_dep",
    "aq_pm10_avoided",
    "aq_sox_dep",
    "aq_sox_avoided",
    "aq_voc_avoided",
    "bvoc",
)
#: The rate (MXN per kg) that prices each air-quality factor; bvoc (an emission, <= 0) counts
#: against the VOC avoided, as in i-Tree Streets.
AIR_QUALITY_RATE = {
    "aq_nox_dep": "nox_mxn_per_kg",
    "aq_ozone_dep": "o3_mxn_per_kg",
    "aq_nox_avoided": "nox_mxn_per_kg",
    "aq_pm10_dep": "pm10_mxn_per_kg",
    "aq_pm10_avoided": "pm10_mxn_per_kg",
    "aq_sox_dep": "sox_mxn_per_kg",
    "aq_sox_avoided": "sox_mxn_per_kg",
    "aq_voc_avoided": "voc_mxn_per_kg",
    "bvoc": "voc_mxn_per_kg",
}
VALUE_COLUMNS = (*FACTORS, *GROUP_COLUMNS, *MONEY_COLUMNS)


@dataclass(frozen=True)
class SpeciesInfo:
    code: str
    otm_code: str | None
    itree_code: str | None
    generic_class: str | None = None


@dataclass
class MunicipalityRules:
    """The settings that apply to one municipality's trees during a computation."""

    region: str
    rates: Mapping[str, float]
    overrides: Mapping[int, str] = field(default_factory=dict)
    _curves: dict[int | None, tuple[int, str]] = field(default_factory=dict, repr=False)

    def key(self) -> str:
        return self.region + "|" + ",".join(repr(float(self.rates[f])) for f in RATE_FIELDS)

    def curve_for(
        self, tables: TableSet, species_id: int, species: Mapping[int, SpeciesInfo]
    ) -> tuple[int, str]:
        """(curve row or -1, i-Tree code) for one species in this municipality's region.

        Order: the municipality's override; the catalogue's i-Tree code when the region has
        a curve for it; species.json of the region by OpenTreeMap code (or our code); the
        generic class we assign to common local species (reference/amg_itree_classes.csv).
        """
        cached = self._curves.get(species_id)
        if cached is not None:
            return cached
        info = species.get(species_id)
        found = (-1, "")
        candidates: list[str | None] = []
        if species_id in self.overrides:
            candidates.append(self.overrides[species_id])
        if info is not None:
            candidates.append(info.itree_code)
            mapping = tables.species_map.get(self.region, {})
            candidates.append(mapping.get(info.otm_code or "") or mapping.get(info.code))
            candidates.append(info.generic_class)
        for itree in candidates:
            if itree and (self.region, itree) in tables.curve_index:
                found = (tables.curve_index[(self.region, itree)], itree)
                break
        self._curves[species_id] = found
        return found


@dataclass
class Computed:
    """Column arrays for a batch of trees, aligned with the input rows."""

    status: list[str]
    itree_code: list[str]
    region: list[str]
    dbh_cm: list[float | None]
    values: dict[str, np.ndarray]
    fingerprint: list[str]


def _fingerprint(rules_key: str, species_part: str, dbh: float | None, version: str) -> str:
    text = f"{version}|{rules_key}|{species_part}|{dbh!r}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def compute_rows(
    tables: TableSet,
    rows: Sequence[tuple[int, int | None, float | None, int]],
    rules: Mapping[int, MunicipalityRules],
    species: Mapping[int, SpeciesInfo],
    version: str,
) -> Computed:
    """rows: (tree id, species id or None, DBH cm or None, municipality id)."""
    n = len(rows)
    curves = np.full(n, -1, dtype=np.int64)
    dbh = np.zeros(n, dtype=np.float64)
    status: list[str] = [BenefitStatus.OK] * n
    itree_codes = [""] * n
    regions = [""] * n
    dbh_used: list[float | None] = [None] * n
    fingerprints = [""] * n
    muni_index = np.zeros(n, dtype=np.int64)
    muni_ids = sorted(rules)
    muni_pos = {m: i for i, m in enumerate(muni_ids)}
    regions_known = set(tables.regions)
    rule_keys = {m: r.key() for m, r in rules.items()}

    for i, (_tree_id, species_id, dbh_cm, municipality_id) in enumerate(rows):
        rule = rules[municipality_id]
        muni_index[i] = muni_pos[municipality_id]
        regions[i] = rule.region
        d = None if dbh_cm is None else float(dbh_cm)
        dbh_used[i] = d
        if species_id is None:
            status[i] = BenefitStatus.MISSING_SPECIES
        elif d is None:
            status[i] = BenefitStatus.MISSING_DBH
        elif rule.region not in regions_known:
            status[i] = BenefitStatus.INVALID_REGION
        else:
            curve, itree = rule.curve_for(tables, species_id, species)
            if curve < 0:
                status[i] = BenefitStatus.NO_ITREE_CODE
            else:
                curves[i] = curve
                dbh[i] = d
                itree_codes[i] = itree
        fingerprints[i] = _fingerprint(
            rule_keys[municipality_id], f"{species_id}:{itree_codes[i]}:{status[i]}", d, version
        )

    result = compute_curves(tables, curves, dbh)
    values: dict[str, np.ndarray] = dict(result.as_dict())
    values["energy_kwh"] = values["electricity"] + values["natural_gas"] * KBTU_TO_KWH
    values["stormwater_m3"] = values["hydro_interception"].copy()
    values["air_quality_kg"] = sum(values[f] for f in AIR_QUALITY_FACTORS)
    values["co2_kg"] = values["co2_sequestered"] + values["co2_avoided"]
    values["co2_stored_kg"] = values["co2_storage"].copy()

    def rate(name: str) -> np.ndarray:
        per_muni = np.array([float(rules[m].rates[name]) for m in muni_ids], dtype=np.float64)
        return per_muni[muni_index] if n else np.zeros(0)

    values["money_energy"] = values["electricity"] * rate("electricity_mxn_per_kwh") + values[
        "natural_gas"
    ] * rate("natural_gas_mxn_per_kbtu")
    values["money_stormwater"] = values["hydro_interception"] * rate("water_mxn_per_m3")
    values["money_air_quality"] = sum(
        values[f] * rate(AIR_QUALITY_RATE[f]) for f in AIR_QUALITY_FACTORS
    )
    co2_rate = rate("co2_mxn_per_kg")
    values["money_co2"] = values["co2_kg"] * co2_rate
    values["money_co2_stored"] = values["co2_storage"] * co2_rate
    # The stored CO₂ is a stock, not a yearly flow: it stays out of the yearly total.
    values["money_yearly"] = (
        values["money_energy"]
        + values["money_stormwater"]
        + values["money_air_quality"]
        + values["money_co2"]
    )
    return Computed(status, itree_codes, regions, dbh_used, values, fingerprints)
