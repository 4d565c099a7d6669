"""The server's 2 m check of every capture (also after an offline sync), the recorder's answer,
and the note validators read."""

import json

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.history import history_of
from metropoli.trees.models import DuplicateSuspicion, Tree
from metropoli.validation import selectors as validation

from .factories import GDL, jacaranda

pytestmark = pytest.mark.django_db

BODY = {"lon": GDL[0], "lat": GDL[1], "species": "JAMI", "dbh_cm": 30}


@pytest.fixture
def citizen(municipalities):
    jacaranda()
    client = Client(headers={"Accept-Language": "es-MX"})
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


def post(client, body, key):
    return client.post(
        "/api/trees/",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def answer(client, tree_id, same):
    return client.post(
        f"/api/trees/{tree_id}/duplicate", json.dumps({"same": same}), "application/json"
    )


def test_a_second_capture_at_the_same_spot_is_flagged_and_its_retry_too(citizen):
    first = post(citizen, BODY, "key-first-0001").json()
    assert first["properties"]["duplicate"] is None
    second = post(citizen, BODY | {"dbh_cm": 31}, "key-second-001")
    assert second.status_code == 201
    duplicate = second.json()["properties"]["duplicate"]
    assert duplicate == {
        "near_id": first["id"],
        "near_name": "Jacaranda",
        "distance_m": 0.0,
        "answer": "",
    }
    # The outbox's retry after a lost answer gets the same flag, and no third tree.
    again = post(citizen, BODY | {"dbh_cm": 31}, "key-second-001")
    assert again.status_code == 200 and again.json()["properties"]["duplicate"] == duplicate
    assert Tree.objects.count() == 2 and DuplicateSuspicion.objects.count() == 1
    pending = citizen.get("/api/trees/duplicates").json()
    assert [p["tree_id"] for p in pending] == [second.json()["id"]]


def test_a_capture_three_metres_away_is_not_flagged(citizen):
    post(citizen, BODY, "key-first-0001")
    farther = post(citizen, BODY | {"lat": GDL[1] + 0.00003}, "key-second-001").json()
    assert farther["properties"]["duplicate"] is None


def test_another_tree_is_kept_and_the_same_tree_is_removed(citizen):
    first = post(citizen, BODY, "key-first-0001").json()
    second = post(citizen, BODY, "key-second-001").json()
    third = post(citizen, BODY, "key-third-0001").json()
    kept = answer(citizen, second["id"], same=False)
    assert kept.status_code == 200
    assert kept.json()["properties"]["duplicate"]["answer"] == "distinct"
    assert answer(citizen, third["id"], same=True).status_code == 204
    assert set(Tree.objects.values_list("pk", flat=True)) == {first["id"], second["id"]}
    assert history_of(Tree, third["id"]).filter(changes__contains=[{"field": "duplicate"}])
    assert citizen.get("/api/trees/duplicates").json() == []


def test_only_who_may_change_the_tree_answers(citizen, municipalities):
    post(citizen, BODY, "key-first-0001")
    second = post(citizen, BODY, "key-second-001").json()
    stranger = Client()
    stranger.force_login(UserFactory())
    assert answer(stranger, second["id"], same=True).status_code == 403
    assert Tree.objects.filter(pk=second["id"]).exists()


def test_confirmed_before_saving_is_stored_as_answered_and_validators_are_told(citizen):
    first = post(citizen, BODY, "key-first-0001").json()
    second = post(citizen, BODY | {"nearby_confirmed": True}, "key-second-001").json()
    assert second["properties"]["duplicate"]["answer"] == "distinct"
    third = post(citizen, BODY, "key-third-0001").json()
    card = validation.card_for(Tree.objects.get(pk=third["id"]), citizen.user)
    assert card.duplicate_note.startswith("Posible duplicado: a 0.0 m del árbol n.º")
    note = validation.card_for(Tree.objects.get(pk=second["id"]), citizen.user).duplicate_note
    assert f"n.º {first['id']}" in note and "otro árbol" in note


def test_the_answer_is_in_the_trees_history_in_words(citizen):
    first = post(citizen, BODY, "key-first-0001").json()
    second = post(citizen, BODY, "key-second-001").json()
    answer(citizen, second["id"], same=False)
    html = citizen.get(f"/arbol/arboles/{second['id']}").content.decode()
    assert "Posible duplicado de" in html and f"Árbol {first['id']}" in html
    assert "Otro árbol" in html
