"""Synthetic urban forests for benchmarks and the demo: `metropoli trees synth`.

Millions of plausible street trees (a local species mix around the AMG's centres), drawn with
numpy, sent with one binary COPY per batch into a staging table and written from it with
INSERT … SELECT: sites, trees, map points and map cells, with reserved ids, in space order
(docs/decisions/0086-bulk-tree-loads.md). Kept apart from the inventory import (inventory.py),
which reads people's files.
"""

import contextlib
import math

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.maps import versions
from metropoli.territory.amg import URBAN_BBOX
from metropoli.territory.models import Municipality

from . import bulk, services
from .inventory import ImportFileError, Progress, load_species
from .models import PlantingSite, Source, Species, Tree
from .signals import LAYER

# Share of each local species in the synthetic urban forest (a plausible street-tree mix [gen]).
SYNTH_MIX = {
    "FRUH": 16,
    "JAMI": 14,
    "FIBE": 10,
    "FIMI2": 8,
    "TADO2": 7,
    "AMG-TARO": 7,
    "SCMO": 6,
    "DERE": 6,
    "WARO": 5,
    "EUCA1": 5,
    "PIDU": 4,
    "ACFA": 3,
    None: 9,  # "no sé"
}
# Centres of busy neighbourhoods: trees cluster around them [gen].
SYNTH_CENTRES = [
    (-103.350, 20.675, 0.035),
    (-103.392, 20.720, 0.035),
    (-103.311, 20.640, 0.025),
    (-103.240, 20.625, 0.025),
    (-103.420, 20.640, 0.030),
    (-103.440, 20.560, 0.030),
]


# Rows are drawn in blocks (the nearest-seat search holds block × seats distances) and written
# in batches (one COPY and three INSERT … SELECT each; the progress moves once per batch).
DRAW_BLOCK = 1_000_000
WRITE_BATCH = 250_000
CONDITIONS = ("good", "fair", "poor", "dead", "unknown")
CONDITION_SHARES = (0.55, 0.25, 0.10, 0.02, 0.08)


def _draw(g: np.random.Generator, count: int, seat_xy: np.ndarray) -> dict[str, np.ndarray]:
    """A block of trees: lon, lat, nearest seat, species (index in SYNTH_MIX), dbh, condition."""
    west, south, east, north = URBAN_BBOX
    centres = np.array(SYNTH_CENTRES)
    pick = g.integers(0, len(centres), count)
    clustered = g.random(count) < 0.75
    lon = np.where(
        clustered, g.normal(centres[pick, 0], centres[pick, 2]), g.uniform(west, east, count)
    )
    lat = np.where(
        clustered, g.normal(centres[pick, 1], centres[pick, 2]), g.uniform(south, north, count)
    )
    lon = np.round(np.clip(lon, west, east), 7)
    lat = np.round(np.clip(lat, south, north), 7)
    weights = np.array(list(SYNTH_MIX.values()), dtype=float)
    species = g.choice(len(weights), count, p=weights / weights.sum()).astype(np.int8)
    dbh = np.round(np.clip(np.exp(g.normal(math.log(24), 0.55, count)), 2.0, 250.0), 1)
    nearest = np.argmin(
        (lon[:, None] - seat_xy[None, :, 0]) ** 2 + (lat[:, None] - seat_xy[None, :, 1]) ** 2,
        axis=1,
    ).astype(np.int8)
    condition = g.choice(len(CONDITIONS), count, p=CONDITION_SHARES).astype(np.int16)
    return {
        "lon": lon,
        "lat": lat,
        "seat": nearest,
        "species": species,
        "dbh": dbh,
        "condition": condition,
    }


def _spread(v: np.ndarray) -> np.ndarray:
    """The 16 low bits of v moved to the even bits of a 32-bit number (for a Z-order key)."""
    v = (v | (v << 8)) & 0x00FF00FF
    v = (v | (v << 4)) & 0x0F0F0F0F
    v = (v | (v << 2)) & 0x33333333
    return (v | (v << 1)) & 0x55555555


