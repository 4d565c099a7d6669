"""While PostgreSQL cannot be reached, pages answer a 503 page and the API a JSON 503, both with
Retry-After and in the person's language; when it is back, the same process serves again."""

import contextlib
import json
import random
import socket
import threading
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client, RequestFactory
from psycopg import errors as pg_errors

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.middleware import outage_response

SPANISH_PAGE = "su base de datos no responde"
ENGLISH_PAGE = "its database does not answer"


@contextlib.contextmanager
def unreachable_database():
    # A real PostgreSQL connection that cannot be made: the same settings, but port 1.
    settings_dict = dict(connection.settings_dict)
    settings_dict["PORT"] = "1"
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    original = connections["default"]
    connections["default"] = unreachable
    try:
        yield
    finally:
        connections["default"] = original
        unreachable.close()


def outage_page(response, language="es"):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert f'<html lang="{"es-mx" if language == "es" else "en"}">' in page
    assert (SPANISH_PAGE if language == "es" else ENGLISH_PAGE) in page
    return page


def outage_json(response, language="es"):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "10"
    body = json.loads(response.content)
    assert body["code"] == "database_unavailable"
    assert (SPANISH_PAGE if language == "es" else ENGLISH_PAGE) in body["message"]
    return body


@pytest.mark.django_db
def test_pages_and_api_answer_503_while_the_database_is_unreachable(client, municipalities):
    with unreachable_database():
        outage_page(client.get("/"))
        outage_page(client.get("/arbol/", headers={"Accept-Language": "en"}), "en")
        outage_json(client.get("/api/trees/species?q=fresno"))
        outage_json(
            client.get("/api/territory/municipalities", headers={"Accept-Language": "en"}), "en"
        )
        # A page's own JSON calls (Accept: application/json) get JSON too.
        outage_json(client.get("/arbol/", headers={"Accept": "application/json"}))
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_signed_in_people_get_the_503_page_too(client, municipalities):
    # Their session and account are read from the database while the page is drawn.
    client.force_login(UserFactory())
    with unreachable_database():
        outage_page(client.get("/offline"))
        outage_json(client.get("/api/validation/next"))


@pytest.mark.django_db
def test_a_log_in_attempt_gets_the_503_page(client):
    # The attempt is counted in the database cache (rate limits), then the account is read.
    with unreachable_database():
        response = client.post(
            "/cuentas/entrar", {"username": "ana@example.org", "password": "x" * 12}
        )
    outage_page(response)


@pytest.mark.django_db
def test_an_outage_met_by_the_session_middleware_is_a_503_as_well(settings):
    # The manifest needs no database, but saving the session afterwards does: the error is
    # raised in SessionMiddleware, outside any view, and goes through handler500.
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    with unreachable_database():
        outage_page(client.get("/manifest.webmanifest"))
        outage_json(client.get("/api/openapi.json"))


def test_busy_database_is_a_short_503():
    request = RequestFactory().get("/api/markets/orders", HTTP_ACCEPT_LANGUAGE="en")
    try:
        raise pg_errors.DeadlockDetected("deadlock detected")
    except pg_errors.DeadlockDetected as cause:
        from django.db import OperationalError

        error = OperationalError("deadlock detected")
        error.__cause__ = cause
    response = outage_response(request, error)
    assert (response.status_code, response["Retry-After"]) == (503, "2")
    assert json.loads(response.content) == {
        "code": "database_busy",
        "message": "The database is busy. Please try again in a moment.",
    }


class CuttableProxy:
    """A TCP relay in front of PostgreSQL that can drop every connection and stop listening
    (the server went away), then listen again on the same port (it came back)."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = self._free_fixed_port()
        self.sockets: list[socket.socket] = []
        self.listener = None

    @staticmethod
    def _free_fixed_port() -> int:
        # Below Linux's ephemeral range (32768-60999): while the relay is cut, no outgoing
        # connection of this busy machine can take the port it will listen on again.
        for port in random.sample(range(20000, 32000), 200):
            with contextlib.suppress(OSError), socket.create_server(("127.0.0.1", port)):
                return port
        raise RuntimeError("no free port")

    def listen(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.05)
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, args=(self.listener, self.stopped)).start()

    def cut(self):
        self.stopped.set()
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener, stopped):
        while not stopped.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


def wsgi_get(path: str, language: str = "es-MX") -> tuple[int, dict, bytes]:
    """One GET through Django's WSGI handler, as gunicorn calls it: unlike the test client, it
    sends request_started/finished to close_old_connections, which run the health checks."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_ACCEPT_LANGUAGE": language}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    result = get_wsgi_application()(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    return answer["status"], answer["headers"], body


@pytest.mark.django_db(transaction=True)
def test_the_same_process_serves_again_when_the_database_returns(municipalities):
    # Production keeps connections open (CONN_MAX_AGE=600) with health checks; the open
    # connection dies with the outage, and the first request after it needs no restart.
    saved = dict(connection.settings_dict)
    proxy = CuttableProxy(saved["HOST"] or "127.0.0.1", int(saved["PORT"] or 5432))
    proxy.listen()
    connection.close()
    connection.settings_dict.update(
        HOST="127.0.0.1", PORT=str(proxy.port), CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True
    )
    try:
        status, _headers, body = wsgi_get("/api/territory/municipalities")
        assert status == 200 and len(json.loads(body)) == 9
        assert connection.connection is not None  # kept open between requests

        proxy.cut()
        for path, language in [("/api/territory/municipalities", "es-MX"), ("/", "en")] * 2:
            status, headers, body = wsgi_get(path, language)
            assert (status, headers["Retry-After"]) == (503, "10")
            text = body.decode()
            assert (SPANISH_PAGE if language == "es-MX" else ENGLISH_PAGE) in text
            if path.startswith("/api/"):
                assert json.loads(body)["code"] == "database_unavailable"
            else:
                assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text

        proxy.listen()
        status, _headers, body = wsgi_get("/api/territory/municipalities")
        assert status == 200 and len(json.loads(body)) == 9
        assert wsgi_get("/")[0] == 200
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        proxy.cut()
