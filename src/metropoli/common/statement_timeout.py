"""A web request's statements may not hold the database longer than a limit.

The app servers (config/wsgi.py, also what `runserver` serves) call `limit_web_statements()`
once: every database connection they open then runs with PostgreSQL's `statement_timeout` at
settings.WEB_STATEMENT_TIMEOUT (METROPOLI_WEB_STATEMENT_TIMEOUT, 30 s by default). A statement
that runs longer is cancelled by PostgreSQL itself, its transaction rolls back, and the request
answers 503 "database busy" with Retry-After (common/middleware.py), so that one slow or abusive
request cannot keep a database backend and an app-server thread busy long after its client
and nginx (60 s) have given up. Management commands, the task worker (imports, synthesis,
backups) and tests open their connections without the limit.
Decision: docs/decisions/0103-web-statement-timeout.md.
"""

from django.conf import settings
from django.db.backends.signals import connection_created

DISPATCH_UID = "metropoli-web-statement-timeout"


def limit_web_statements() -> None:
    """From now on, connections this process opens run with the web statement timeout."""
    connection_created.connect(_limit, dispatch_uid=DISPATCH_UID)


def _limit(sender, connection, **kwargs) -> None:
    timeout = getattr(settings, "WEB_STATEMENT_TIMEOUT", "")
    if connection.vendor != "postgresql" or not timeout:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [timeout])
