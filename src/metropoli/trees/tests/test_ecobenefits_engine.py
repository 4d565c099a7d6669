"""Engine tests: reference vectors, interpolation properties, table junk, money.

Reference data lives outside the repository (third-party i-Tree tables). The tables are found at
``<repo>/../shared/itree/tables`` or at ``$METROPOLI_ITREE_DIR``, the vectors beside them; tests
that need them are skipped, with the path in the reason, when they are missing (and fail when
CI is "true": common.testing.requires_shared).
"""

from __future__ import annotations

import ast
import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from metropoli.common.testing import ITREE_DIR, ITREE_TABLES, need_shared, requires_shared
from metropoli.trees.ecobenefits import (
    FACTORS,
    KG_TO_LB,
    M3_TO_US_GALLONS,
    STANDARD_BREAKPOINTS_CM,
    InvalidDbhError,
    Rates,
    TableFormatError,
    compute,
    compute_loop,
    compute_tree,
    interpolate,
    load_region_currency,
    load_tables,
    to_money,
)
from metropoli.trees.ecobenefits.money import FACTOR_PRICING

DATA = (ITREE_TABLES, ITREE_DIR / "vectors.csv")
HAVE_DATA = all(path.exists() for path in DATA)
needs_data = requires_shared(*DATA, variable="METROPOLI_ITREE_DIR")
# vectors.csv was produced by OpenTreeMap's service, whose arithmetic leaves artefacts such as
# -2.168404344971009e-19 where the table says 0. Table values have at most 4 decimals, so an
# absolute floor of 1e-12 cannot hide a real difference while tolerating those artefacts.
REL_TOL = 1e-9
ABS_TOL = 1e-12
FIRST, LAST = STANDARD_BREAKPOINTS_CM[0], STANDARD_BREAKPOINTS_CM[-1]


