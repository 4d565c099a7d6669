"""Planting sites: empty sites, the site versus its tree, planting a tree in a site; the
history in words; exports with labels beside the codes."""

import csv
import io
import json

import pytest
from django.test import Client
from django.utils import translation

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.common.history import history_of
from metropoli.common.history import lines as history_lines
from metropoli.territory.models import Role
from metropoli.trees import history, services, sites
from metropoli.trees.models import PlantingSite, Tree, TreeCell
from metropoli.trees.staff_views import form_version

from .factories import GDL, ZAP, jacaranda, make_tree

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def site_data(**values) -> dict:
    return {
        "lat": f"{GDL[1]:.7f}",
        "lon": f"{GDL[0]:.7f}",
        "site_type": "median",
        "address": "Av. Vallarta 300",
        "colonia": "Americana",
    } | values


def test_an_empty_site_is_created_edited_and_planted(municipalities, guadalajara):
    jacaranda()
    arborist = person_with(Role.ARBORIST, guadalajara)
    client = client_for(arborist)
    assert client.get("/arbol/sitios/nuevo", headers=ES).status_code == 200
    response = client.post("/arbol/sitios/nuevo", site_data(), headers=ES)
    assert response.status_code == 302
    site = PlantingSite.objects.get()
    assert (site.municipality, site.site_type, site.address) == (
        guadalajara,
        "median",
        "Av. Vallarta 300",
    )
    assert not Tree.objects.exists()
    listing = client.get("/arbol/sitios", headers=ES).content.decode()
    assert f'href="/arbol/sitios/{site.pk}"' in listing

    edited = client.post(
        f"/arbol/sitios/{site.pk}/editar",
        site_data(address="Av. Vallarta 310", version=form_version(site)),
        headers=ES,
    )
    assert edited.status_code == 302
    site.refresh_from_db()
    assert site.address == "Av. Vallarta 310"
    rows = history_of(PlantingSite, site.pk)
    assert set(rows.values_list("parent_id", flat=True)) == {None}

    planted = client.post(
        f"/arbol/sitios/{site.pk}/plantar",
        {"species": "JAMI", "dbh_cm": "4", "condition": "good", "phenology": "leafed"},
        headers=ES,
    )
    assert planted.status_code == 302
    tree = Tree.objects.get(site=site)
    assert (tree.species.code, str(tree.dbh_cm), tree.recorded_by) == ("JAMI", "4.0", arborist)
    assert TreeCell.objects.filter(municipality=guadalajara).exists()
    page = client.get(f"/arbol/sitios/{site.pk}", headers=ES).content.decode()
    assert "Árbol plantado:</span> Árbol " + str(tree.pk) in page
    assert "Dirección:</span> Av. Vallarta 300 → Av. Vallarta 310" in page
    # The site now has a tree: it is edited with its tree, and no second tree is planted.
    assert client.get(f"/arbol/sitios/{site.pk}/editar").url == f"/arbol/arboles/{tree.pk}/editar"
    assert client.get(f"/arbol/sitios/{site.pk}/plantar").url == f"/arbol/arboles/{tree.pk}"
    with pytest.raises(DomainError) as refused:
        sites.plant_tree(site=site, planted_by=arborist, species_code="JAMI")
    assert refused.value.code == sites.SiteErrorCode.SITE_TAKEN
    # Removed, the tree's history still knows its municipality through the planting row.
    services.delete_tree(tree=tree, deleted_by=arborist)
    from metropoli.trees.selectors import removed_tree_municipality

    assert removed_tree_municipality(tree.pk) == guadalajara


