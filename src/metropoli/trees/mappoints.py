"""Keeping TreeMapPoint (what a tile draws for each tree) in step with sites, trees, species.

Called by trees/signals.py on every save of a tree or site and every species edit, in the
writer's transaction; deletes cascade. Bulk loads (import, synth), which send no signals,
rebuild the whole table at the end (services.rebuild_cells).
"""

from collections.abc import Iterable

from django.db import connection

from .models import Species, TreeMapPoint

_SELECT = """
    SELECT t.id, ST_Transform(s.location, 3857), s.municipality_id, t.species_id,
           COALESCE(sp.code, ''), t.condition, t.dbh_cm, t.validation_state
    FROM trees_tree t
    JOIN trees_plantingsite s ON s.id = t.site_id
    LEFT JOIN trees_species sp ON sp.id = t.species_id
"""
_COLUMNS = (
    "tree_id, geom, municipality_id, species_id, species_code, condition, dbh_cm, validation_state"
)


def refresh(*, tree_ids: Iterable[int] = (), site_id: int | None = None) -> None:
    """Write the points of these trees (or of the tree on this site) from their rows."""
    tree_ids = list(tree_ids)
    if not tree_ids and site_id is None:
        return
    where, params = ("t.id = ANY(%s)", [tree_ids]) if tree_ids else ("t.site_id = %s", [site_id])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO trees_treemappoint ({_COLUMNS}) {_SELECT} WHERE {where}
            ON CONFLICT (tree_id) DO UPDATE SET
                geom = excluded.geom, municipality_id = excluded.municipality_id,
                species_id = excluded.species_id, species_code = excluded.species_code,
                condition = excluded.condition, dbh_cm = excluded.dbh_cm,
                validation_state = excluded.validation_state
            """,  # noqa: S608 - fixed SQL; values are parameters
            params,
        )


def species_changed(species: Species) -> None:
    TreeMapPoint.objects.filter(species_id=species.pk).update(species_code=species.code)


def rebuild() -> int:
    """Rewrite every point from the trees, in space order (the tiles read neighbours together)."""
    TreeMapPoint.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO trees_treemappoint ({_COLUMNS}) {_SELECT} "  # noqa: S608
            "ORDER BY ST_GeoHash(s.location, 9)"
        )
        count = cursor.rowcount
        cursor.execute("ANALYZE trees_treemappoint")
    return count if count >= 0 else TreeMapPoint.objects.count()
