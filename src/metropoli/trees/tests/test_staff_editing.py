"""The staff's pages: every field, the place, photos, removal with a reason; each write checks
its permission in the tree's municipality and lands in the history, shown in words."""

from decimal import Decimal

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeRecord, history_of, lines
from metropoli.territory.models import Role
from metropoli.trees import editing, services
from metropoli.trees.models import PlantingSite, Tree, TreePhoto
from metropoli.trees.staff_views import form_version

from .factories import GDL, ZAP, fresno, image_bytes, make_tree

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_data(tree, **changes) -> dict:
    site = tree.site
    seen = Tree.objects.select_related("site").get(pk=tree.pk)
    data = {
        "version": form_version(seen, seen.site),
        "species": tree.species.code if tree.species else "",
        "dbh_cm": str(tree.dbh_cm or ""),
        "height_m": "",
        "crown_width_m": "",
        "condition": tree.condition,
        "phenology": tree.phenology,
        "notes": tree.notes,
        "external_id": tree.external_id,
        "lat": f"{site.location.y:.7f}",
        "lon": f"{site.location.x:.7f}",
        "site_type": site.site_type,
        "address": site.address,
        "colonia": site.colonia,
    }
    return data | changes


@pytest.fixture
def staff(guadalajara):
    return person_with(Role.MUNICIPAL_STAFF, guadalajara, display_name="Ana Staff")


def test_staff_edit_every_field_and_move_the_tree_and_the_history_says_it_in_words(
    municipalities, staff
):
    tree = make_tree(UserFactory(), location_accuracy_m=8)
    fresno()
    client = client_for(staff)
    url = f"/arbol/arboles/{tree.pk}/editar"
    assert client.get(url, headers=ES).status_code == 200
    moved = (GDL[0] + 0.0004, GDL[1] + 0.0003)
    response = client.post(
        url,
        edit_data(
            tree,
            species="FRUH",
            dbh_cm="41.5",
            height_m="9",
            crown_width_m="6.5",
            condition="fair",
            phenology="flowering",
            notes="Poda ligera",
            external_id="GDL-0042",
            lat=f"{moved[1]:.7f}",
            lon=f"{moved[0]:.7f}",
            site_type="park",
            address="Av. Juárez 100",
            colonia="Centro",
        ),
        headers=ES,
    )
    assert response.status_code == 302
    tree = Tree.objects.select_related("site", "species").get(pk=tree.pk)
    assert (tree.species.code, str(tree.dbh_cm), str(tree.height_m), tree.condition) == (
        "FRUH",
        "41.5",
        "9.0",
        "fair",
    )
    assert (tree.external_id, tree.site.site_type, tree.site.address) == (
        "GDL-0042",
        "park",
        "Av. Juárez 100",
    )
    assert round(tree.site.location.x, 6) == round(moved[0], 6)
    assert tree.site.location_accuracy_m is None  # placed by hand, no longer the GPS's
    changed = {line.field for line in lines(history_of(Tree, tree.pk).filter(action="update"))}
    assert changed == {
        "species",
        "dbh_cm",
        "height_m",
        "crown_width_m",
        "condition",
        "phenology",
        "notes",
        "external_id",
        "location",
        "location_accuracy_m",
        "site_type",
        "address",
        "colonia",
    }
    html = client.get(f"/arbol/arboles/{tree.pk}", headers=ES).content.decode()
    assert "Municipio:</span> Guadalajara" in html
    assert "Condición:</span> No sé → Regular" in html
    assert "Especie:</span> Jacaranda (Jacaranda mimosifolia) → Fresno (Fraxinus uhdei)" in html
    assert "Tipo de sitio:</span> Banqueta → Parque o plaza" in html
    assert "Número de inventario:</span> GDL-0042" in html
    assert "sidewalk" not in html and "14039" not in html
    # Unchanged values are not changes: saving the same form again writes nothing.
    before = ChangeRecord.objects.count()
    again = client.post(url, edit_data(tree, height_m="9.0", crown_width_m="6.5"), headers=ES)
    assert again.status_code == 302
    assert ChangeRecord.objects.count() == before


