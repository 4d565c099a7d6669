"""Keeping TreeMapPoint (what a tile draws for each tree) in step with sites, trees, species.

Called by trees/signals.py on every save of a tree or site and every species edit, in the
writer's transaction; deletes cascade. Bulk loads (import, synth), which send no signals,
rebuild the whole table at the end (services.rebuild_cells).
"""

from collections.abc import Iterable

from django.db import connection

from .models import Species, Tree, TreeMapPoint

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
    if connection.vendor == "postgresql":
        where, params = (
            ("t.id = ANY(%s)", [tree_ids]) if tree_ids else ("t.site_id = %s", [site_id])
        )
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
        return
    trees = (
        Tree.objects.filter(pk__in=tree_ids) if tree_ids else Tree.objects.filter(site_id=site_id)
    )
    points = _points(trees)
    TreeMapPoint.objects.filter(tree_id__in=[p.tree_id for p in points]).delete()
    TreeMapPoint.objects.bulk_create(points)


def species_changed(species: Species) -> None:
    TreeMapPoint.objects.filter(species_id=species.pk).update(species_code=species.code)


def rebuild() -> int:
    """Rewrite every point from the trees, in space order (the tiles read neighbours together)."""
    TreeMapPoint.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO trees_treemappoint ({_COLUMNS}) {_SELECT} "  # noqa: S608
                "ORDER BY ST_GeoHash(s.location, 9)"
            )
            cursor.execute("ANALYZE trees_treemappoint")
            return cursor.rowcount if cursor.rowcount >= 0 else TreeMapPoint.objects.count()
    count = 0
    queryset = Tree.objects.order_by("pk")
    last = 0
    while True:
        batch = _points(queryset.filter(pk__gt=last)[:5000])
        if not batch:
            return count
        TreeMapPoint.objects.bulk_create(batch)
        count += len(batch)
        last = batch[-1].tree_id


def _points(trees) -> list[TreeMapPoint]:
    points = []
    for pk, location, municipality_id, species_id, code, condition, dbh, state in trees.values_list(
        "pk",
        "site__location",
        "site__municipality_id",
        "species_id",
        "species__code",
        "condition",
        "dbh_cm",
        "validation_state",
    ):
        points.append(
            TreeMapPoint(
                tree_id=pk,
                geom=location.transform(3857, clone=True),
                municipality_id=municipality_id,
                species_id=species_id,
                species_code=code or "",
                condition=condition,
                dbh_cm=dbh,
                validation_state=state,
            )
        )
    return points