def test_sites_are_for_who_looks_after_the_municipality(municipalities, guadalajara, zapopan):
    citizen = client_for(UserFactory())
    assert citizen.get("/arbol/sitios").status_code == 403
    assert citizen.post("/arbol/sitios/nuevo", site_data()).status_code == 403
    zapopan_staff = client_for(person_with(Role.MUNICIPAL_STAFF, zapopan))
    refused = zapopan_staff.post("/arbol/sitios/nuevo", site_data(), headers=ES)
    assert refused.status_code == 400
    assert "No puedes cuidar sitios de plantación en Guadalajara" in refused.content.decode()
    assert not PlantingSite.objects.exists()
    ok = zapopan_staff.post(
        "/arbol/sitios/nuevo", site_data(lon=f"{ZAP[0]:.7f}", lat=f"{ZAP[1]:.7f}"), headers=ES
    )
    assert ok.status_code == 302
    site = PlantingSite.objects.get()
    gdl_staff = client_for(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    assert gdl_staff.get(f"/arbol/sitios/{site.pk}").status_code == 403
    assert gdl_staff.post(f"/arbol/sitios/{site.pk}/plantar", {}).status_code == 403
    assert f"/arbol/sitios/{site.pk}" not in gdl_staff.get("/arbol/sitios").content.decode()


def test_history_labels_follow_the_language(municipalities):
    tree = make_tree(None, condition="fair")
    rows = history_lines(history_of(Tree, tree.pk))
    with translation.override("es-mx"):
        lines = {line.label: line.shown[0].text for line in history.describe(rows)[0].lines}
    assert lines["Municipio"] == "Guadalajara"
    assert lines["Condición"] == "Regular"
    assert lines["Especie"] == "Jacaranda (Jacaranda mimosifolia)"
    assert lines["Diámetro del tronco a la altura del pecho (cm)"] == "30.0 cm"
    with translation.override("en"):
        lines = {line.label: line.shown[0].text for line in history.describe(rows)[0].lines}
    assert lines["Condition"] == "Fair" and lines["Municipality"] == "Guadalajara"


def test_exports_carry_labels_beside_the_codes(municipalities):
    make_tree(None, condition="fair", site_type="park")
    client = Client()
    response = client.get("/api/trees/export?format=csv", headers=ES)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    assert header[header.index("condition") + 1] == "condition_label"
    assert header[header.index("municipality") + 1] == "municipality_name"
    assert (row["condition"], row["condition_label"]) == ("fair", "Regular")
    assert (row["site_type"], row["site_type_label"]) == ("park", "Parque o plaza")
    assert (row["municipality"], row["municipality_name"]) == ("14039", "Guadalajara")
    response = client.get("/api/trees/export?format=geojson", headers={"Accept-Language": "en"})
    feature = json.loads(b"".join(response.streaming_content))["features"][0]
    assert feature["properties"]["condition_label"] == "Fair"
    assert feature["properties"]["validation_state_label"] == "Waiting for validation"


def test_exports_speak_the_language_of_the_request_and_come_in_pieces(municipalities, monkeypatch):
    from metropoli.trees import exports, selectors
    from metropoli.trees.selectors import TreeFilters

    for n in range(5):
        make_tree(None, condition="fair", notes=f"E-{n}")
    monkeypatch.setattr(exports, "PIECE", 2)
    qs = selectors.trees_for_listing(TreeFilters())
    with translation.override("en"):
        csv_pieces = exports.csv_chunks(qs)
        geojson_pieces = exports.geojson_chunks(qs)
    # The server sends the pieces after the view has returned, in another language by then.
    with translation.override("es-mx"):
        csv_list, geojson_list = list(csv_pieces), list(geojson_pieces)
    rows = list(csv.DictReader(io.StringIO("".join(csv_list).lstrip("\ufeff"))))
    assert [row["condition_label"] for row in rows] == ["Fair"] * 5
    assert sorted(row["notes"] for row in rows) == [f"E-{n}" for n in range(5)]
    features = json.loads("".join(geojson_list))["features"]
    assert [f["properties"]["condition_label"] for f in features] == ["Fair"] * 5
    assert [f["id"] for f in features] == [int(row["id"]) for row in rows]
    assert len(csv_list) >= 3 and len(geojson_list) >= 3


def test_the_map_offers_planting_sites_to_who_looks_after_trees(municipalities, guadalajara):
    link = 'href="/arbol/sitios"'
    assert link not in Client().get("/arbol/", headers=ES).content.decode()
    assert link not in client_for(UserFactory()).get("/arbol/").content.decode()
    arborist = client_for(person_with(Role.ARBORIST, guadalajara))
    assert link in arborist.get("/arbol/", headers=ES).content.decode()


def test_who_may_remove_photos_and_look_after_sites(municipalities, guadalajara, zapopan):
    people = {
        "citizen": UserFactory(),
        "staff_elsewhere": person_with(Role.MUNICIPAL_STAFF, zapopan),
        "staff": person_with(Role.MUNICIPAL_STAFF, guadalajara),
        "arborist": person_with(Role.ARBORIST, guadalajara),
        "admin": person_with(Role.PLATFORM_ADMIN),
    }
    tree = make_tree(UserFactory())

    def allowed(perm, obj):
        return {name for name, user in people.items() if user.has_perm(perm, obj)}

    assert allowed("trees.delete_photo", tree) == {"staff", "arborist", "admin"}
    assert allowed("trees.change_site", tree.site) == {"staff", "arborist", "admin"}
    assert allowed("trees.change_site", guadalajara) == {"staff", "arborist", "admin"}
    # The person who recorded a tree may take back its photo during the edit window.
    assert tree.recorded_by.has_perm("trees.delete_photo", tree)


def test_the_site_services_check_the_municipality_themselves(municipalities, guadalajara, zapopan):
    """Pages check it first; the services do too (decision 0088), so no other caller skips it."""
    site = sites.create_site(created_by=None, lon=ZAP[0], lat=ZAP[1])
    other = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    for attempt in (
        lambda: sites.update_site(site=site, changed_by=other, changes={"address": "Otra 1"}),
        lambda: sites.plant_tree(site=site, planted_by=other),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == sites.SiteErrorCode.NOT_YOURS
    site.refresh_from_db()
    assert site.address == "" and not Tree.objects.exists()
    mine = person_with(Role.MUNICIPAL_STAFF, zapopan)
    assert sites.update_site(site=site, changed_by=mine, changes={"address": "Mía 1"}).address
    assert sites.plant_tree(site=site, planted_by=mine).site_id == site.pk
