"""Kept connections are checked without a round trip, and a session the server ended is seen."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate(pid: int) -> None:
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_an_idle_connection_is_usable_without_a_query(monkeypatch):
    connection.ensure_connection()

    def no_query(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(connection.connection, "cursor", no_query)
    monkeypatch.setattr(connection.connection, "execute", no_query)
    assert connection.is_usable()


def test_a_session_the_server_ended_is_not_usable_and_the_next_request_reconnects(client):
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    _terminate(pid)
    for _ in range(100):  # the server's goodbye reaches our socket
        if not connection.is_usable():
            break
        time.sleep(0.02)
    assert not connection.is_usable()
    # A request starts by checking its kept connection: it reconnects instead of failing.
    connection.close_at = None
    connection.health_check_done = False
    response = client.get("/healthz")
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
