"""The valid rows of an inventory import, written set-based (decisions/0086-bulk-tree-loads.md).

The rows are copied (COPY, in batches) into a temporary staging table with reserved ids; at the
end the sites, trees, their history (one common.ChangeRecord each, as history.change_record
writes it), map points and map cells are each written by one
INSERT … SELECT from it, in the import's transaction. A large import (at least as many rows as
trees already there) sets the tables' indexes and foreign keys aside meanwhile (bulk.py).
"""

import contextlib

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from metropoli.common.history import ChangeAction, ChangeRecord
from metropoli.maps import versions

from . import bulk, signals
from .models import Source, Tree

_STAGING = """
    DROP TABLE IF EXISTS trees_import_rows, trees_import_cells;
    CREATE TEMPORARY TABLE trees_import_rows (
        site_id bigint, tree_id bigint, line int, lon float8, lat float8, species_id bigint,
        dbh_cm numeric, height_m numeric, crown_width_m numeric, condition text, phenology text,
        site_type text, address text, colonia text, notes text, external_id text
    ) ON COMMIT DROP
"""
_COLUMNS = (
    "site_id, tree_id, line, lon, lat, species_id, dbh_cm, height_m, crown_width_m, condition,"
    " phenology, site_type, address, colonia, notes, external_id"
)
_WRITE = """
    INSERT INTO trees_plantingsite (id, location, municipality_id, address, colonia, site_type,
                                    created_at, updated_at)
    SELECT site_id, ST_SetSRID(ST_MakePoint(lon, lat), 4326), %(municipality)s, address,
           colonia, site_type, %(now)s, %(now)s
    FROM trees_import_rows;
    INSERT INTO trees_tree (id, site_id, species_id, dbh_cm, height_m, crown_width_m, condition,
                            phenology, notes, validation_state, source, external_id,
                            recorded_by_id, recorded_at, updated_at)
    SELECT tree_id, site_id, species_id, dbh_cm, height_m, crown_width_m, condition, phenology,
           notes, 'submitted', %(source)s, external_id, %(user)s, %(now)s, %(now)s
    FROM trees_import_rows;
    INSERT INTO {history} (content_type_id, object_id, action, changes, reason, changed_by_id,
                           changed_at)
    SELECT %(tree_type)s, tree_id, %(create)s,
           jsonb_build_array(jsonb_build_object('field', 'import', 'old', '',
                                                'new', %(file)s || ':' || line)),
           '', %(user)s, %(now)s
    FROM trees_import_rows;
    INSERT INTO trees_treemappoint (tree_id, geom, municipality_id, species_id, species_code,
                                    condition, dbh_cm, validation_state)
    SELECT r.tree_id, ST_Transform(ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), 3857),
           %(municipality)s, r.species_id, COALESCE(sp.code, ''), r.condition, r.dbh_cm,
           'submitted'
    FROM trees_import_rows r LEFT JOIN trees_species sp ON sp.id = r.species_id;
    CREATE TEMPORARY TABLE trees_import_cells ON COMMIT DROP AS
    SELECT {cells}, %(municipality)s::bigint AS municipality_id, count(*)::int AS count
    FROM trees_import_rows GROUP BY 1, 2
""".format(  # noqa: S608 - fixed SQL
    cells=bulk.finest_cells_sql("lon", "lat"), history=ChangeRecord._meta.db_table
)
ANNOUNCE = 2000  # trees per `trees_changed` (each enqueues one eco-benefit recompute)


class BulkWriter:
    """`add` the valid rows (line, values) in line order, then `finish` once: writes them all."""

    COPY_EVERY = 20_000

    def __init__(self, municipality, imported_by, file_name: str):
        self.municipality, self.file_name = municipality, file_name
        self.user = imported_by if getattr(imported_by, "is_authenticated", False) else None
        self.now = timezone.now()
        self.pending: list[tuple] = []
        self.count = 0
        self.first_tree: int | None = None
        with connection.cursor() as cursor:
            cursor.execute(_STAGING)

    def add(self, line: int, v: dict) -> None:
        species = v["species"]
        self.pending.append(
            (
                line,
                v["lon"],
                v["lat"],
                species.pk if species is not None else None,
                v["dbh_cm"],
                v["height_m"],
                v["crown_width_m"],
                v["condition"],
                v["phenology"],
                v["site_type"],
                v["address"],
                v["colonia"],
                v["notes"],
                v["external_id"],
            )
        )
        if len(self.pending) >= self.COPY_EVERY:
            self._copy()

    def _copy(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        with connection.cursor() as cursor:
            first_site = bulk.reserve_ids(cursor, "trees_plantingsite", len(rows))
            first_tree = bulk.reserve_ids(cursor, "trees_tree", len(rows))
            if self.first_tree is None:
                self.first_tree = first_tree
            with cursor.cursor.copy(
                f"COPY trees_import_rows ({_COLUMNS}) FROM STDIN"  # noqa: S608
            ) as copy:
                for n, row in enumerate(rows):
                    copy.write_row((first_site + n, first_tree + n, *row))
        self.count += len(rows)

    def finish(self) -> list[int]:
        """Write every row added; returns the new trees' ids."""
        self._copy()
        if not self.count:
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM trees_tree")
            large = self.count >= cursor.fetchone()[0]
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            with bulk.set_aside(cursor) if large else contextlib.nullcontext():
                cursor.execute(
                    _WRITE,
                    {
                        "municipality": self.municipality.pk,
                        "now": self.now,
                        "source": Source.IMPORT,
                        "user": self.user.pk if self.user else None,
                        "file": self.file_name,
                        "tree_type": ContentType.objects.get_for_model(Tree).pk,
                        "create": ChangeAction.CREATE,
                    },
                )
            bulk.add_cells(cursor, "trees_import_cells")
            cursor.execute("SELECT tree_id FROM trees_import_rows ORDER BY tree_id")
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("DROP TABLE trees_import_rows, trees_import_cells")
            if large:
                cursor.execute("ANALYZE trees_plantingsite; ANALYZE trees_tree")
        # Imported trees are announced like captured ones (eco-benefits follow after the commit).
        for start in range(0, len(ids), ANNOUNCE):
            signals.announce(ids[start : start + ANNOUNCE])
        versions.changed(signals.LAYER)  # bulk writes send no post_save
        return ids
