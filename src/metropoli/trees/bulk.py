"""Writing millions of trees in one go: the synthetic forest (synthetic.py) and inventory imports
(inventory.py), both through a temporary staging table (docs/decisions/0086-bulk-tree-loads.md).

- `copy_arrays`: numpy columns sent with one binary COPY (fixed-width fields laid out by a numpy
  record array: no Python loop over rows, no text to parse on the server);
- `set_aside`: the secondary indexes and foreign keys of the trees tables are dropped for the
  load and made again at its end, in the same transaction: one sorted build per index and one
  join per key instead of an index insertion and a deferred trigger per row;
- `finest_cells_sql` / `add_cells`: the map's cell counts (TreeCell) of many points, set-based.
"""

import contextlib
from collections.abc import Iterator, Sequence

import numpy as np

from . import cells
from .models import PlantingSite, Tree, TreeCell, TreeMapPoint

# The tables a bulk load writes, whose indexes and keys it may set aside.
TABLES = (PlantingSite._meta.db_table, Tree._meta.db_table, TreeMapPoint._meta.db_table)

_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension
_COPY_TRAILER = b"\xff\xff"
_BINARY = {"int8": ">i8", "int4": ">i4", "int2": ">i2", "float8": ">f8"}


def copy_arrays(cursor, table: str, columns: Sequence[tuple[str, str, np.ndarray]]) -> None:
    """COPY equal-length arrays into `table` in PostgreSQL's binary format.

    `columns` are (column name, SQL type among int8/int4/int2/float8, values); none is NULL
    (use a sentinel and NULLIF in the INSERT … SELECT that reads the table)."""
    count = len(columns[0][2])
    layout = [("fields", ">i2")]
    for n, (_name, kind, _values) in enumerate(columns):
        layout += [(f"l{n}", ">i4"), (f"v{n}", _BINARY[kind])]
    records = np.empty(count, dtype=np.dtype(layout))  # packed: no alignment padding
    records["fields"] = len(columns)
    for n, (_name, kind, values) in enumerate(columns):
        records[f"l{n}"] = np.dtype(_BINARY[kind]).itemsize
        records[f"v{n}"] = values
    names = ", ".join(name for name, _kind, _values in columns)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT binary)") as copy:
        copy.write(_COPY_HEADER)
        view = memoryview(records.tobytes())
        step = 8 << 20
        for start in range(0, len(view), step):
            copy.write(view[start : start + step])
        copy.write(_COPY_TRAILER)


@contextlib.contextmanager
def set_aside(cursor, tables: Sequence[str] = TABLES) -> Iterator[None]:
    """Drop the foreign keys and the indexes that back no constraint of `tables`, and make them
    again, exactly as they were (from the catalogue), when the block ends without an error.

    Call it inside a transaction: the tables stay locked until it commits, and an error rolls
    the drops back with the rows."""
    cursor.execute(
        """
        SELECT format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname,
                      pg_get_constraintdef(oid)),
               format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname)
        FROM pg_constraint
        WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
        ORDER BY conrelid, conname
        """,
        [list(tables)],
    )
    keys = cursor.fetchall()
    cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid), format('DROP INDEX %%s', i.indexrelid::regclass)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
        ORDER BY i.indrelid, i.indexrelid
        """,
        [list(tables)],
    )
    indexes = cursor.fetchall()
    # Earlier writes of the transaction still have key checks pending (Django's keys are
    # deferred): a table with pending checks cannot be altered, so they run now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for _make, drop in [*keys, *indexes]:
        cursor.execute(drop)
    yield
    for make, _drop in [*indexes, *keys]:
        cursor.execute(make)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's keys were (initially deferred)


def finest_cells_sql(lon: str, lat: str) -> str:
    """SQL for `x, y`: the finest map cell (level cells.LEVELS[-1]) of the point (lon, lat), two
    SQL expressions; the same tiles as common.geo.tile_xy."""
    side = 1 << cells.LEVELS[-1]
    return (
        f"LEAST(GREATEST(FLOOR(({lon} + 180.0) / 360.0 * {side}), 0), {side} - 1)::int AS x, "
        f"LEAST(GREATEST(FLOOR((1.0 - ASINH(TAN(RADIANS({lat}))) / PI()) / 2.0 * {side}), 0), "
        f"{side} - 1)::int AS y"
    )


def add_cells(cursor, finest: str) -> None:
    """Add the counts of a table of finest cells (x, y, municipality_id, count) to the map's
    cells of every level (a coarser cell is x >> k, y >> k of the finest)."""
    table = TreeCell._meta.db_table
    last = cells.LEVELS[-1]
    for level in cells.LEVELS:
        shift = last - level
        cursor.execute(
            f"""
            INSERT INTO {table} (level, x, y, municipality_id, count)
            SELECT %s, x >> %s, y >> %s, municipality_id, SUM(count)
            FROM {finest} GROUP BY 2, 3, 4
            ON CONFLICT (level, x, y, municipality_id)
            DO UPDATE SET count = {table}.count + excluded.count
            """,  # noqa: S608 - the table names are ours; values are parameters
            [level, shift, shift],
        )


def reserve_ids(cursor, table: str, n: int) -> int:
    """The first of n consecutive ids taken from the table's identity sequence."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1) - %s + 1", [sequence, sequence, n, n])
    return cursor.fetchone()[0]