def _space_order(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The order that writes neighbours together (a Z-order curve, like a geohash): a map tile
    then reads few pages, as after mappoints.rebuild's ORDER BY ST_GeoHash."""
    west, south, east, north = URBAN_BBOX
    qx = np.clip((lon - west) / (east - west) * 65535, 0, 65535).astype(np.uint64)
    qy = np.clip((lat - south) / (north - south) * 65535, 0, 65535).astype(np.uint64)
    return np.argsort(_spread(qx) | (_spread(qy) << 1), kind="stable")


def synth_rows(seed: int, count: int, seat_xy: np.ndarray) -> dict[str, np.ndarray]:
    """`count` synthetic trees in space order, drawn with `seed` (the same seed, the same trees)."""
    g = np.random.default_rng(seed)
    blocks = [
        _draw(g, min(DRAW_BLOCK, count - start), seat_xy) for start in range(0, count, DRAW_BLOCK)
    ]
    rows = {key: np.concatenate([block[key] for block in blocks]) for key in blocks[0]}
    order = _space_order(rows["lon"], rows["lat"])
    return {key: values[order] for key, values in rows.items()}


_STAGING = """
    DROP TABLE IF EXISTS trees_synth_rows, trees_synth_cells;
    CREATE TEMPORARY TABLE trees_synth_rows (
        site_id bigint, tree_id bigint, lon float8, lat float8, x float8, y float8,
        municipality_id bigint, species_id bigint, dbh int, height int, crown int, condition int2
    ) ON COMMIT DROP;
    CREATE TEMPORARY TABLE trees_synth_cells (
        x int, y int, municipality_id bigint, count int
    ) ON COMMIT DROP
"""
# Sizes come in tenths (an integer times 0.1 is the cheapest way to a numeric(…, 1)); the map
# point's Web Mercator x, y are computed by numpy (the formula of EPSG:3857).
_WRITE = """
    INSERT INTO trees_plantingsite (id, location, municipality_id, address, colonia, site_type,
                                    created_at, updated_at)
    SELECT site_id, ST_SetSRID(ST_MakePoint(lon, lat), 4326), municipality_id, '', '',
           'sidewalk', %(now)s, %(now)s
    FROM trees_synth_rows;
    INSERT INTO trees_tree (id, site_id, species_id, dbh_cm, height_m, crown_width_m, condition,
                            phenology, notes, validation_state, source, external_id,
                            recorded_at, updated_at)
    SELECT tree_id, site_id, NULLIF(species_id, 0), dbh * 0.1, height * 0.1, crown * 0.1,
           (%(conditions)s::text[])[condition + 1], 'unknown', '', 'submitted', 'synthetic', '',
           %(now)s, %(now)s
    FROM trees_synth_rows;
    INSERT INTO trees_treemappoint (tree_id, geom, municipality_id, species_id, species_code,
                                    condition, dbh_cm, validation_state)
    SELECT r.tree_id, ST_SetSRID(ST_MakePoint(r.x, r.y), 3857), r.municipality_id, sp.id,
           COALESCE(sp.code, ''), (%(conditions)s::text[])[r.condition + 1], r.dbh * 0.1,
           'submitted'
    FROM trees_synth_rows r LEFT JOIN trees_species sp ON sp.id = NULLIF(r.species_id, 0);
    INSERT INTO trees_synth_cells
    SELECT {cells}, municipality_id, count(*) FROM trees_synth_rows GROUP BY 1, 2, 3;
    TRUNCATE trees_synth_rows
""".format(cells=bulk.finest_cells_sql("lon", "lat"))  # noqa: S608 - fixed SQL
MERCATOR_RADIUS = 6378137.0


def _tenths(values: np.ndarray) -> np.ndarray:
    return np.rint(values * 10).astype(np.int32)


def synthesize(*, count: int, seed: int = 42, progress: Progress | None = None) -> int:
    """Add `count` synthetic trees inside the AMG urban area (for benchmarks and demos), with
    their map points and map cells, in one transaction.

    Municipalities are given by the nearest municipal seat. A load at least as large as the
    trees already there sets the tables' indexes and foreign keys aside while it writes
    (bulk.set_aside): they are built once at the end.
    """
    load_species()
    species_ids = dict(Species.objects.filter(is_local=True).values_list("code", "pk"))
    seats = [(m.pk, m.seat.x, m.seat.y) for m in Municipality.objects.filter(seat__isnull=False)]
    if not seats:
        raise ImportFileError(_("There are no municipalities yet: run `metropoli load_demo`."))
    seat_ids = np.array([pk for pk, _x, _y in seats], dtype=np.int64)
    species_of = np.array([species_ids.get(code) or 0 for code in SYNTH_MIX], dtype=np.int64)
    rows = synth_rows(seed, count, np.array([(x, y) for _pk, x, y in seats]))
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'; SET LOCAL work_mem = '64MB'")
        cursor.execute(_STAGING)
        first_site = bulk.reserve_ids(cursor, "trees_plantingsite", count)
        first_tree = bulk.reserve_ids(cursor, "trees_tree", count)
        cursor.execute("SELECT count(*) FROM trees_tree")
        large = count >= cursor.fetchone()[0]
        with bulk.set_aside(cursor) if large else contextlib.nullcontext():
            for start in range(0, count, WRITE_BATCH):
                end = min(start + WRITE_BATCH, count)
                numbers = np.arange(start, end, dtype=np.int64)
                lon, lat, dbh = (rows[key][start:end] for key in ("lon", "lat", "dbh"))
                bulk.copy_arrays(
                    cursor,
                    "trees_synth_rows",
                    [
                        ("site_id", "int8", first_site + numbers),
                        ("tree_id", "int8", first_tree + numbers),
                        ("lon", "float8", lon),
                        ("lat", "float8", lat),
                        ("x", "float8", np.radians(lon) * MERCATOR_RADIUS),
                        (
                            "y",
                            "float8",
                            np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * MERCATOR_RADIUS,
                        ),
                        ("municipality_id", "int8", seat_ids[rows["seat"][start:end]]),
                        ("species_id", "int8", species_of[rows["species"][start:end]]),
                        ("dbh", "int4", _tenths(dbh)),
                        (
                            "height",
                            "int4",
                            _tenths(np.round(np.minimum(1.3 + 0.9 * dbh**0.65, 40.0), 1)),
                        ),
                        (
                            "crown",
                            "int4",
                            _tenths(np.round(np.minimum(0.5 + 0.18 * dbh**0.85, 35.0), 1)),
                        ),
                        ("condition", "int2", rows["condition"][start:end]),
                    ],
                )
                cursor.execute(_WRITE, {"now": now, "conditions": list(CONDITIONS)})
                if progress:
                    progress(end, count)
        bulk.add_cells(cursor, "trees_synth_cells")
        cursor.execute("DROP TABLE trees_synth_rows, trees_synth_cells")
        cursor.execute(
            "ANALYZE trees_plantingsite; ANALYZE trees_tree; ANALYZE trees_treemappoint;"
            " ANALYZE trees_treecell"
        )
    # Bulk loads send no signals: the layer's version follows here.
    versions.changed(LAYER)
    return count


@transaction.atomic
def remove_synthetic() -> int:
    """Remove every synthetic tree and its site; returns how many."""
    sites = PlantingSite.objects.filter(tree__source=Source.SYNTHETIC)
    count = Tree.objects.filter(source=Source.SYNTHETIC).count()
    sites.delete()
    services.rebuild_cells()
    return count
