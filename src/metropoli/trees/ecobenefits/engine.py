"""i-Tree Streets eco-benefit computation.

The method: map (region, species code) to an i-Tree code through ``species.json``; for each factor,
interpolate linearly in DBH (cm) over the 9 breakpoints of the table row, hold the first value below
the first breakpoint and hold (clamp) the last value above the last one. OpenTreeMap's Go service
extrapolates the last segment beyond 114.3 cm; this engine deliberately does not (see
docs/decisions/0011-itree-clamping.md).

Two implementations share the same loaded :class:`TableSet` and the same arithmetic, so their
results are bit-for-bit equal:

* :func:`compute` — vectorised with numpy, for whole inventories;
* :func:`compute_tree` / :func:`compute_loop` — plain Python, one tree at a time.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .tables import FACTORS, TableSet

STATUS_OK = "ok"
STATUS_NO_ITREE_CODE = "no_itree_code"
STATUS_INVALID_REGION = "invalid_region"
#: Status labels indexed by the integer codes stored in :attr:`EcoResult.status`.
STATUS_LABELS: tuple[str, ...] = (STATUS_OK, STATUS_NO_ITREE_CODE, STATUS_INVALID_REGION)
CODE_OK, CODE_NO_ITREE_CODE, CODE_INVALID_REGION = range(len(STATUS_LABELS))
_CHUNK = 16_384


class InvalidDbhError(ValueError):
    """A DBH is not a finite, non-negative number of centimetres."""

    def __init__(self, index: int, value: float) -> None:
        super().__init__(f"tree {index}: DBH must be a finite number >= 0 cm, got {value!r}")
        self.index = index
        self.value = value


@dataclass(frozen=True)
class TreeResult:
    """Result for one tree. ``values`` is None unless ``status`` is ``ok``."""

    status: str
    itree_code: str | None
    values: dict[str, float] | None


@dataclass(frozen=True, eq=False)
class EcoResult:
    """Result for an array of trees.

    ``values`` has shape (len(FACTORS), n_trees) so that each factor is a contiguous row; entries
    of trees whose status is not ``ok`` are NaN.
    """

    status: np.ndarray
    curve: np.ndarray
    values: np.ndarray

    def __len__(self) -> int:
        return int(self.status.shape[0])

    def factor(self, name: str) -> np.ndarray:
        return self.values[FACTORS.index(name)]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: self.values[i] for i, name in enumerate(FACTORS)}

    def status_labels(self) -> np.ndarray:
        return np.asarray(STATUS_LABELS, dtype=object)[self.status]

    def counts(self) -> dict[str, int]:
        counts = np.bincount(self.status, minlength=len(STATUS_LABELS))
        return {label: int(n) for label, n in zip(STATUS_LABELS, counts, strict=True)}


# --------------------------------------------------------------------------------------------
# Plain Python, one tree at a time
# --------------------------------------------------------------------------------------------


def interpolate(breakpoints: Sequence[float], curve: Sequence[float], dbh_cm: float) -> float:
    """Value of one table row at ``dbh_cm`` following the i-Tree Streets rule (with clamping)."""
    if dbh_cm <= breakpoints[0]:
        return curve[0]
    if dbh_cm >= breakpoints[-1]:
        return curve[-1]
    i = bisect_right(breakpoints, dbh_cm) - 1
    lo, hi = curve[i], curve[i + 1]
    t = (dbh_cm - breakpoints[i]) / (breakpoints[i + 1] - breakpoints[i])
    value = lo + t * (hi - lo)
    # When t rounds to 1 just below a breakpoint, lo + (hi - lo) can overshoot hi by one ulp and
    # the curve would dip at the breakpoint; keeping the value inside [lo, hi] keeps it monotone.
    return min(max(value, min(lo, hi)), max(lo, hi))


def _tree(
    tables: TableSet, index: int, region: str, species_code: str, dbh_cm: float
) -> TreeResult:
    dbh = float(dbh_cm)
    if not math.isfinite(dbh) or dbh < 0:
        raise InvalidDbhError(index, dbh_cm)
    species = tables.species_map.get(region)
    if species is None:
        return TreeResult(STATUS_INVALID_REGION, None, None)
    itree = species.get(species_code)
    if itree is None:
        return TreeResult(STATUS_NO_ITREE_CODE, None, None)
    rows = tables.curves[region][itree]
    breaks = tables.breakpoints_cm
    values = {name: interpolate(breaks, row, dbh) for name, row in zip(FACTORS, rows, strict=True)}
    return TreeResult(STATUS_OK, itree, values)


def compute_tree(tables: TableSet, region: str, species_code: str, dbh_cm: float) -> TreeResult:
    """The 15 factors (table units) for one tree."""
    return _tree(tables, 0, region, species_code, dbh_cm)


def compute_loop(
    tables: TableSet,
    regions: Sequence[str],
    species_codes: Sequence[str],
    dbh_cm: Sequence[float],
) -> list[TreeResult]:
    """Straightforward per-tree loop; the reference implementation and the benchmark baseline."""
    if not len(regions) == len(species_codes) == len(dbh_cm):
        raise ValueError("regions, species_codes and dbh_cm must have the same length")
    rows = zip(regions, species_codes, dbh_cm, strict=True)
    return [_tree(tables, i, region, code, dbh) for i, (region, code, dbh) in enumerate(rows)]


# --------------------------------------------------------------------------------------------
# Vectorised
# --------------------------------------------------------------------------------------------


def _as_str_array(values: Sequence[str] | np.ndarray) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind != "U":
        # Object arrays would make searchsorted fall back to Python comparisons.
        array = array.astype(str)
    return array


def _positions(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of each value in the sorted ``keys`` and whether it is really there."""
    if keys.size == 0:
        return np.zeros(values.shape, dtype=np.intp), np.zeros(values.shape, dtype=bool)
    pos = np.searchsorted(keys, values)
    np.minimum(pos, keys.size - 1, out=pos)
    return pos, keys[pos] == values