def _vector_rows() -> list[dict[str, str]]:
    if not HAVE_DATA:
        return []
    with (ITREE_DIR / "vectors.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


VECTORS = _vector_rows()


@pytest.fixture(scope="module")
def tables():
    need_shared(ITREE_TABLES, variable="METROPOLI_ITREE_DIR")
    return load_tables(ITREE_TABLES)


def _extrapolated_last_segment(curve: tuple[float, ...], dbh: float) -> float:
    b = STANDARD_BREAKPOINTS_CM
    return curve[7] + (dbh - b[7]) * (curve[8] - curve[7]) / (b[8] - b[7])


# ------------------------------------------------------------------------------------------
# Real tables and reference vectors
# ------------------------------------------------------------------------------------------


@needs_data
def test_real_tables_load_completely(tables):
    assert tables.breakpoints_cm == STANDARD_BREAKPOINTS_CM
    assert len(tables.regions) == 16
    # Every mapped i-Tree code has a clean row in all 15 factor tables.
    assert tables.unusable_mappings == ()
    with (ITREE_TABLES / "species.json").open() as handle:
        raw = json.load(handle)
    assert {r: dict(m) for r, m in tables.species_map.items()} == raw
    # The real files do carry junk rows (titles, axis labels, blank rows), all skipped.
    assert any("Midpoint" in s.reason or "first cell" in s.reason for s in tables.skipped_rows)


@needs_data
def test_vectors_cover_all_statuses():
    statuses = {(r["status"], r["beyond_last_break"]) for r in VECTORS}
    assert statuses == {
        ("ok", "no"),
        ("ok", "yes"),
        ("no_itree_code", "no"),
        ("invalid_region", "no"),
    }
    assert len(VECTORS) == 451


@needs_data
@pytest.mark.parametrize(
    "row",
    VECTORS,
    ids=[f"{i}-{r['case']}-{r['region']}-{r['otm_code']}" for i, r in enumerate(VECTORS)],
)
def test_reference_vector(tables, row):
    dbh = float(row["dbh_cm"])
    result = compute_tree(tables, row["region"], row["otm_code"], dbh)
    assert result.status == row["status"]
    if row["status"] != "ok":
        assert result.values is None
        assert all(row[f] == "" for f in FACTORS)
        return
    assert result.itree_code == row["itree_code"]
    assert result.values is not None
    for factor in FACTORS:
        ours, reference = result.values[factor], float(row[factor])
        curve = tables.curve(row["region"], row["itree_code"], factor)
        if row["beyond_last_break"] == "no":
            assert math.isclose(ours, reference, rel_tol=REL_TOL, abs_tol=ABS_TOL), factor
        else:
            # Deliberate difference: we clamp to the last breakpoint value; OpenTreeMap's service
            # (which produced vectors.csv) extrapolates the last segment. Both are checked.
            assert dbh > LAST
            assert ours == curve[-1], factor
            expected_otm = _extrapolated_last_segment(curve, dbh)
            assert math.isclose(reference, expected_otm, rel_tol=REL_TOL, abs_tol=ABS_TOL)


@needs_data
def test_reference_vectors_vectorised_equal_per_tree(tables):
    regions = [r["region"] for r in VECTORS]
    codes = [r["otm_code"] for r in VECTORS]
    dbh = [float(r["dbh_cm"]) for r in VECTORS]
    result = compute(tables, regions, codes, dbh)
    assert list(result.status_labels()) == [r["status"] for r in VECTORS]
    _assert_same(result, compute_loop(tables, regions, codes, dbh))


@needs_data
def test_clamping_differs_from_reference_service_beyond_last_break(tables):
    """Documents the size of the deliberate deviation (see 0011-itree-clamping.md)."""
    beyond = [r for r in VECTORS if r["beyond_last_break"] == "yes"]
    differing = 0
    for row in beyond:
        result = compute_tree(tables, row["region"], row["otm_code"], float(row["dbh_cm"]))
        assert result.values is not None
        differing += sum(result.values[f] != float(row[f]) for f in FACTORS)
    assert differing > 0
    row = next(
        r
        for r in VECTORS
        if (r["region"], r["otm_code"], r["dbh_cm"]) == ("NoEastXXX", "PLAC", "250")
    )
    ours = compute_tree(tables, "NoEastXXX", "PLAC", 250.0).values
    assert ours is not None
    assert ours["co2_storage"] == 15300.8
    assert float(row["co2_storage"]) == pytest.approx(57528.966, abs=1e-3)


@needs_data
def test_every_breakpoint_returns_exact_table_value(tables):
    """All curves x 9 breakpoints x 15 factors, vectorised and per tree."""
    regions, codes, dbh, expected = [], [], [], []
    for region, species in tables.species_map.items():
        seen = set()
        for code, itree in species.items():
            if itree in seen:
                continue
            seen.add(itree)
            for k, b in enumerate(tables.breakpoints_cm):
                regions.append(region)
                codes.append(code)
                dbh.append(b)
                expected.append([tables.curve(region, itree, f)[k] for f in FACTORS])
    result = compute(tables, regions, codes, dbh)
    assert np.array_equal(result.values.T, np.array(expected))
    for i in range(0, len(dbh), 97):
        tree = compute_tree(tables, regions[i], codes[i], dbh[i])
        assert tree.values is not None
        assert [tree.values[f] for f in FACTORS] == expected[i]


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------


def _assert_same(result, trees) -> None:
    assert len(result) == len(trees)
    labels = result.status_labels()
    for i, tree in enumerate(trees):
        assert labels[i] == tree.status
        column = result.values[:, i]
        if tree.values is None:
            assert np.isnan(column).all()
        else:
            # Same arithmetic in the same order: bit-for-bit equality, not closeness.
            assert column.tolist() == [tree.values[f] for f in FACTORS]


finite_values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
dbh_values = st.floats(min_value=0, max_value=500, allow_nan=False, allow_infinity=False)


@given(
    curve=st.lists(finite_values, min_size=9, max_size=9),
    a=dbh_values,
    b=dbh_values,
    increasing=st.booleans(),
)
def test_interpolation_is_monotone_where_the_row_is(curve, a, b, increasing):
    row = sorted(curve, reverse=not increasing)
    lo, hi = min(a, b), max(a, b)
    v_lo = interpolate(STANDARD_BREAKPOINTS_CM, row, lo)
    v_hi = interpolate(STANDARD_BREAKPOINTS_CM, row, hi)
    assert v_lo <= v_hi if increasing else v_lo >= v_hi


@given(curve=st.lists(finite_values, min_size=9, max_size=9), k=st.integers(0, 7))
def test_monotone_just_below_a_breakpoint(curve, k):
    # Where t rounds to 1 an unclamped lerp can overshoot the next breakpoint value by one ulp.
    row = sorted(curve)
    b = STANDARD_BREAKPOINTS_CM[k + 1]
    below = math.nextafter(b, 0.0)
    assert interpolate(STANDARD_BREAKPOINTS_CM, row, below) <= row[k + 1]
    assert interpolate(STANDARD_BREAKPOINTS_CM, row, b) == row[k + 1]


@needs_data
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_real_rows_monotone_in_dbh(tables, data):
    region = data.draw(st.sampled_from(tables.regions))
    itree = data.draw(st.sampled_from(sorted(tables.curves[region])))
    factor = data.draw(st.sampled_from(FACTORS))
    curve = tables.curve(region, itree, factor)
    increasing = all(x <= y for x, y in zip(curve, curve[1:], strict=False))
    decreasing = all(x >= y for x, y in zip(curve, curve[1:], strict=False))
    assume(increasing or decreasing)
    code = next(c for c, i in tables.species_map[region].items() if i == itree)
    dbh = sorted(data.draw(st.lists(dbh_values, min_size=2, max_size=20)))
    values = compute(tables, [region] * len(dbh), [code] * len(dbh), dbh).factor(factor)
    steps = np.diff(values)
    assert (steps >= 0).all() if increasing else (steps <= 0).all()


@needs_data
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_constant_outside_the_breakpoints(tables, data):
    region = data.draw(st.sampled_from(tables.regions))
    code = data.draw(st.sampled_from(sorted(tables.species_map[region])))
    itree = tables.species_map[region][code]
    below = data.draw(st.lists(st.floats(0, FIRST), min_size=1, max_size=10))
    above = data.draw(st.lists(st.floats(LAST, 1e6), min_size=1, max_size=10))
    dbh = below + above
    result = compute(tables, [region] * len(dbh), [code] * len(dbh), dbh)
    for f, factor in enumerate(FACTORS):
        curve = tables.curve(region, itree, factor)
        assert (result.values[f, : len(below)] == curve[0]).all()
        assert (result.values[f, len(below) :] == curve[-1]).all()


@needs_data
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_vectorised_equals_per_tree_loop(tables, data):
    regions = st.sampled_from([*tables.regions, "GdlMexXXX", ""])
    codes = st.sampled_from([*tables.species_keys.tolist()[:200], "JAMI", "", "BDL OTHER"])
    trees = data.draw(st.lists(st.tuples(regions, codes, dbh_values), max_size=60))
    region_list = [t[0] for t in trees]
    code_list = [t[1] for t in trees]
    dbh_list = [t[2] for t in trees]
    result = compute(tables, region_list, code_list, dbh_list)
    _assert_same(result, compute_loop(tables, region_list, code_list, dbh_list))


@needs_data
@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf, -math.inf])
def test_invalid_dbh_is_rejected(tables, bad):
    with pytest.raises(InvalidDbhError):
        compute_tree(tables, "NoEastXXX", "ACRU", bad)
    with pytest.raises(InvalidDbhError) as info:
        compute(tables, ["NoEastXXX"] * 3, ["ACRU"] * 3, [10.0, bad, 5.0])
    assert info.value.index == 1


