"""Helpers for the test suites of several modules (imported by tests only)."""

import os
import threading
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections
from django.db.migrations.executor import MigrationExecutor

# Third-party reference data (i-Tree tables, IATI schemas, firmware examples) is not part of a
# checkout: it sits beside the project in ../shared, as in the settings.
SHARED_DIR = Path(
    os.environ.get("METROPOLI_SHARED_DIR") or Path(__file__).resolve().parents[3].parent / "shared"
)
ITREE_TABLES = Path(os.environ.get("METROPOLI_ITREE_DIR") or SHARED_DIR / "itree" / "tables")
ITREE_DIR = ITREE_TABLES.parent  # vectors.csv, region_currency.csv
IATI_DIR = Path(os.environ.get("METROPOLI_IATI_DIR") or SHARED_DIR / "iati")


def signed_in(user, **options):
    """A Django test client with `user` signed in (options: Client's, e.g. enforce_csrf_checks)."""
    from django.test import Client

    client = Client(**options)
    client.force_login(user)
    return client


def requires_shared(*paths: Path, variable: str = "METROPOLI_SHARED_DIR") -> pytest.MarkDecorator:
    """Mark a test (or class, or module) that reads files from ../shared.

    When one is missing the test is skipped, with the paths and the variable that points to
    them as the reason; when the environment variable CI is "true" it fails instead, so that a
    CI run never passes without the reference data. Applied by metropoli/conftest.py.
    """
    return pytest.mark.shared_data(*paths, variable=variable)


def need_shared(*paths: Path, variable: str = "METROPOLI_SHARED_DIR") -> None:
    """What requires_shared does, called from a fixture or a test."""
    reason = shared_data_missing(*paths, variable=variable)
    if reason:
        fail_in_ci(reason)
        pytest.skip(reason)


def shared_data_missing(*paths: Path, variable: str = "METROPOLI_SHARED_DIR") -> str:
    """Why a test cannot run without these paths ("" when they all exist)."""
    missing = [str(path) for path in paths if not Path(path).exists()]
    if not missing:
        return ""
    return f"shared reference data not found: {', '.join(missing)} (set {variable})"


def fail_in_ci(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true needs it", pytrace=False)


def run_in_parallel(calls) -> list:
    """Start every call at the same moment, each in its own thread with its own database
    connection and transaction (as gunicorn workers would). Returns, in order, what each call
    returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - handed to the test, which judges it
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def migrate(targets: list[tuple[str, str]] | None = None):
    """Migrate the test database to `targets` (every app's latest when None) and return the
    apps as they are there, for tests of data migrations (transactional tests only)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Back to every app's latest migration, for the tests that run after a data-migration test."""
    migrate()


def call_wsgi(app, method: str, path: str, query: str = "", **headers: str):
    """Send one request straight to a WSGI application, as gunicorn does: the status, the
    headers (name, value) and the whole body. `headers` are CGI names (HTTP_ACCEPT_LANGUAGE)."""
    from wsgiref.util import setup_testing_defaults

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
    environ.update({"HTTP_" + name.upper().replace("-", "_"): v for name, v in headers.items()})
    setup_testing_defaults(environ)
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), response_headers

    # As Django's test client does: the test's transaction holds the connection, which
    # close_old_connections would close at either end of the request (CONN_MAX_AGE=0 in tests).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body
