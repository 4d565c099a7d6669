import pytest

from metropoli.accounts.tests.factories import PASSWORD
from metropoli.trees.models import Tree
from metropoli.validation.models import Vote

NEXT = "/api/validation/next"


def vote_url(tree) -> str:
    return f"/api/validation/trees/{tree.pk}/votes"


@pytest.fixture
def expert_client(client, expert):
    client.login(email=expert.email, password=PASSWORD)
    return client


def test_next_card_and_vote(expert_client, tree, expert2):
    card = expert_client.get(NEXT).json()["card"]
    assert card["tree_id"] == tree.pk
    assert card["species_name"] == "Jacaranda" and card["dbh_cm"] == 30.0
    assert card["recorder_name"] == "Lupita" and card["recorder_level"] == "observer"
    assert card["remaining"] == 1
    response = expert_client.post(
        vote_url(tree), {"kind": "confirm"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["decision"] is None and body["weight"] == 0.75
    assert expert_client.get(NEXT).json() == {"card": None}


def test_vote_needs_login(client, tree):
    response = client.post(vote_url(tree), {"kind": "confirm"}, content_type="application/json")
    assert response.status_code == 401
    assert Vote.objects.count() == 0


def test_vote_needs_csrf(expert, tree):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.login(email=expert.email, password=PASSWORD)
    response = strict.post(vote_url(tree), {"kind": "confirm"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert Vote.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es-MX", "No puedes validar un árbol que tú registraste."),
        ("en", "You cannot validate a tree you recorded."),
    ],
)
def test_own_record_refused_in_both_languages(
    client, recorder, guadalajara, tree, language, message
):
    from metropoli.territory.models import Role, RoleAssignment

    RoleAssignment.objects.create(
        user=recorder, role=Role.CERTIFIED_EXPERT, municipality=guadalajara
    )
    client.login(email=recorder.email, password=PASSWORD)
    response = client.post(
        vote_url(tree),
        {"kind": "confirm"},
        content_type="application/json",
        headers={"Accept-Language": language},
    )
    assert response.status_code == 403
    assert response.json() == {"code": "own_record", "message": message}
    assert Tree.objects.get(pk=tree.pk).validation_state == "submitted"


def test_unknown_tree_is_404(expert_client):
    response = expert_client.post(
        "/api/validation/trees/999999/votes", {"kind": "confirm"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_decided_record_is_409(expert_client, tree, arborist):
    from metropoli.validation import services

    services.cast_vote(tree=tree, voter=arborist, kind="confirm")
    response = expert_client.post(
        vote_url(tree), {"kind": "confirm"}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "already_decided"


def test_notifications_and_work_status(client, tree, arborist, recorder):
    from metropoli.validation import services
    from metropoli.validation.models import WorkItem

    services.cast_vote(tree=tree, voter=arborist, kind="flag", flags=["risk"])
    client.login(email=recorder.email, password=PASSWORD)
    (note,) = client.get("/api/validation/notifications").json()
    assert note["tree_id"] == tree.pk and note["outcome"] == "validated"
    item = WorkItem.objects.get()
    response = client.post(
        f"/api/validation/work-items/{item.pk}/status",
        {"status": "inspected"},
        content_type="application/json",
    )
    assert response.status_code == 403
    client.login(email=arborist.email, password=PASSWORD)
    response = client.post(
        f"/api/validation/work-items/{item.pk}/status",
        {"status": "inspected"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "inspected"