def lookup_curves(
    tables: TableSet,
    regions: Sequence[str] | np.ndarray,
    species_codes: Sequence[str] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Status code and curve row (-1 when none) for each (region, species code)."""
    region_arr = _as_str_array(regions)
    species_arr = _as_str_array(species_codes)
    if region_arr.shape != species_arr.shape or region_arr.ndim != 1:
        raise ValueError("regions and species_codes must be 1-D arrays of the same length")
    r_pos, r_found = _positions(tables.region_keys, region_arr)
    s_pos, s_found = _positions(tables.species_keys, species_arr)
    if tables.pair_curve.size:
        curve = tables.pair_curve[r_pos, s_pos]
    else:
        curve = np.full(region_arr.shape, -1, dtype=np.int64)
    curve = np.where(r_found & s_found, curve, -1)
    status = np.full(region_arr.shape, CODE_OK, dtype=np.int8)
    status[curve < 0] = CODE_NO_ITREE_CODE
    status[~r_found] = CODE_INVALID_REGION
    return status, curve


def index_of(keys: np.ndarray, values: Sequence[str] | np.ndarray) -> np.ndarray:
    """Integer id (position in ``keys``) of each value, -1 when absent.

    Prepare ids once with ``index_of(tables.region_keys, ...)`` and
    ``index_of(tables.species_keys, ...)``; :func:`compute_ids` then skips the string search.
    """
    array = _as_str_array(values)
    pos, found = _positions(keys, array)
    return np.where(found, pos, -1)


def compute(
    tables: TableSet,
    regions: Sequence[str] | np.ndarray,
    species_codes: Sequence[str] | np.ndarray,
    dbh_cm: Sequence[float] | np.ndarray,
) -> EcoResult:
    """The 15 factors (table units) for arrays of trees, vectorised."""
    status, curve = lookup_curves(tables, regions, species_codes)
    return _interpolate_all(tables, status, curve, dbh_cm)


def compute_ids(
    tables: TableSet,
    region_ids: np.ndarray,
    species_ids: np.ndarray,
    dbh_cm: Sequence[float] | np.ndarray,
) -> EcoResult:
    """Like :func:`compute`, with regions and species given as ids from :func:`index_of`.

    An id of -1 (or any id outside the keys) means "not in the tables".
    """
    r_ids = np.asarray(region_ids, dtype=np.intp)
    s_ids = np.asarray(species_ids, dtype=np.intp)
    if r_ids.shape != s_ids.shape or r_ids.ndim != 1:
        raise ValueError("region_ids and species_ids must be 1-D arrays of the same length")
    n_regions, n_species = tables.pair_curve.shape
    r_found = (r_ids >= 0) & (r_ids < n_regions)
    s_found = (s_ids >= 0) & (s_ids < n_species)
    if tables.pair_curve.size:
        curve = tables.pair_curve[np.where(r_found, r_ids, 0), np.where(s_found, s_ids, 0)]
        curve = np.where(r_found & s_found, curve, -1)
    else:
        curve = np.full(r_ids.shape, -1, dtype=np.int64)
    status = np.full(r_ids.shape, CODE_OK, dtype=np.int8)
    status[curve < 0] = CODE_NO_ITREE_CODE
    status[~r_found] = CODE_INVALID_REGION
    return _interpolate_all(tables, status, curve, dbh_cm)


def compute_curves(
    tables: TableSet, curves: np.ndarray, dbh_cm: Sequence[float] | np.ndarray
) -> EcoResult:
    """The 15 factors for trees already resolved to curve rows (``tables.curve_index``).

    For callers that map species to i-Tree codes themselves; a row of -1 gives
    ``no_itree_code``.
    """
    curve = np.asarray(curves, dtype=np.int64)
    if curve.ndim != 1:
        raise ValueError("curves must be a 1-D array")
    curve = np.where((curve >= 0) & (curve < tables.block.shape[1]), curve, -1)
    status = np.where(curve >= 0, CODE_OK, CODE_NO_ITREE_CODE).astype(np.int8)
    return _interpolate_all(tables, status, curve, dbh_cm)


def _interpolate_all(
    tables: TableSet,
    status: np.ndarray,
    curve: np.ndarray,
    dbh_cm: Sequence[float] | np.ndarray,
) -> EcoResult:
    dbh = np.asarray(dbh_cm, dtype=np.float64)
    if dbh.shape != status.shape:
        raise ValueError("dbh_cm must have the same length as regions and species_codes")
    bad = ~(np.isfinite(dbh) & (dbh >= 0))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise InvalidDbhError(index, float(dbh[index]))

    n_factors, n_curves, n_breaks = tables.block.shape
    values = np.empty((n_factors, dbh.size), dtype=np.float64)
    if dbh.size == 0:
        return EcoResult(status, curve, values)
    if n_curves == 0:
        values.fill(np.nan)
        return EcoResult(status, curve, values)

    # Each curve gets a 10th column repeating its last value, and the breakpoints a dummy 10th
    # entry, so that DBH at or above the last breakpoint falls in a flat segment whose value is
    # exactly the last one: clamping without a separate masked pass.
    padded = np.concatenate([tables.block, tables.block[:, :, -1:]], axis=2)
    stride = n_breaks + 1
    tables_flat = padded.reshape(n_factors, -1)
    breaks = np.asarray(tables.breakpoints_cm, dtype=np.float64)
    starts = breaks
    widths = np.append(np.diff(breaks), 1.0)
    ok = curve >= 0
    safe_curve = np.where(ok, curve, 0)

    # Chunks small enough for all temporaries to stay in the CPU cache: the work is a dozen
    # elementwise passes per factor, which would otherwise each stream through main memory.
    for begin in range(0, dbh.size, _CHUNK):
        end = min(begin + _CHUNK, dbh.size)
        d = dbh[begin:end]
        seg = np.searchsorted(breaks, d, side="right") - 1
        np.maximum(seg, 0, out=seg)  # below the first break: segment 0 with t clipped to 0
        t = d - starts[seg]
        t /= widths[seg]
        np.clip(t, 0.0, 1.0, out=t)
        flat = safe_curve[begin:end] * stride + seg
        flat_hi = flat + 1
        lo = np.empty(end - begin)
        hi = np.empty(end - begin)
        bound = np.empty(end - begin)
        for f in range(n_factors):
            table = tables_flat[f]
            np.take(table, flat, out=lo)
            np.take(table, flat_hi, out=hi)
            out = values[f, begin:end]
            # Same operation order as interpolate(): lo + t * (hi - lo), kept inside [lo, hi].
            np.subtract(hi, lo, out=out)
            out *= t
            out += lo
            np.minimum(lo, hi, out=bound)
            np.maximum(out, bound, out=out)
            np.maximum(lo, hi, out=bound)
            np.minimum(out, bound, out=out)
    if not ok.all():
        values[:, ~ok] = np.nan
    return EcoResult(status, curve, values)
