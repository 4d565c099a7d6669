"""A write sent to a path without its final slash is redirected with 308, which keeps the method
and the body (common/middleware.py SlashMiddleware); GET keeps Django's 301."""

import json

import pytest

from metropoli.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])  # `make run` has DEBUG on: Django gave a 500
def test_a_post_without_the_final_slash_is_sent_on_with_its_body(
    client, settings, debug, municipalities
):
    settings.DEBUG = debug
    person = UserFactory()
    client.login(email=person.email, password=PASSWORD)
    tree = {"lon": -103.3496, "lat": 20.6767, "dbh_cm": 31, "condition": "good"}
    answer = client.post("/api/trees", json.dumps(tree), content_type="application/json")
    assert answer.status_code == 308
    assert answer["Location"] == "/api/trees/"
    created = client.post(
        "/api/trees", json.dumps(tree), content_type="application/json", follow=True
    )
    assert created.status_code == 201, created.content[:300]
    from metropoli.trees.models import Tree

    assert Tree.objects.get(pk=created.json()["id"]).recorded_by == person


def test_a_get_without_the_final_slash_keeps_djangos_301(client):
    answer = client.get("/arbol?x=1")
    assert answer.status_code == 301 and answer["Location"] == "/arbol/?x=1"


def test_a_post_to_a_path_that_exists_with_neither_form_is_a_404(client):
    answer = client.post("/api/no-existe", "{}", content_type="application/json")
    assert answer.status_code == 404 and answer.json()["code"]
