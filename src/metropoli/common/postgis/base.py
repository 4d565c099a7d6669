"""GeoDjango's PostGIS backend with a health check that costs no round trip.

`CONN_HEALTH_CHECKS` makes Django check a kept connection once per request before using it; the
stock check sends `SELECT 1` and waits for it, one round trip on every request. A PostgreSQL that
restarts or ends a session (shutdown, `pg_terminate_backend`, a crash) sends its client a FATAL
message and closes the socket, so a connection that has been idle and has something to read, or
whose socket is closed, is not usable; one with nothing to read is. The check is a `select()` with
no wait (docs/decisions/0084-health-check-without-a-round-trip.md).
"""

import select

from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISWrapper


class DatabaseWrapper(PostGISWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _, failed = select.select([connection.fileno()], [], [connection], 0)
        except (OSError, ValueError):
            return False
        # An idle connection has nothing to say: anything waiting is the server hanging up.
        return not readable and not failed
