"""Which municipality holds each point of an import, a batch at a time.

The same answer as `territory.selectors.municipality_at` (with official boundaries: the one whose
boundary holds the point, exactly; without them: inside the metropolitan box, the nearest seat,
inexactly, which lets any point of the box in), in one query per batch of rows (none without
boundaries) instead of two queries per row: a million-row inventory would otherwise spend most
of its time here (docs/decisions/0086-bulk-tree-loads.md).
"""

from collections.abc import Sequence

from django.db import connection
from django.utils.translation import gettext as _

from metropoli.territory.amg import METRO_BBOX
from metropoli.territory.models import Municipality
from metropoli.territory.selectors import active_municipalities

_POINTS = """
    SELECT n, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS u(lon, lat, n)
"""
_IN_BOUNDARY = f"""
    SELECT (SELECT m.id FROM territory_municipality m
            WHERE m.id = ANY(%(ids)s) AND ST_Intersects(m.boundary, p.pt)
            ORDER BY array_position(%(ids)s, m.id) LIMIT 1)
    FROM ({_POINTS}) p ORDER BY p.n
"""  # noqa: S608 - fixed SQL; values are parameters


class Locator:
    """Municipalities of points for an import into `target`; reads the municipalities once."""

    def __init__(self, target: Municipality):
        self.target = target
        active = active_municipalities()
        bounded = list(active.filter(boundary__isnull=False).values_list("pk", flat=True))
        self.exact = bool(bounded)
        self.ids = bounded or list(active.filter(seat__isnull=False).values_list("pk", flat=True))
        self.names = dict(Municipality.objects.filter(pk__in=self.ids).values_list("pk", "name"))
        self.outside = _("the location is outside the municipalities of the platform")

    def problems(self, points: Sequence[tuple[float, float]]) -> list[str | None]:
        """For each (lon, lat): None when the point may be imported into the target, else why
        not (translated)."""
        if not points:
            return []
        if not self.exact:  # inexact: any point inside the metropolitan box, when seats exist
            west, south, east, north = METRO_BBOX
            return [
                None if self.ids and west < lon < east and south < lat < north else self.outside
                for lon, lat in points
            ]
        with connection.cursor() as cursor:
            cursor.execute(
                _IN_BOUNDARY,
                {
                    "ids": self.ids,
                    "lons": [lon for lon, _lat in points],
                    "lats": [lat for _lon, lat in points],
                },
            )
            return [self._problem(row[0]) for row in cursor.fetchall()]

    def _problem(self, municipality_id: int | None) -> str | None:
        if municipality_id is None:
            return self.outside
        if municipality_id != self.target.pk:
            return _("the location is in %(found)s, not in %(wanted)s") % {
                "found": self.names[municipality_id],
                "wanted": self.target.name,
            }
        return None
