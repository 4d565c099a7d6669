"""Web requests' statements are cancelled past METROPOLI_WEB_STATEMENT_TIMEOUT and answer 503;
connections opened outside the app servers have no limit."""

import importlib
import os
import subprocess
import sys

import pytest
from django.db import OperationalError, connections
from django.db.backends.signals import connection_created
from django.test import RequestFactory

from metropoli.common import statement_timeout
from metropoli.common.middleware import outage_response


@pytest.fixture
def web_connection(settings):
    """A new connection, opened the way an app server opens it."""
    settings.WEB_STATEMENT_TIMEOUT = "300ms"
    statement_timeout.limit_web_statements()
    opened = connections.create_connection("default")
    try:
        opened.ensure_connection()
        yield opened
    finally:
        opened.close()
        connection_created.disconnect(dispatch_uid=statement_timeout.DISPATCH_UID)


def _setting(opened) -> str:
    with opened.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_an_app_server_connection_cancels_a_long_statement_with_a_503(web_connection):
    assert _setting(web_connection) == "300ms"
    with pytest.raises(OperationalError) as caught, web_connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(3)")
    response = outage_response(RequestFactory().get("/api/trees/"), caught.value)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"database_busy" in response.content
    # The connection stays usable for the next request.
    with web_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_commands_and_the_worker_open_connections_without_a_limit():
    opened = connections.create_connection("default")
    try:
        opened.ensure_connection()
        assert _setting(opened) == "0"
    finally:
        opened.close()


def test_the_wsgi_application_turns_the_limit_on():
    # Reloaded: another test may have imported it (and turned the limit off again) earlier.
    wsgi = importlib.reload(importlib.import_module("metropoli.config.wsgi"))
    try:
        assert wsgi.application is not None
        uids = [key[0] for key, *_ in connection_created.receivers]
        assert statement_timeout.DISPATCH_UID in uids
    finally:
        connection_created.disconnect(dispatch_uid=statement_timeout.DISPATCH_UID)


def test_a_malformed_timeout_is_a_configuration_error():
    done = subprocess.run(
        [sys.executable, "-c", "import metropoli.config.settings.test"],
        env={**os.environ, "METROPOLI_WEB_STATEMENT_TIMEOUT": "thirty seconds"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "METROPOLI_WEB_STATEMENT_TIMEOUT" in done.stderr
