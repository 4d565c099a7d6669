"""Synthetic urban forests for benchmarks and the demo: `metropoli trees synth`.

Millions of plausible street trees (a local species mix around the AMG's centres) written with
COPY, reserved ids and the same cells and map points as real trees. Kept apart from the
inventory import (inventory.py), which reads people's files.
"""

import math

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.territory.amg import URBAN_BBOX
from metropoli.territory.models import Municipality

from . import services
from .inventory import ImportFileError, Progress, load_species
from .models import PlantingSite, Source, Species, Tree

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


def _synth_rows(seed: int, count: int, species_ids: dict, seats) -> list[tuple]:
    """(lon, lat, municipality id, species id, dbh, height, crown, condition) rows, vectorised."""
    g = np.random.default_rng(seed)
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
    lon, lat = np.clip(lon, west, east), np.clip(lat, south, north)
    codes = list(SYNTH_MIX)
    weights = np.array([SYNTH_MIX[c] for c in codes], dtype=float)
    species = g.choice(len(codes), count, p=weights / weights.sum())
    species_of = [species_ids.get(code) for code in codes]
    dbh = np.round(np.clip(np.exp(g.normal(math.log(24), 0.55, count)), 2.0, 250.0), 1)
    height = np.round(np.minimum(1.3 + 0.9 * dbh**0.65, 40.0), 1)
    crown = np.round(np.minimum(0.5 + 0.18 * dbh**0.85, 35.0), 1)
    seat_xy = np.array([(x, y) for _pk, x, y in seats])
    nearest = np.argmin(
        (lon[:, None] - seat_xy[None, :, 0]) ** 2 + (lat[:, None] - seat_xy[None, :, 1]) ** 2,
        axis=1,
    )
    seat_ids = [pk for pk, _x, _y in seats]
    conditions = ("good", "fair", "poor", "dead", "unknown")
    condition = g.choice(len(conditions), count, p=[0.55, 0.25, 0.10, 0.02, 0.08])
    return [
        (
            float(lon[i]),
            float(lat[i]),
            seat_ids[nearest[i]],
            species_of[species[i]],
            float(dbh[i]),
            float(height[i]),
            float(crown[i]),
            conditions[condition[i]],
        )
        for i in range(count)
    ]


def synthesize(*, count: int, seed: int = 42, progress: Progress | None = None) -> int:
    """Add `count` synthetic trees inside the AMG urban area (for benchmarks and demos).

    Municipalities are given by the nearest municipal seat. Map cells are recounted at the end.
    """
    load_species()
    species_ids = dict(Species.objects.filter(is_local=True).values_list("code", "pk"))
    seats = [(m.pk, m.seat.x, m.seat.y) for m in Municipality.objects.filter(seat__isnull=False)]
    if not seats:
        raise ImportFileError(_("There are no municipalities yet: run `metropoli load_demo`."))
    batch = 50_000
    done = 0
    while done < count:
        size = min(batch, count - done)
        rows = _synth_rows(seed + done, size, species_ids, seats)
        with transaction.atomic():
            _copy_rows(rows)
        done += size
        if progress:
            progress(done, count)
    services.rebuild_cells()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trees_plantingsite; ANALYZE trees_tree; ANALYZE trees_treecell")
    return count


def _reserve_ids(cursor, table: str, n: int) -> int:
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")  # noqa: S608
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
    return first


def _copy_rows(rows) -> None:
    """PostgreSQL COPY in text format: far faster than INSERTs for a million rows."""
    now = timezone.now().isoformat()
    with connection.cursor() as wrapper:
        first_site = _reserve_ids(wrapper, "trees_plantingsite", len(rows))
        first_tree = _reserve_ids(wrapper, "trees_tree", len(rows))
        raw = wrapper.cursor
        sites = "".join(
            f"{first_site + n}\tSRID=4326;POINT({lon:.7f} {lat:.7f})\t{mid}\t\t\tsidewalk"
            f"\t{now}\t{now}\n"
            for n, (lon, lat, mid, *_rest) in enumerate(rows)
        )
        with raw.copy(
            "COPY trees_plantingsite (id, location, municipality_id, address, colonia, site_type,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            copy.write(sites)
        trees = "".join(
            f"{first_tree + n}\t{first_site + n}\t{sp if sp is not None else chr(92) + 'N'}"
            f"\t{dbh:.1f}\t{h:.1f}\t{cw:.1f}\t{cond}\tunknown\t\tsubmitted\tsynthetic\t\t{now}\t{now}\n"
            for n, (_lon, _lat, _mid, sp, dbh, h, cw, cond) in enumerate(rows)
        )
        with raw.copy(
            "COPY trees_tree (id, site_id, species_id, dbh_cm, height_m, crown_width_m, condition,"
            " phenology, notes, validation_state, source, external_id, recorded_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            copy.write(trees)


@transaction.atomic
def remove_synthetic() -> int:
    """Remove every synthetic tree and its site; returns how many."""
    sites = PlantingSite.objects.filter(tree__source=Source.SYNTHETIC)
    count = Tree.objects.filter(source=Source.SYNTHETIC).count()
    sites.delete()
    services.rebuild_cells()
    return count
