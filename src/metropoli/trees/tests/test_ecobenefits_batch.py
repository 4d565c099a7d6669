"""Batch (CSV in, CSV out) tests, including the reference vectors reproduced through files."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from metropoli.common.testing import ITREE_DIR, ITREE_TABLES, need_shared
from metropoli.trees.ecobenefits import (
    FACTORS,
    STANDARD_BREAKPOINTS_CM,
    BatchInputError,
    load_tables,
    run_batch,
)
from metropoli.trees.ecobenefits.batch import OUTPUT_COLUMNS, format_value

# See test_ecobenefits_engine.py for why an absolute floor accompanies the relative tolerance.
REL_TOL = 1e-9
ABS_TOL = 1e-12
PASS_THROUGH = ("case", "region", "otm_code", "itree_code", "dbh_in", "dbh_cm", "beyond_last_break")


@pytest.fixture(scope="module")
def tables():
    need_shared(ITREE_TABLES, ITREE_DIR / "vectors.csv", variable="METROPOLI_ITREE_DIR")
    return load_tables(ITREE_TABLES)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_reproduces_reference_vectors_through_files(tables, tmp_path):
    vectors_header, vectors = _read(ITREE_DIR / "vectors.csv")
    assert set(FACTORS) <= set(vectors_header)
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PASS_THROUGH)
        writer.writerows([[row[c] for c in PASS_THROUGH] for row in vectors])
    target = tmp_path / "out.csv"

    summary = run_batch(ITREE_TABLES, source, target)

    assert (summary.rows, summary.ok, summary.no_itree_code, summary.invalid_region) == (
        451,
        449,
        1,
        1,
    )
    header, output = _read(target)
    assert header == [*PASS_THROUGH, "status", *FACTORS]
    assert len(output) == len(vectors)
    for ours, ref in zip(output, vectors, strict=True):
        assert all(ours[c] == ref[c] for c in PASS_THROUGH)  # passed through unchanged
        assert ours["status"] == ref["status"]
        if ref["status"] != "ok":
            assert all(ours[f] == ref[f] == "" for f in FACTORS)
            continue
        for factor in FACTORS:
            value = float(ours[factor])
            if ref["beyond_last_break"] == "no":
                assert math.isclose(value, float(ref[factor]), rel_tol=REL_TOL, abs_tol=ABS_TOL)
            else:
                # Clamped on purpose; vectors.csv holds OpenTreeMap's extrapolated value here.
                curve = tables.curve(ref["region"], ref["itree_code"], factor)
                assert value == curve[-1]


def test_output_uses_crlf_and_text_like_the_vectors(tables, tmp_path):
    source = _write(tmp_path / "in.csv", "region,otm_code,dbh_cm\nInlEmpCLM,FICA,50.8\n")
    target = tmp_path / "out.csv"
    run_batch(tables, source, target)
    raw = target.read_bytes()
    assert raw.count(b"\r\n") == 2
    _, rows = _read(target)
    # The README anchor: InlEmpCLM FICA (BDS OTHER) at 20 in; vectors.csv writes 569.6 and 0.
    assert rows[0]["co2_storage"] == "569.6"
    assert rows[0]["bvoc"] == "0"


def test_passes_extra_columns_through_in_order(tables, tmp_path):
    source = _write(
        tmp_path / "in.csv",
        'id,dbh_cm,note,otm_code,region\n7,10,"Calle 5, esq. Juárez",ACRU, NoEastXXX \n'
        "8,3,,JAMI,NoEastXXX\n9,3,x,ACRU,GdlMexXXX\n\n",
    )
    target = tmp_path / "out.csv"
    summary = run_batch(tables, source, target)
    assert (summary.ok, summary.no_itree_code, summary.invalid_region) == (1, 1, 1)
    header, rows = _read(target)
    assert header == ["id", "dbh_cm", "note", "otm_code", "region", *OUTPUT_COLUMNS]
    assert rows[0]["note"] == "Calle 5, esq. Juárez"
    assert rows[0]["region"] == " NoEastXXX "  # passed through untouched, matched stripped
    assert [r["status"] for r in rows] == ["ok", "no_itree_code", "invalid_region"]


def test_header_only_input_gives_header_only_output(tables, tmp_path):
    source = _write(tmp_path / "in.csv", "region,otm_code,dbh_cm\n")
    target = tmp_path / "out.csv"
    assert run_batch(tables, source, target).rows == 0
    header, rows = _read(target)
    assert header == ["region", "otm_code", "dbh_cm", *OUTPUT_COLUMNS] and rows == []


def test_breakpoint_values_survive_text_round_trip(tables, tmp_path):
    lines = ["region,otm_code,dbh_cm"] + [f"NoEastXXX,ACRU,{b!r}" for b in STANDARD_BREAKPOINTS_CM]
    source = _write(tmp_path / "in.csv", "\n".join(lines) + "\n")
    target = tmp_path / "out.csv"
    run_batch(tables, source, target)
    _, rows = _read(target)
    for k, row in enumerate(rows):
        for factor in FACTORS:
            assert float(row[factor]) == tables.curve("NoEastXXX", "ACRU", factor)[k]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (187.0, "187"),
        (-81.4, "-81.4"),
        (4.1000000000000085, "4.1000000000000085"),
        (8.333333333333336e-05, "8.333333333333336e-05"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


BAD_INPUTS = [
    ("region,otm_code\nNoEastXXX,ACRU\n", None, "dbh_cm"),
    ("region,dbh_cm\nNoEastXXX,10\n", None, "otm_code"),
    ("otm_code,dbh_cm\nACRU,10\n", None, "region"),
    ("region,otm_code,dbh_cm\nNoEastXXX,ACRU,10\nNoEastXXX,ACRU,abc\n", 2, "dbh_cm"),
    ("region,otm_code,dbh_cm\nNoEastXXX,ACRU,\n", 1, "dbh_cm"),
    ("region,otm_code,dbh_cm\nNoEastXXX,ACRU,1_0\n", 1, "dbh_cm"),
    ("region,otm_code,dbh_cm\nNoEastXXX,ACRU,10\nNoEastXXX,ACRU,nan\n", 2, "dbh_cm"),
    ("region,otm_code,dbh_cm\nNoEastXXX,ACRU,inf\n", 1, "dbh_cm"),
    ("region,otm_code,dbh_cm\nNoEastXXX,ACRU,-Infinity\n", 1, "dbh_cm"),
    ("region,otm_code,dbh_cm\nNoEastXXX,ACRU,1e999\n", 1, "dbh_cm"),
    ("region,otm_code,dbh_cm\nA,B,1\nA,B,2\nNoEastXXX,ACRU,-3\n", 3, "dbh_cm"),
    ("region,otm_code,dbh_cm\nNoEastXXX,ACRU,10,extra\n", 1, None),
    ("region,otm_code,dbh_cm,status\nNoEastXXX,ACRU,10,x\n", None, "status"),
    ("region,otm_code,dbh_cm,bvoc\nNoEastXXX,ACRU,10,x\n", None, "bvoc"),
    ("", None, None),
]


@pytest.mark.parametrize(("text", "row", "column"), BAD_INPUTS)
def test_bad_input_raises_and_writes_nothing(tables, tmp_path, text, row, column):
    source = _write(tmp_path / "in.csv", text)
    target = tmp_path / "out" / "result.csv"
    target.parent.mkdir()
    with pytest.raises(BatchInputError) as info:
        run_batch(tables, source, target)
    assert info.value.row == row
    assert info.value.column == column
    if row is not None:
        assert f"row {row}" in str(info.value)
    if column is not None:
        assert repr(column) in str(info.value)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temporary leftovers either


def test_failed_run_keeps_previous_output_intact(tables, tmp_path):
    target = _write(tmp_path / "out.csv", "previous,content\r\n")
    source = _write(tmp_path / "in.csv", "region,otm_code,dbh_cm\nNoEastXXX,ACRU,-1\n")
    with pytest.raises(BatchInputError):
        run_batch(tables, source, target)
    assert target.read_bytes() == b"previous,content\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_missing_output_directory_is_reported_before_work(tables, tmp_path):
    source = _write(tmp_path / "in.csv", "region,otm_code,dbh_cm\nNoEastXXX,ACRU,1\n")
    with pytest.raises(FileNotFoundError):
        run_batch(tables, source, tmp_path / "missing" / "out.csv")