def test_bad_values_are_form_errors_in_spanish_and_change_nothing(municipalities, staff):
    tree = make_tree(None)
    client = client_for(staff)
    url = f"/arbol/arboles/{tree.pk}/editar"
    response = client.post(url, edit_data(tree, dbh_cm="2000"), headers=ES)
    assert response.status_code == 400
    assert "El diámetro del tronco debe ser mayor que 0" in response.content.decode()
    response = client.post(url, edit_data(tree, lat="10.0", lon="-20.0"), headers=ES)
    assert response.status_code == 400
    assert "fuera de los municipios" in response.content.decode()
    response = client.post(url, edit_data(tree, dbh_cm="mucho"), headers=ES)
    assert response.status_code == 400
    assert "Escribe un número" in response.content.decode()
    tree.refresh_from_db()
    assert str(tree.dbh_cm) == "30.0"


def test_every_write_checks_the_role_in_the_trees_municipality(
    municipalities, guadalajara, zapopan
):
    tree = make_tree(None)
    photo = TreePhoto.objects.count()
    outsiders = [UserFactory(), person_with(Role.MUNICIPAL_STAFF, zapopan)]
    for user in outsiders:
        client = client_for(user)
        assert client.get(f"/arbol/arboles/{tree.pk}/editar").status_code == 403
        assert client.post(f"/arbol/arboles/{tree.pk}/editar", edit_data(tree)).status_code == 403
        assert client.post(f"/arbol/arboles/{tree.pk}/eliminar", {"reason": "x"}).status_code == 403
        assert client.post(f"/arbol/arboles/{tree.pk}/fotos", {}).status_code == 403
        assert client.get(f"/arbol/sitios/{tree.site_id}").status_code == 403
        assert client.post(f"/arbol/sitios/{tree.site_id}/editar", {}).status_code == 403
    assert Client().get(f"/arbol/arboles/{tree.pk}/editar").status_code == 302  # to log in
    assert Tree.objects.filter(pk=tree.pk).exists() and TreePhoto.objects.count() == photo
    # The municipality's arborist edits and also removes trees, with a reason.
    arborist = client_for(person_with(Role.ARBORIST, guadalajara))
    assert arborist.get(f"/arbol/arboles/{tree.pk}/editar").status_code == 200
    fallen = make_tree(None)
    removed = arborist.post(f"/arbol/arboles/{fallen.pk}/eliminar", {"reason": "Árbol caído"})
    assert removed.status_code in (200, 302) and not Tree.objects.filter(pk=fallen.pk).exists()
    # Moving a tree into a municipality where one has no role is refused on the form.
    staff = client_for(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    response = staff.post(
        f"/arbol/arboles/{tree.pk}/editar",
        edit_data(tree, lon=f"{ZAP[0]:.7f}", lat=f"{ZAP[1]:.7f}"),
        headers=ES,
    )
    assert response.status_code == 400
    assert "No puedes mover un árbol a Zapopan" in response.content.decode()


def test_photos_added_and_removed_with_the_upload_checks(
    municipalities, staff, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    tree = make_tree(None)
    client = client_for(staff)
    url = f"/arbol/arboles/{tree.pk}/fotos"
    refused = client.post(url, {"photo": _upload(b"not a photo at all")}, headers=ES)
    assert refused.status_code == 400
    assert "El archivo no es una foto" in refused.content.decode()
    settings.TREES_PHOTO_MAX_BYTES = 200
    too_big = client.post(url, {"photo": _upload(image_bytes(size=(400, 300)))}, headers=ES)
    assert too_big.status_code == 400 and "La foto es demasiado grande" in too_big.content.decode()
    settings.TREES_PHOTO_MAX_BYTES = 10_000_000
    assert client.post(url, {"photo": _upload(image_bytes())}, headers=ES).status_code == 302
    photo = TreePhoto.objects.get(tree=tree)
    stored = tmp_path / photo.image.name
    assert stored.exists()
    html = client.get(f"/arbol/arboles/{tree.pk}", headers=ES).content.decode()
    assert f'src="{photo.thumbnail.url}"' in html.split('id="history-title"')[1]
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(f"/arbol/arboles/{tree.pk}/fotos/{photo.pk}/quitar", headers=ES)
    assert removed.status_code == 302
    assert not TreePhoto.objects.filter(tree=tree).exists() and not stored.exists()
    html = client.get(f"/arbol/arboles/{tree.pk}", headers=ES).content.decode()
    assert "Foto (quitada)" in html
    # Removing it again: a message, not an error page.
    again = client.post(
        f"/arbol/arboles/{tree.pk}/fotos/{photo.pk}/quitar", headers=ES, follow=True
    )
    assert "no tiene esa foto" in again.content.decode()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("arbol.jpg", data, content_type="image/jpeg")


def test_removing_a_tree_needs_a_reason_and_leaves_an_empty_site(municipalities, staff):
    tree = make_tree(None)
    site_id = tree.site_id
    client = client_for(staff)
    url = f"/arbol/arboles/{tree.pk}/eliminar"
    assert client.get(url, headers=ES).status_code == 200
    empty = client.post(url, {"reason": "  "}, headers=ES)
    assert empty.status_code == 400 and "Este campo es obligatorio" in empty.content.decode()
    response = client.post(url, {"reason": "Derribado por la tormenta"}, headers=ES)
    assert response.status_code == 302 and response.url == f"/arbol/sitios/{site_id}"
    assert not Tree.objects.filter(pk=tree.pk).exists()
    assert PlantingSite.objects.filter(pk=site_id).exists()
    html = client.get(f"/arbol/arboles/{tree.pk}", headers=ES).content.decode()
    assert "Motivo:</span> Derribado por la tormenta" in html
    site_html = client.get(f"/arbol/sitios/{site_id}", headers=ES).content.decode()
    assert "Derribado por la tormenta" in site_html and "Plantar un árbol aquí" in site_html


def test_an_empty_history_is_a_sentence(municipalities):
    tree = make_tree(None)
    history_of(Tree, tree.pk).delete()  # as bulk imports leave it
    html = Client().get(f"/arbol/arboles/{tree.pk}", headers=ES).content.decode()
    assert "Todavía no se ha registrado ningún cambio de este árbol." in html
    assert "<table" not in html.split('id="history-title"')[1]


def test_a_form_sent_after_someone_else_saved_is_refused_not_merged(municipalities, staff):
    tree = make_tree(None)
    client = client_for(staff)
    url = f"/arbol/arboles/{tree.pk}/editar"
    seen = edit_data(tree, notes="Vista por Ana")
    services.update_tree(tree=tree, changed_by=None, changes={"condition": "poor"})
    response = client.post(url, seen, headers=ES)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Alguien más cambió este registro mientras lo editabas" in html
    assert '<option value="poor" selected>' in html
    tree.refresh_from_db()
    assert (tree.condition, tree.notes) == ("poor", "")
    site = PlantingSite.objects.create(
        location=tree.site.location, municipality=tree.site.municipality
    )
    stale = client.post(f"/arbol/sitios/{site.pk}/editar", {"version": "1-2"}, headers=ES)
    assert stale.status_code == 409


def test_an_edit_refused_after_its_history_was_written_leaves_no_history(municipalities):
    # update_tree records the diameter's change, then the inventory number is refused: the
    # one transaction takes the history row back with the change (decision 0090).
    tree = make_tree(None)
    before = ChangeRecord.objects.count()
    with pytest.raises(DomainError):
        editing.change_tree(
            tree=tree, changed_by=None, changes={"dbh_cm": 45, "external_id": "x" * 65}
        )
    tree.refresh_from_db()
    assert tree.dbh_cm == Decimal("30.0")
    assert ChangeRecord.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_two_saves_from_one_version_at_once_one_is_refused(municipalities, staff):
    # The page's early check cannot see a save that lands between it and the write: the service
    # compares the version again under the tree's lock. A holds the lock and saves; B, sent from
    # the same version, waits for the lock, then finds the tree changed and stores nothing.
    import threading

    from django.db import connection, transaction

    from metropoli.common.stale import is_edited_meanwhile

    tree = make_tree(None)
    seen = Tree.objects.select_related("site").get(pk=tree.pk)
    version = form_version(seen, seen.site)
    locked, outcome = threading.Event(), {}

    def second_save():
        try:
            locked.wait(10)
            editing.change_tree(
                tree=tree, changed_by=staff, changes={"notes": "B"}, seen_version=version
            )
            outcome["b"] = "saved"
        except DomainError as error:
            outcome["b"] = "stale" if is_edited_meanwhile(error) else repr(error)
        finally:
            connection.close()

    thread = threading.Thread(target=second_save)
    thread.start()
    with transaction.atomic():
        Tree.objects.select_for_update().get(pk=tree.pk)
        locked.set()
        thread.join(0.5)  # B is now waiting for the lock, past any early check
        assert thread.is_alive()
        editing.change_tree(
            tree=tree, changed_by=staff, changes={"notes": "A"}, seen_version=version
        )
    thread.join(10)
    assert outcome == {"b": "stale"}
    assert Tree.objects.get(pk=tree.pk).notes == "A"
