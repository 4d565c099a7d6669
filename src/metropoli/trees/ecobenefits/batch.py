"""CSV in, CSV out: eco-benefits for a whole tree inventory.

This is the pure core of ``metropoli trees ecobenefits --tables DIR --input IN.csv --output OUT``.
The input is read and validated completely before anything is written, and the output appears
atomically (temporary file in the same directory, then rename), so a failed run never leaves a
partial or truncated output file behind.
"""

from __future__ import annotations

import csv
import math
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .engine import STATUS_LABELS, compute
from .tables import FACTORS, TableSet, load_tables

REQUIRED_COLUMNS: tuple[str, ...] = ("region", "otm_code", "dbh_cm")
OUTPUT_COLUMNS: tuple[str, ...] = ("status", *FACTORS)
# Plain decimal notation only: float() would also take "1_0", "infinity" or "nan".
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


class BatchInputError(ValueError):
    """The input CSV cannot be processed. Nothing has been written when this is raised.

    ``row`` is the 1-based data row (the header is not counted), ``line`` the physical line of the
    file where that row ends; both are None for problems with the header itself.
    """

    def __init__(
        self,
        path: Path,
        message: str,
        *,
        row: int | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        where = path.name
        if row is not None:
            where += f": row {row} (line {line})"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.row = row
        self.line = line
        self.column = column


@dataclass(frozen=True)
class BatchSummary:
    output_path: Path
    rows: int
    ok: int
    no_itree_code: int
    invalid_region: int


def format_value(value: float) -> str:
    """Shortest round-trip text, integers without ".0" (the way vectors.csv writes numbers)."""
    if value == 0:
        return "0"  # also folds -0.0, which would only confuse spreadsheet users
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _parse_dbh(text: str, path: Path, row: int, line: int) -> float:
    cell = text.strip()
    if _NON_FINITE.fullmatch(cell):
        raise BatchInputError(
            path, f"DBH must be finite, got {text!r}", row=row, line=line, column="dbh_cm"
        )
    if not _NUMBER.fullmatch(cell):
        raise BatchInputError(
            path, f"DBH is not a number: {text!r}", row=row, line=line, column="dbh_cm"
        )
    value = float(cell)
    if not math.isfinite(value):
        # e.g. "1e999": syntactically a number but it overflows to infinity.
        raise BatchInputError(
            path, f"DBH must be finite, got {text!r}", row=row, line=line, column="dbh_cm"
        )
    if value < 0:
        raise BatchInputError(
            path, f"DBH must be >= 0 cm, got {text!r}", row=row, line=line, column="dbh_cm"
        )
    return value


def read_input(path: Path) -> tuple[list[str], list[list[str]], list[str], list[str], np.ndarray]:
    """Validate and read the whole input: (header, rows, regions, species codes, dbh)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise BatchInputError(path, "no header row")
        names = [cell.strip() for cell in header]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise BatchInputError(path, f"duplicate columns: {', '.join(duplicates)}")
        for column in REQUIRED_COLUMNS:
            if column not in names:
                raise BatchInputError(path, "required column is missing", column=column)
        for column in OUTPUT_COLUMNS:
            if column in names:
                raise BatchInputError(
                    path, "column would be overwritten by the output", column=column
                )
        i_region, i_code, i_dbh = (names.index(c) for c in REQUIRED_COLUMNS)

        rows: list[list[str]] = []
        regions: list[str] = []
        codes: list[str] = []
        dbh: list[float] = []
        for record in reader:
            if not record or not any(cell.strip() for cell in record):
                continue  # blank lines (typically a trailing one) carry no tree
            row_number = len(rows) + 1
            if len(record) != len(header):
                raise BatchInputError(
                    path,
                    f"expected {len(header)} fields, found {len(record)}",
                    row=row_number,
                    line=reader.line_num,
                )
            dbh.append(_parse_dbh(record[i_dbh], path, row_number, reader.line_num))
            # Surrounding spaces are spreadsheet noise, never part of a code.
            regions.append(record[i_region].strip())
            codes.append(record[i_code].strip())
            rows.append(record)
    return header, rows, regions, codes, np.asarray(dbh, dtype=np.float64)


def _write_atomically(path: Path, header: list[str], rows: list[list[str]]) -> None:
    directory = path.parent
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        # CRLF line ends as in RFC 4180 and in vectors.csv.
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; an output file is an ordinary shareable artefact.
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        temp.chmod(mode)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def run_batch(
    tables_dir: str | Path | TableSet,
    input_path: str | Path,
    output_path: str | Path,
) -> BatchSummary:
    """Compute the 15 factors for every row of ``input_path`` and write ``output_path``.

    Input columns ``region, otm_code, dbh_cm`` are required; all columns are passed through in
    order, followed by ``status`` and the 15 factors (table units). Factors are empty when the
    status is not ``ok``. Raises :class:`BatchInputError` (nothing written) for unusable input.
    """
    source = Path(input_path)
    target = Path(output_path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{target.parent}: output directory does not exist")
    tables = tables_dir if isinstance(tables_dir, TableSet) else load_tables(tables_dir)
    header, rows, regions, codes, dbh = read_input(source)

    result = compute(tables, np.asarray(regions, dtype=str), np.asarray(codes, dtype=str), dbh)
    labels = [STATUS_LABELS[code] for code in result.status.tolist()]
    columns = [result.values[i].tolist() for i in range(len(FACTORS))]
    empty = [""] * len(FACTORS)
    out_rows: list[list[str]] = []
    for i, (record, label) in enumerate(zip(rows, labels, strict=True)):
        if label == STATUS_LABELS[0]:
            out_rows.append([*record, label, *(format_value(col[i]) for col in columns)])
        else:
            out_rows.append([*record, label, *empty])
    _write_atomically(target, [*header, *OUTPUT_COLUMNS], out_rows)

    counts = result.counts()
    return BatchSummary(
        output_path=target,
        rows=len(rows),
        ok=counts["ok"],
        no_itree_code=counts["no_itree_code"],
        invalid_region=counts["invalid_region"],
    )