@needs_data
def test_statuses_and_empty_input(tables):
    regions = ["NoEastXXX", "NoEastXXX", "Nowhere"]
    result = compute(tables, regions, ["ACRU", "JAMI", "ACRU"], [1, 2, 3])
    assert result.status_labels().tolist() == ["ok", "no_itree_code", "invalid_region"]
    assert result.counts() == {"ok": 1, "no_itree_code": 1, "invalid_region": 1}
    assert np.isnan(result.values[:, 1:]).all()
    empty = compute(tables, [], [], [])
    assert len(empty) == 0 and empty.values.shape == (len(FACTORS), 0)


# ------------------------------------------------------------------------------------------
# Junk tolerance with a synthetic table directory
# ------------------------------------------------------------------------------------------

HEADER = ",3.81,11.43,22.86,38.10,53.34,68.58,83.82,99.06,114.30"


def _write_synthetic(root: Path, *, header: str = HEADER, skip_factor: str | None = None) -> None:
    species = {"TstRegXXX": {"AAA": "AAAI", "BBB": "BDL OTHER", "BAD": "BADI", "GONE": "NOPE"}}
    (root / "species.json").write_text(json.dumps(species), encoding="utf-8")
    for n, factor in enumerate(FACTORS):
        if factor == skip_factor:
            continue
        scale = n + 1
        aaa = ",".join(str(scale * k) for k in range(1, 10))
        first = header if n % 2 else header.replace(",", "#VALUE!,", 1)
        lines = [
            first + ",,,,",
            f"AAAI,{aaa},,,,",
            "",
            ",,,,,,,,,",
            "BADI,1,2,#VALUE!,4,5,6,7,8,9",
            f"BDL OTHER,{','.join(['7.5'] * 9)}",
            "0,CO2 Sequestered less Releases(kg/tree),,,,,,0,,",
            ",2,3,4,5,6,7,8,9,10",
            ",Average Annual Benefits per Tree,,,,,,0,,",
            r",H2O Interception,,,,,,Copied from C:\MyFiles\SM Hydrology RU.xls,,",
            "22.86,,,Midpoint of DBH class (cm),,,,,,",
        ]
        # A byte order mark on some files, as spreadsheet exports sometimes have.
        text = ("\ufeff" if n % 3 == 0 else "") + "\r\n".join(lines) + "\r\n"
        (root / f"output__TstRegXXX__{factor}.csv").write_text(text, encoding="utf-8")


