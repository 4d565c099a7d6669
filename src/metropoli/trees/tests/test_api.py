import csv
import io
import json

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.history import ChangeRecord, history_of
from metropoli.territory.models import Role
from metropoli.trees.models import PlantingSite, Tree, TreeCell

from .factories import GDL, ZAP, fresno, jacaranda, make_tree

pytestmark = pytest.mark.django_db

BODY = {"lon": GDL[0], "lat": GDL[1], "species": "JAMI", "dbh_cm": 31.5, "condition": "good"}


@pytest.fixture
def citizen(municipalities):
    return UserFactory()


def client_for(user=None, **options) -> Client:
    client = Client(**options)
    if user is not None:
        client.force_login(user)
    return client


def post(client, body, key=None, language="es-MX"):
    headers = {"Accept-Language": language}
    if key:
        headers["Idempotency-Key"] = key
    return client.post(
        "/api/trees/", json.dumps(body), content_type="application/json", headers=headers
    )


def test_create_read_and_retry(citizen):
    jacaranda()
    client = client_for(citizen)
    first = post(client, BODY, key="3f1c0a9e-key")
    assert first.status_code == 201
    feature = first.json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["coordinates"] == [GDL[0], GDL[1]]
    assert feature["properties"]["species"] == "JAMI"
    assert feature["properties"]["dbh_cm"] == 31.5
    assert feature["properties"]["municipality"] == "14039"
    assert feature["properties"]["validation_state"] == "submitted"
    assert feature["properties"]["condition_label"] == "Bueno"

    again = post(client, BODY, key="3f1c0a9e-key")
    assert again.status_code == 200
    assert again.json()["id"] == feature["id"]
    assert Tree.objects.count() == 1

    read = client_for().get(f"/api/trees/{feature['id']}")
    assert read.status_code == 200
    assert read.json()["properties"]["recorded_by"] == citizen.display_name


def test_anonymous_cannot_create(municipalities):
    jacaranda()
    response = post(client_for(), BODY, language="en")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "Log in to do this."}
    assert Tree.objects.count() == 0


def test_create_needs_the_csrf_token(citizen):
    jacaranda()
    client = client_for(citizen, enforce_csrf_checks=True)
    response = post(client, BODY, language="en")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert Tree.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "code", "spanish", "english"),
    [
        (
            {"lon": -99.13, "lat": 19.43},
            "outside_area",
            "fuera de los municipios",
            "outside the municipalities",
        ),
        ({"dbh_cm": 0}, "invalid_dbh", "diámetro del tronco", "trunk diameter"),
        ({"dbh_cm": 1200}, "invalid_dbh", "1,000 cm", "1,000 cm"),
        ({"species": "XXXX"}, "unknown_species", "No hay ninguna especie", "There is no species"),
    ],
)
def test_bad_input_in_both_languages_and_nothing_written(citizen, change, code, spanish, english):
    jacaranda()
    client = client_for(citizen)
    for language, words in (("es-MX", spanish), ("en", english)):
        response = post(client, {**BODY, **change}, key="bad-key-001", language=language)
        assert response.status_code == 400
        assert response.json()["code"] == code
        assert words in response.json()["message"]
    assert Tree.objects.count() == PlantingSite.objects.count() == 0
    assert ChangeRecord.objects.count() == TreeCell.objects.count() == 0


def test_schema_errors_are_400_in_the_request_language(citizen):
    response = post(client_for(citizen), {"lon": "here", "lat": 20.6}, language="es-MX")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert response.json()["message"] == "La solicitud tiene datos no válidos."


def test_bad_idempotency_key(citizen):
    jacaranda()
    response = post(client_for(citizen), BODY, key="short", language="en")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"


REUSED = {
    "es-MX": "Esta Idempotency-Key ya se usó para otra solicitud. Envía una clave nueva con "
    "cada solicitud nueva.",
    "en": "This Idempotency-Key was already used for a different request. Send a new key with "
    "each new request.",
}


def test_a_key_reused_with_another_body_is_422_and_reveals_nothing(citizen):
    jacaranda()
    client = client_for(citizen)
    first = post(client, BODY, key="capture-0001")
    assert first.status_code == 201
    for language, message in REUSED.items():
        other = post(client, {**BODY, "dbh_cm": 99}, key="capture-0001", language=language)
        assert other.status_code == 422
        assert other.json() == {"code": "idempotency_key_reused", "message": message}
    assert Tree.objects.count() == 1
    assert post(client, BODY, key="capture-0001").json()["id"] == first.json()["id"]


