"""Reading and raising a layer's data version (see models.LayerVersion)."""

import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from .models import LayerVersion


def changed(layer: str) -> None:
    """The layer's data changed in the current transaction: raise its version once it commits.

    After the commit, not inside the transaction, so concurrent writers never queue on the
    version row. The order is what keeps caches right: the version moves only after the data
    is visible, and readers read the version before the data, so a tile cached under a version
    always holds data at least as new as that version. (A tile rendered between the commit and
    the bump is stored under the old key with the new data, which is harmless.)
    """
    transaction.on_commit(_Bump(layer))


class _Bump:
    """The after-commit callback (a class, so tests can tell it from other callbacks)."""

    def __init__(self, layer: str) -> None:
        self.layer = layer

    def __call__(self) -> None:
        bump(self.layer)


def bump(layer: str) -> None:
    """Raise the layer's version now (a one-statement transaction of its own)."""
    if not LayerVersion.objects.filter(layer=layer).update(version=F("version") + 1):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO maps_layerversion (layer, version) VALUES (%s, 1) "
                "ON CONFLICT (layer) DO UPDATE SET version = maps_layerversion.version + 1",
                [layer],
            )


def current(layer: str) -> int:
    # Plain SQL: the tile view asks this on every request, and the ORM would triple its cost.
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM maps_layerversion WHERE layer = %s", [layer])
        row = cursor.fetchone()
    return row[0] if row else 0


_seen: dict[str, tuple[int, float]] = {}  # layer -> (version, when read), per process


def current_at_least(layer: str, wanted: int | None = None) -> int:
    """The layer's version, read from the database at most every METROPOLI_TILE_VERSION_SECONDS
    unless the caller wants a newer one than the last read.

    Map pages pin the version they were rendered with in their tile URLs (`v=`), so a person
    who has just saved a tree and opens the map asks for that version or a later one, and
    gets it: the version is read again. A request without a pinned version may see a tile up
    to that many seconds old; in exchange a cached tile is served without touching the
    database at all.
    """
    seen = _seen.get(layer)
    max_age = float(getattr(settings, "METROPOLI_TILE_VERSION_SECONDS", 0))
    if (
        seen is not None
        and time.monotonic() - seen[1] < max_age
        and (wanted is None or seen[0] >= wanted)
    ):
        return seen[0]
    version = current(layer)
    _seen[layer] = (version, time.monotonic())
    return version


def forget() -> None:
    """Drop what this process remembers (tests: each one starts from its own database)."""
    _seen.clear()
