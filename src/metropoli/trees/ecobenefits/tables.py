"""Loader for the i-Tree Streets regional coefficient tables.

The tables are third-party data (USDA Forest Service i-Tree Streets, as redistributed by
OpenTreeMap's eco-benefit service). They are always read from a directory chosen at run time and
never copied into this repository.

Expected layout of the directory:

* ``species.json``: ``{region: {species_code: itree_code}}``.
* ``output__<REGION>__<factor>.csv``: the first row holds the 9 DBH breakpoints in cm in columns
  2..10; every further row is ``itree_code, v1, ..., v9``.

The CSV files are spreadsheet exports and carry junk: ``#VALUE!`` cells, empty trailing cells,
blank rows and free-text rows (titles, axis labels, "Copied from C:\\..."). A row is kept only when
its first cell is a non-numeric label and the next 9 cells are finite numbers; everything else is
skipped and recorded in :attr:`TableSet.skipped_rows` so that an import can report it.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: The 15 factors of the method, in the column order of the reference vectors (vectors.csv).
FACTORS: tuple[str, ...] = (
    "natural_gas",
    "electricity",
    "hydro_interception",
    "co2_sequestered",
    "co2_avoided",
    "co2_storage",
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

#: Unit of each factor in the tables, per tree (co2_storage is a stock, the rest are per year).
FACTOR_UNITS: Mapping[str, str] = {
    "natural_gas": "kBtu",
    "electricity": "kWh",
    "hydro_interception": "m3",
    "co2_sequestered": "kg",
    "co2_avoided": "kg",
    "co2_storage": "kg",
    "aq_nox_dep": "kg",
    "aq_ozone_dep": "kg",
    "aq_nox_avoided": "kg",
    "aq_pm10_dep": "kg",
    "aq_pm10_avoided": "kg",
    "aq_sox_dep": "kg",
    "aq_sox_avoided": "kg",
    "aq_voc_avoided": "kg",
    "bvoc": "kg",
}

#: The breakpoints every i-Tree Streets table uses (midpoints of the DBH classes, in cm).
STANDARD_BREAKPOINTS_CM: tuple[float, ...] = (
    3.81,
    11.43,
    22.86,
    38.10,
    53.34,
    68.58,
    83.82,
    99.06,
    114.30,
)

N_BREAKPOINTS = len(STANDARD_BREAKPOINTS_CM)
SPECIES_FILE = "species.json"


class TableFormatError(ValueError):
    """The table directory cannot be used (missing file, unusable header, bad species.json)."""


@dataclass(frozen=True)
class SkippedRow:
    """A row of a table file that was ignored as export junk."""

    file: str
    line: int
    reason: str


@dataclass(frozen=True, eq=False)
class TableSet:
    """All coefficient curves needed by the engine, loaded once and shared read-only.

    Two views of the same parsed numbers are kept: plain Python tuples (``curves``) for the
    per-tree code path and a dense numpy block (``block``) for the vectorised engine.
    """

    directory: Path
    breakpoints_cm: tuple[float, ...]
    regions: tuple[str, ...]
    #: region -> species code -> i-Tree code; only codes with a curve in every factor table.
    species_map: Mapping[str, Mapping[str, str]]
    #: region -> i-Tree code -> one tuple of 9 values per factor, in FACTORS order.
    curves: Mapping[str, Mapping[str, tuple[tuple[float, ...], ...]]]
    #: shape (len(FACTORS), n_curves, 9); row ``curve_index[(region, itree_code)]``.
    block: np.ndarray
    curve_index: Mapping[tuple[str, str], int]
    #: Lookup arrays for the vectorised engine: sorted region names, sorted union of species
    #: codes, and (region position, species position) -> curve row or -1 when unmapped.
    region_keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=str))
    species_keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=str))
    pair_curve: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.int64))
    skipped_rows: tuple[SkippedRow, ...] = ()
    #: (region, species code, i-Tree code, missing factors) for mappings that had to be dropped.
    unusable_mappings: tuple[tuple[str, str, str, tuple[str, ...]], ...] = field(default=())

    def itree_code(self, region: str, species_code: str) -> str | None:
        return self.species_map.get(region, {}).get(species_code)

    def curve(self, region: str, itree_code: str, factor: str) -> tuple[float, ...]:
        return self.curves[region][itree_code][FACTORS.index(factor)]


def _parse_number(cell: str) -> float | None:
    text = cell.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    # Spreadsheet errors never parse, but "nan"/"inf" would: they are just as unusable.
    return value if math.isfinite(value) else None


def _read_rows(path: Path) -> list[list[str]]:
    # utf-8-sig: some exports start with a byte order mark that would glue onto the first cell.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def parse_factor_table(
    path: Path,
) -> tuple[tuple[float, ...], dict[str, tuple[float, ...]], list[SkippedRow]]:
    """Parse one ``output__<REGION>__<factor>.csv`` file.

    Returns (breakpoints, {itree_code: 9 values}, skipped rows). Raises TableFormatError only when
    the header row does not carry 9 increasing breakpoints, since then no row can be trusted.
    """
    rows = _read_rows(path)
    if not rows:
        raise TableFormatError(f"{path.name}: empty file")
    header = rows[0]
    # The first header cell is a label slot and often holds "#VALUE!"; it is ignored on purpose.
    breaks = [_parse_number(cell) for cell in header[1 : 1 + N_BREAKPOINTS]]
    if len(breaks) != N_BREAKPOINTS or any(b is None for b in breaks):
        raise TableFormatError(f"{path.name}: row 1 must hold {N_BREAKPOINTS} DBH breakpoints")
    breakpoints = tuple(float(b) for b in breaks if b is not None)
    if any(lo >= hi for lo, hi in zip(breakpoints, breakpoints[1:], strict=False)):
        raise TableFormatError(f"{path.name}: DBH breakpoints are not strictly increasing")

    curves: dict[str, tuple[float, ...]] = {}
    skipped: list[SkippedRow] = []
    for line, row in enumerate(rows[1:], start=2):
        label = row[0].strip() if row else ""
        if not any(cell.strip() for cell in row):
            skipped.append(SkippedRow(path.name, line, "blank row"))
            continue
        if not label or _parse_number(label) is not None:
            skipped.append(SkippedRow(path.name, line, "no i-Tree code in first cell"))
            continue
        values = [_parse_number(cell) for cell in row[1 : 1 + N_BREAKPOINTS]]
        if len(values) != N_BREAKPOINTS or any(v is None for v in values):
            skipped.append(SkippedRow(path.name, line, f"{label}: not {N_BREAKPOINTS} numbers"))
            continue
        if label in curves:
            # First occurrence wins; a silent overwrite would make results depend on row order.
            skipped.append(SkippedRow(path.name, line, f"{label}: duplicate row"))
            continue
        curves[label] = tuple(float(v) for v in values if v is not None)
    return breakpoints, curves, skipped


def load_species_map(path: Path) -> dict[str, dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            raw = json.load(handle)
    except FileNotFoundError as exc:
        raise TableFormatError(f"{path}: species mapping not found") from exc
    except json.JSONDecodeError as exc:
        raise TableFormatError(f"{path}: invalid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise TableFormatError(f"{path}: expected an object region -> species -> i-Tree code")
    mapping: dict[str, dict[str, str]] = {}
    for region, species in raw.items():
        if not isinstance(species, dict):
            raise TableFormatError(f"{path}: region {region!r} is not an object")
        mapping[str(region)] = {
            str(code): str(itree).strip()
            for code, itree in species.items()
            if isinstance(itree, str) and itree.strip()
        }
    return mapping


def load_tables(
    directory: str | Path,
    regions: Iterable[str] | None = None,
) -> TableSet:
    """Load species.json and the 15 factor tables of every region (or only ``regions``).

    A mapping whose i-Tree code lacks a usable row in any factor table is dropped (trees of that
    species then get status ``no_itree_code``) and listed in ``unusable_mappings``, rather than
    producing a tree with some factors silently missing.
    """
    root = Path(directory)
    if not root.is_dir():
        raise TableFormatError(f"{root}: not a directory")
    species_all = load_species_map(root / SPECIES_FILE)
    wanted = sorted(species_all) if regions is None else sorted(set(regions))
    unknown = [r for r in wanted if r not in species_all]
    if unknown:
        raise TableFormatError(f"regions not in {SPECIES_FILE}: {', '.join(unknown)}")

    breakpoints: tuple[float, ...] | None = None
    skipped: list[SkippedRow] = []
    species_map: dict[str, dict[str, str]] = {}
    curves: dict[str, dict[str, tuple[tuple[float, ...], ...]]] = {}
    unusable: list[tuple[str, str, str, tuple[str, ...]]] = []

    for region in wanted:
        per_factor: list[dict[str, tuple[float, ...]]] = []
        for factor in FACTORS:
            path = root / f"output__{region}__{factor}.csv"
            if not path.is_file():
                raise TableFormatError(f"{path}: missing factor table")
            breaks, table, junk = parse_factor_table(path)
            if breakpoints is None:
                breakpoints = breaks
            elif breaks != breakpoints:
                # One breakpoint vector for everything keeps the vectorised search trivial.
                raise TableFormatError(f"{path.name}: breakpoints differ from the other tables")
            per_factor.append(table)
            skipped.extend(junk)

        region_curves: dict[str, tuple[tuple[float, ...], ...]] = {}
        region_map: dict[str, str] = {}
        for code, itree in species_all[region].items():
            missing = tuple(f for f, t in zip(FACTORS, per_factor, strict=True) if itree not in t)
            if missing:
                unusable.append((region, code, itree, missing))
                continue
            region_map[code] = itree
            if itree not in region_curves:
                region_curves[itree] = tuple(t[itree] for t in per_factor)
        species_map[region] = region_map
        curves[region] = region_curves

    curve_index: dict[tuple[str, str], int] = {}
    for region in wanted:
        for itree in curves[region]:
            curve_index[(region, itree)] = len(curve_index)
    block = np.empty((len(FACTORS), len(curve_index), N_BREAKPOINTS), dtype=np.float64)
    for (region, itree), index in curve_index.items():
        block[:, index, :] = curves[region][itree]
    block.setflags(write=False)

    region_keys = np.array(wanted, dtype=str)
    species_keys = np.array(sorted({c for r in wanted for c in species_map[r]}), dtype=str)
    species_pos = {code: i for i, code in enumerate(species_keys.tolist())}
    pair_curve = np.full((len(wanted), len(species_keys)), -1, dtype=np.int64)
    for r_pos, region in enumerate(wanted):
        for code, itree in species_map[region].items():
            pair_curve[r_pos, species_pos[code]] = curve_index[(region, itree)]
    for array in (region_keys, species_keys, pair_curve):
        array.setflags(write=False)

    return TableSet(
        directory=root,
        breakpoints_cm=breakpoints if breakpoints is not None else STANDARD_BREAKPOINTS_CM,
        regions=tuple(wanted),
        species_map=species_map,
        curves=curves,
        block=block,
        curve_index=curve_index,
        region_keys=region_keys,
        species_keys=species_keys,
        pair_curve=pair_curve,
        skipped_rows=tuple(skipped),
        unusable_mappings=tuple(unusable),
    )
