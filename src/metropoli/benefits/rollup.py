"""The three rollups of stored results, and how a change of TreeBenefit rows moves them.

A stored row counts in the rollups while its `in_rollup` is true, under its keys:

* BenefitRollup      (municipality, species, status, condition)
* BenefitDbhRollup   (municipality, species, status, condition, DBH class in whole cm)
* BenefitCellRollup  (level, x, y, municipality, species, status) for each level of
  cover.LEVELS, the cell being the row's finest cell shifted to that level.

Every writer passes the rows it takes out (sign -1) and puts in (sign +1) to `Deltas`, and
`apply` adds them with one upsert per 500 keys, in key order (so concurrent writers lock rows
in the same order), deleting rows left with no tree. Callers own the transaction.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import psycopg
from django.db import connection

from .cover import FINEST_LEVEL, LEVELS
from .models import (
    ROLLUP_SUMS,
    BenefitCellRollup,
    BenefitDbhRollup,
    BenefitRollup,
    TreeBenefit,
)

SUMS = ROLLUP_SUMS  # the group and money columns of calculation.py
# The keys of a stored row the rollups are kept by, in this order.
KEY_FIELDS = ("municipality_id", "species_key", "status", "condition", "dbh_cm", "cell_x", "cell_y")
BASE_KEYS = ("municipality_id", "species_key", "status", "condition")
DBH_KEYS = (*BASE_KEYS, "dbh_class")
CELL_KEYS = ("level", "x", "y", "municipality_id", "species_key", "status")
TABLES = (
    (BenefitRollup, BASE_KEYS),
    (BenefitDbhRollup, DBH_KEYS),
    (BenefitCellRollup, CELL_KEYS),
)


def dbh_class(dbh_cm: float | None) -> int:
    """Whole centimetres; -1 when unknown. Stored DBHs have one decimal, so class c holds
    c.0 … c.9 cm exactly."""
    return -1 if dbh_cm is None else math.floor(dbh_cm)


class Deltas:
    """[trees, sums...] to add per key of each rollup."""

    def __init__(self) -> None:
        self.by_table: dict[type, dict[tuple, list[float]]] = {model: {} for model, _k in TABLES}

    def _add(self, model, key: tuple, values: Sequence[float], sign: float) -> None:
        current = self.by_table[model].setdefault(key, [0.0] * (1 + len(SUMS)))
        current[0] += sign
        for i, value in enumerate(values, start=1):
            current[i] += sign * value

    def add(self, keys: Sequence, values: Sequence[float | None], sign: float) -> None:
        """One stored row: keys in KEY_FIELDS order, values in SUMS order (None = 0)."""
        values = [v or 0.0 for v in values]
        municipality, species, status, condition, dbh, cell_x, cell_y = keys
        self._add(BenefitRollup, (municipality, species, status, condition), values, sign)
        self._add(
            BenefitDbhRollup,
            (municipality, species, status, condition, dbh_class(dbh)),
            values,
            sign,
        )
        if cell_x is not None:
            for level in LEVELS:
                shift = FINEST_LEVEL - level
                self._add(
                    BenefitCellRollup,
                    (level, cell_x >> shift, cell_y >> shift, municipality, species, status),
                    values,
                    sign,
                )

    def add_rows(self, rows: Iterable[dict], sign: float) -> None:
        """Rows as dicts with KEY_FIELDS and SUMS (e.g. TreeBenefit.objects.values(...))."""
        for row in rows:
            self.add([row[k] for k in KEY_FIELDS], [row[c] for c in SUMS], sign)


def settled_rows(tree_ids: Sequence[int]) -> list[dict]:
    """The rows of these trees counted in the rollups, locked until the transaction ends."""
    found: list[dict] = []
    for start in range(0, len(tree_ids), 5_000):
        chunk = tree_ids[start : start + 5_000]
        found.extend(
            TreeBenefit.objects.select_for_update()
            .filter(tree_id__in=chunk, in_rollup=True)
            .order_by("tree_id")
            .values("tree_id", *KEY_FIELDS, *SUMS)
        )
    return found


def apply(deltas: Deltas) -> None:
    """Add the deltas to the rollups (caller's transaction)."""
    quote = connection.ops.quote_name
    for model, keys in TABLES:
        wanted = {k: v for k, v in deltas.by_table[model].items() if any(v)}
        if not wanted:
            continue
        table = quote(model._meta.db_table)
        columns = [*keys, "trees", *SUMS]
        upsert = (
            f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET "
            + ", ".join(
                f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}"
                for c in columns[len(keys) :]
            )
            + " RETURNING id, trees"
        )
        rows = [(*key, int(round(v[0])), *v[1:]) for key, v in sorted(wanted.items())]
        emptied: list[int] = []
        with connection.cursor() as cursor:
            # One statement per rollup, the rows as one array per column, bound on the
            # server (Django's cursor would quote thousands of values into the text).
            types = {f.column: f.db_type(connection) for f in model._meta.concrete_fields}
            arrays = ", ".join(f"%b::{types[c]}[]" for c in columns)
            with psycopg.Cursor(cursor.connection) as bound:
                bound.execute(
                    f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                    f"SELECT * FROM unnest({arrays}) {upsert}",
                    [list(column) for column in zip(*rows, strict=True)],
                )
                emptied.extend(pk for pk, trees in bound.fetchall() if trees <= 0)
        if emptied:
            model.objects.filter(pk__in=emptied).delete()


def _insert_grouped(
    model, keys: Sequence[str], expressions: Sequence[str], where: str = ""
) -> None:
    """INSERT INTO the rollup the sums of the counted rows grouped by `expressions` (SQL)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in (*keys, "trees", *SUMS))
    sums = ", ".join(f"COALESCE(SUM({quote(c)}), 0)" for c in SUMS)
    groups = ", ".join(str(i + 1) for i in range(len(expressions)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - ours
            f"SELECT {', '.join(expressions)}, COUNT(*), {sums} "
            f"FROM {quote(TreeBenefit._meta.db_table)} WHERE in_rollup {where} "
            f"GROUP BY {groups}"
        )


def rebuild() -> int:
    """Recount the rollups from the stored rows (caller's transaction); returns their rows."""
    models = [model for model, _keys in TABLES]
    # Writers wait until the recount commits: none of their changes can be lost between the
    # recount's reading of the rows and its writing of the rollups. Reads go on.
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    for model in models:
        model.objects.all().delete()
    base = ["municipality_id", "species_key", "status", "condition"]
    _insert_grouped(BenefitRollup, BASE_KEYS, base)
    # dbh_class() is the floor; a cast to integer alone would round.
    dbh = "CASE WHEN dbh_cm IS NULL THEN -1 ELSE CAST(FLOOR(dbh_cm) AS INTEGER) END"
    _insert_grouped(BenefitDbhRollup, DBH_KEYS, [*base, dbh])
    for level in LEVELS:
        shift = FINEST_LEVEL - level
        _insert_grouped(
            BenefitCellRollup,
            CELL_KEYS,
            [str(level), f"cell_x >> {shift}", f"cell_y >> {shift}", *base[:3]],
            "AND cell_x IS NOT NULL",
        )
    return sum(model.objects.count() for model in models)
