import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import load_backend

from metropoli.accounts.models import User
from metropoli.territory.models import Municipality, RoleAssignment

pytestmark = pytest.mark.django_db


def test_home_in_spanish_by_default_and_english_on_request(client, municipalities):
    es = client.get("/").content.decode()
    en = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es-mx">' in es and "Servicios digitales para el área metropolitana" in es
    assert '<html lang="en">' in en and "Digital services for the metropolitan area" in en
    for name in ("Guadalajara", "Zapopan", "Zapotlanejo"):
        assert name in es


def test_language_switcher_sets_the_language(client, municipalities):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Digital services" in client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/arbol/", "/mercado/", "/participa/", "/cooperacion/"])
def test_each_module_has_a_home(client, municipalities, path):
    assert client.get(path).status_code == 200


def test_healthz_reports_postgresql_and_its_version(client):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")  # e.g. "15.4 (Debian 15.4-2.pgdg120+1)"
        server_version = cursor.fetchone()[0].split()[0]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok", "engine": "PostgreSQL", "version": server_version},
    }


def test_healthz_503_when_the_database_is_unreachable(client):
    # A real PostgreSQL connection that cannot be made: the same settings, but port 1.
    settings_dict = dict(connection.settings_dict)
    settings_dict["PORT"] = "1"
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    original = connections["default"]
    connections["default"] = unreachable
    try:
        response = client.get("/healthz")
    finally:
        connections["default"] = original
        unreachable.close()
    assert response.status_code == 503
    assert response.json()["database"]["status"] == "unreachable"
    assert response["Retry-After"] == "10"
    assert client.get("/healthz").status_code == 200


def test_manifest_and_service_worker(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Service-Worker-Allowed"] == "/"
    assert b'addEventListener("fetch"' in sw.content


def test_load_demo_is_idempotent():
    call_command("load_demo")
    counts = (Municipality.objects.count(), User.objects.count(), RoleAssignment.objects.count())
    call_command("load_demo")
    assert (
        Municipality.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    ) == counts
    assert counts[0] == 9


def test_the_demo_gives_treender_cards_and_a_work_queue():
    from metropoli.trees.models import Source, Tree
    from metropoli.validation.models import WorkItem
    from metropoli.validation.selectors import next_card, review_queue

    call_command("load_demo", stdout=io.StringIO())
    captures = Tree.objects.filter(source=Source.CAPTURE)
    assert captures.count() == 12
    assert all(tree.photos.exists() for tree in captures)
    expert = User.objects.get(email="experta.zap@demo.metropoli.mx")
    arborist = User.objects.get(email="arbolista.gdl@demo.metropoli.mx")
    assert next_card(expert) is not None and review_queue(expert).count() == 6
    assert review_queue(arborist).count() == 3  # three are decided by the demo already
    assert WorkItem.objects.count() == 2  # the two flagged ones