def test_another_persons_key_is_a_new_key_of_ones_own(citizen):
    jacaranda()
    theirs = post(client_for(citizen), BODY, key="capture-0002")
    mine = post(client_for(UserFactory()), {**BODY, "dbh_cm": 12}, key="capture-0002")
    same_body = post(client_for(UserFactory()), BODY, key="capture-0002")
    assert (theirs.status_code, mine.status_code, same_body.status_code) == (201, 201, 201)
    assert len({theirs.json()["id"], mine.json()["id"], same_body.json()["id"]}) == 3
    assert Tree.objects.count() == 3


def test_update_by_recorder_and_refused_for_others(citizen):
    tree = make_tree(citizen)
    fresno()
    response = client_for(citizen).patch(
        f"/api/trees/{tree.pk}",
        json.dumps({"species": "FRUH", "height_m": 8}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["properties"]["species"] == "FRUH"
    assert response.json()["properties"]["height_m"] == 8.0

    other = client_for(UserFactory())
    refused = other.patch(
        f"/api/trees/{tree.pk}",
        json.dumps({"dbh_cm": 99}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == "You cannot change this tree."
    tree.refresh_from_db()
    assert tree.dbh_cm == 30


def test_update_with_impossible_dbh_changes_nothing(citizen):
    tree = make_tree(citizen)
    response = client_for(citizen).patch(
        f"/api/trees/{tree.pk}",
        json.dumps({"dbh_cm": -1, "notes": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    tree.refresh_from_db()
    assert tree.notes == ""


def test_delete_by_staff_of_the_municipality(guadalajara, zapopan):
    tree = make_tree(UserFactory())
    outsider = person_with(Role.MUNICIPAL_STAFF, zapopan)
    assert client_for(outsider).delete(f"/api/trees/{tree.pk}").status_code == 403
    assert Tree.objects.count() == 1
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    assert client_for(staff).delete(f"/api/trees/{tree.pk}").status_code == 204
    assert Tree.objects.count() == 0
    assert client_for().get(f"/api/trees/{tree.pk}").status_code == 404


def test_list_filters_and_pagination(municipalities):
    recorder = UserFactory()
    make_tree(recorder, dbh_cm=10, condition="good")
    make_tree(recorder, at=ZAP, dbh_cm=50, condition="poor")
    make_tree(None, species_code="FRUH", dbh_cm=80, at=(GDL[0] + 0.01, GDL[1]))
    make_tree(None, species_code=None, dbh_cm=5, at=(GDL[0] + 0.02, GDL[1]))
    client = client_for()

    def ids(query):
        response = client.get("/api/trees/?" + query)
        assert response.status_code == 200, response.json()
        return response.json()

    assert ids("")["count"] == 4
    assert ids("municipality=14120")["count"] == 1
    assert ids("species=JAMI")["count"] == 2
    assert ids("species=unknown")["count"] == 1
    assert ids("species=FRUH,unknown")["count"] == 2
    assert ids("condition=poor")["count"] == 1
    assert ids("dbh_min=40&dbh_max=60")["count"] == 1
    assert ids(f"recorded_by={recorder.pk}")["count"] == 2
    assert ids("validation_state=validated")["count"] == 0
    assert ids("since=2000-01-01&until=2999-12-31")["count"] == 4
    assert ids("since=2999-01-01")["count"] == 0
    box = f"{GDL[0] - 0.001},{GDL[1] - 0.001},{GDL[0] + 0.015},{GDL[1] + 0.001}"
    assert ids("bbox=" + box)["count"] == 2
    page = ids("page_size=3&page=2")
    assert (page["page"], page["pages"], len(page["features"])) == (2, 2, 1)


@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "municipality=99999",
        "species=NOPE",
        "condition=great",
        "dbh_min=x",
        "dbh_min=50&dbh_max=10",
        "since=yesterday",
        "validation_state=maybe",
    ],
)
def test_bad_filters_are_400(municipalities, query):
    response = client_for().get("/api/trees/?" + query, headers={"Accept-Language": "es-MX"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_export_csv_and_geojson_follow_filters(municipalities):
    make_tree(None, dbh_cm=10)
    make_tree(None, species_code="FRUH", dbh_cm=80, at=(GDL[0] + 0.01, GDL[1]))
    client = client_for()
    response = client.get("/api/trees/export?format=csv&species=FRUH")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["species"], r["dbh_cm"], r["municipality"]) for r in rows] == [
        ("FRUH", "80.0", "14039")
    ]
    response = client.get("/api/trees/export?format=geojson")
    data = json.loads(b"".join(response.streaming_content))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2


def test_nearby_finds_trees_within_two_metres(municipalities):
    tree = make_tree(None)
    make_tree(None, at=(GDL[0] + 0.0001, GDL[1]))  # about 10 m east
    # 1.1 m north of the first tree.
    response = client_for().get(f"/api/trees/nearby?lon={GDL[0]}&lat={GDL[1] + 0.00001}")
    found = response.json()
    assert [n["tree"]["id"] for n in found] == [tree.pk]
    assert 1.0 < found[0]["distance_m"] < 1.2


def test_species_search_in_spanish_and_latin(municipalities):
    jacaranda()
    fresno()
    client = client_for()
    assert [s["code"] for s in client.get("/api/trees/species?q=fres").json()] == ["FRUH"]
    assert [s["code"] for s in client.get("/api/trees/species?q=fraxinus").json()] == ["FRUH"]


def test_history_lists_changes(citizen):
    tree = make_tree(citizen)
    client_for(citizen).patch(
        f"/api/trees/{tree.pk}", json.dumps({"dbh_cm": 33}), content_type="application/json"
    )
    rows = client_for().get(f"/api/trees/{tree.pk}/history").json()
    assert {"field": "dbh_cm", "old_value": "30.0", "new_value": "33.0"}.items() <= rows[-1].items()
    assert rows[-1]["changed_by"] == citizen.display_name


def test_creating_is_rate_limited(citizen, settings):
    jacaranda()
    settings.TREES_CREATE_RATE = (2, 3600)
    client = client_for(citizen)
    assert post(client, BODY).status_code == 201
    assert post(client, {**BODY, "dbh_cm": 20}).status_code == 201
    response = post(client, {**BODY, "dbh_cm": 21}, language="en")
    assert response.status_code == 429
    assert Tree.objects.count() == 2


def test_a_removed_trees_history_is_for_the_staff_of_its_municipality_only(
    municipalities, guadalajara, zapopan
):
    recorder = UserFactory()
    tree = make_tree(recorder, notes="El vecino del 12 lo quiere tirar")
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    client_for(staff).delete(f"/api/trees/{tree.pk}")
    url = f"/api/trees/{tree.pk}/history"
    for who in (None, recorder, person_with(Role.ARBORIST, zapopan)):
        response = client_for(who).get(url)
        assert response.status_code == 404, who
        assert response.json()["code"] == "unknown_tree"
        assert "vecino" not in response.content.decode()
    for who in (staff, person_with(Role.ARBORIST, guadalajara), person_with(Role.PLATFORM_ADMIN)):
        removed = {
            r["field"]: r["old_value"]
            for r in client_for(who).get(url).json()
            if r["action"] == "delete"
        }
        assert removed["notes"] == "El vecino del 12 lo quiere tirar"


def test_a_removed_imported_tree_keeps_the_site_that_names_its_municipality(
    municipalities, guadalajara
):
    tree = make_tree(None)
    history_of(PlantingSite, tree.site_id).delete()  # as an import leaves it: no site rows
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    client_for(staff).delete(f"/api/trees/{tree.pk}")
    assert client_for(staff).get(f"/api/trees/{tree.pk}/history").status_code == 200
    assert client_for().get(f"/api/trees/{tree.pk}/history").status_code == 404


def test_a_page_past_the_last_is_404_even_a_huge_one(municipalities):
    make_tree(None)
    for page in ("2", str(10**20)):
        response = client_for().get(f"/api/trees/?page={page}", headers={"Accept-Language": "en"})
        assert response.status_code == 404
        assert response.json() == {
            "code": "no_such_page",
            "message": f"There is no page {page}: the last one is 1.",
        }


def test_a_patch_that_moves_a_tree_needs_a_role_where_it_lands(municipalities, guadalajara):
    tree = make_tree(UserFactory())
    arborist = person_with(Role.ARBORIST, guadalajara)
    response = client_for(arborist).patch(
        f"/api/trees/{tree.pk}",
        json.dumps({"lon": ZAP[0], "lat": ZAP[1]}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "You cannot move a tree to Zapopan: you have no role there.",
    }
    assert PlantingSite.objects.get().municipality == guadalajara