def test_junk_rows_and_cells_are_tolerated(tmp_path):
    _write_synthetic(tmp_path)
    tables = load_tables(tmp_path)
    assert tables.breakpoints_cm == STANDARD_BREAKPOINTS_CM
    assert set(tables.curves["TstRegXXX"]) == {"AAAI", "BDL OTHER"}
    # BADI has a #VALUE! cell and NOPE has no row at all: both mappings become unusable.
    assert {(m[1], m[2]) for m in tables.unusable_mappings} == {("BAD", "BADI"), ("GONE", "NOPE")}
    reasons = " | ".join(s.reason for s in tables.skipped_rows)
    assert "BADI: not 9 numbers" in reasons and "blank row" in reasons

    result = compute(
        tables, ["TstRegXXX"] * 4, ["AAA", "BBB", "BAD", "GONE"], [11.43, 200.0, 10.0, 10.0]
    )
    assert result.status_labels().tolist() == ["ok", "ok", "no_itree_code", "no_itree_code"]
    for n, factor in enumerate(FACTORS):
        assert result.factor(factor)[0] == (n + 1) * 2
        assert result.factor(factor)[1] == 7.5
    midway = compute_tree(tables, "TstRegXXX", "AAA", (3.81 + 11.43) / 2)
    assert midway.values is not None
    assert midway.values["natural_gas"] == pytest.approx(1.5, rel=1e-12)


def test_missing_factor_table_is_an_error(tmp_path):
    _write_synthetic(tmp_path, skip_factor="bvoc")
    with pytest.raises(TableFormatError, match="bvoc"):
        load_tables(tmp_path)


def test_unusable_header_is_an_error(tmp_path):
    _write_synthetic(tmp_path, header=",3.81,11.43,22.86,38.10,#VALUE!,68.58,83.82,99.06,114.30")
    with pytest.raises(TableFormatError, match="breakpoints"):
        load_tables(tmp_path)


def test_missing_directory_and_species_file(tmp_path):
    with pytest.raises(TableFormatError):
        load_tables(tmp_path / "nope")
    with pytest.raises(TableFormatError, match="species"):
        load_tables(tmp_path)


# ------------------------------------------------------------------------------------------
# Money
# ------------------------------------------------------------------------------------------


def test_unit_constants():
    assert math.isclose(M3_TO_US_GALLONS, 264.172052358, rel_tol=1e-11)
    assert math.isclose(KG_TO_LB, 2.20462262185, rel_tol=1e-11)
    assert set(FACTOR_PRICING) == set(FACTORS)


def test_to_money_applies_unit_conversions():
    rates = Rates(0.5, 0.1, 0.01, 0.002, 3.0, 4.0, 5.0, 6.0, 7.0, currency="MXN")
    money = to_money(
        {"electricity": 10.0, "hydro_interception": 2.0, "aq_pm10_dep": np.array([1.0, np.nan])},
        rates,
    )
    assert money["electricity"] == pytest.approx(5.0)
    assert money["hydro_interception"] == pytest.approx(2.0 * M3_TO_US_GALLONS * 0.01)
    assert money["aq_pm10_dep"][0] == pytest.approx(KG_TO_LB * 5.0)
    assert np.isnan(money["aq_pm10_dep"][1])
    with pytest.raises(KeyError):
        to_money({"timber": 1.0}, rates)


@requires_shared(ITREE_DIR / "region_currency.csv", variable="METROPOLI_ITREE_DIR")
def test_region_currency_loader():
    rates = load_region_currency(ITREE_DIR / "region_currency.csv")
    assert len(rates) == 16
    northeast = rates["NoEastXXX"]
    assert northeast.name == "Northeast"
    assert northeast.rates.electricity_kwh_to_currency == 0.1401
    assert northeast.rates.co2_lb_to_currency == 0.00334
    assert northeast.rates.currency == "USD"


# ------------------------------------------------------------------------------------------
# Purity
# ------------------------------------------------------------------------------------------


def test_engine_never_imports_django():
    package = Path(__file__).resolve().parents[1] / "ecobenefits"
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "django" for n in names), source.name
