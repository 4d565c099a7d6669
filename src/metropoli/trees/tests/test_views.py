import pytest
from django.test import Client

from metropoli.trees import services

from .factories import ZAP, make_tree

pytestmark = pytest.mark.django_db


def test_map_page_lists_filtered_trees_with_export_links(
    municipalities, django_capture_on_commit_callbacks
):
    jac = make_tree(None, dbh_cm=10)
    make_tree(None, at=ZAP, species_code="FRUH", dbh_cm=60)
    page = Client().get("/arbol/?species=JAMI", headers={"Accept-Language": "es-MX"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/arbol/arboles/{jac.pk}"' in html
    assert "Fresno" not in html.split('id="tree-list"')[1].split("</ul>")[0]
    assert "/api/trees/export?format=csv&amp;species=JAMI" in html
    assert 'data-layer="trees"' in html
    # Tile URLs carry the inventory's version, so no stale cached tile hides a new tree.
    version = int(html.split('data-tiles-version="')[1].split('"')[0])
    with django_capture_on_commit_callbacks(execute=True):
        make_tree(None, dbh_cm=11)
    again = Client().get("/arbol/").content.decode()
    assert int(again.split('data-tiles-version="')[1].split('"')[0]) > version
    assert "1 árbol" in html


def test_map_page_explains_bad_filters(municipalities):
    page = Client().get("/arbol/?dbh_min=mucho", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "must be a number" in page.content.decode()


def test_tree_page_shows_data_and_history(municipalities):
    tree = make_tree(None, dbh_cm=10, address="Av. Vallarta 1")
    services.update_tree(tree=tree, changed_by=None, changes={"dbh_cm": 12})
    page = Client().get(f"/arbol/arboles/{tree.pk}", headers={"Accept-Language": "es-MX"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Jacaranda" in html and "Av. Vallarta 1" in html
    assert "10.0" in html and "12.0" in html
    assert Client().get("/arbol/arboles/999999").status_code == 404


def test_capture_page_carries_the_catalogue_and_asks_anonymous_people_to_log_in(municipalities):
    make_tree(None)  # loads the jacaranda species
    page = Client().get("/arbol/capturar", headers={"Accept-Language": "es-MX"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="species-data"' in html and "Jacaranda mimosifolia" in html
    assert 'capture="environment"' in html
    assert 'id="login-needed"' in html


def test_service_worker_keeps_the_capture_app_offline():
    sw = Client().get("/sw.js").content.decode()
    # The page by the module's script, its files by the list the shell derives from templates.
    assert "/static/trees/capture-sw.js" in sw and '"/static/trees/capture.js"' in sw
    from django.contrib.staticfiles import finders

    with open(finders.find("trees/capture-sw.js"), encoding="utf-8") as handle:
        script = handle.read()
    assert '"/arbol/capturar"' in script


def test_a_removed_trees_page_shows_its_history_to_the_staff_only(municipalities, guadalajara):
    from metropoli.accounts.tests.factories import person_with
    from metropoli.territory.models import Role

    tree = make_tree(None, notes="Raíces levantan la banqueta del 12")
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    services.delete_tree(tree=tree, deleted_by=staff)
    url = f"/arbol/arboles/{tree.pk}"
    assert Client().get(url).status_code == 404
    client = Client()
    client.force_login(staff)
    page = client.get(url, headers={"Accept-Language": "es-MX"})
    assert page.status_code == 200
    assert "Raíces levantan la banqueta del 12" in page.content.decode()
