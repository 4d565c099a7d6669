"""The import page: upload checks, the dry-run report, confirmation, scope and progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from metropoli.accounts.tests.factories import person_with
from metropoli.territory.models import Role
from metropoli.trees.models import ImportState, InventoryImport, Tree

from .factories import GDL, fresno, jacaranda

pytestmark = pytest.mark.django_db(transaction=True)  # the tasks run after the commit

GOOD = f"lon,lat,species,dbh_cm\n{GDL[0]},{GDL[1]},JAMI,30\n{GDL[0] + 0.001},{GDL[1]},FRUH,45\n"
BAD = GOOD + f"{GDL[0] + 0.002},{GDL[1]},JAMI,-4\n"


@pytest.fixture
def staff(municipalities, guadalajara):
    jacaranda()
    fresno()
    client = Client(headers={"Accept-Language": "es-MX"})
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    return client


def upload(client, name, text, **fields):
    data = {"municipality": fields.pop("municipality"), "file": SimpleUploadedFile(name, text)}
    data.update(fields)
    return client.post("/arbol/importar/", data)


def test_a_bad_row_is_reported_in_spanish_and_nothing_can_be_imported(staff, guadalajara):
    response = upload(staff, "gdl.csv", BAD.encode(), municipality=guadalajara.pk)
    job = InventoryImport.objects.get()
    assert response.status_code == 302 and response.url == f"/arbol/importar/{job.pk}"
    assert job.state == ImportState.CHECKED and job.rows == 3 and job.error_count == 1
    assert job.errors[0][:2] == [4, "dbh_cm"]
    html = staff.get(response.url).content.decode()
    assert "Reporte por fila" in html and 'id="import-confirm"' not in html
    assert staff.post(f"/arbol/importar/{job.pk}/confirmar").status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.CHECKED and Tree.objects.count() == 0


def test_a_good_file_is_checked_then_imported_on_confirmation(staff, guadalajara):
    response = upload(staff, "gdl.csv", GOOD.encode(), municipality=guadalajara.pk)
    job = InventoryImport.objects.get()
    assert 'id="import-confirm"' in staff.get(response.url).content.decode()
    assert Tree.objects.count() == 0  # the dry run wrote nothing
    staff.post(f"/arbol/importar/{job.pk}/confirmar")
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.imported == 2 and Tree.objects.count() == 2
    status = staff.get(f"/arbol/importar/{job.pk}/estado").json()
    assert status["percent"] == 100 and status["state"] == "done"
    # Confirming again imports nothing twice.
    staff.post(f"/arbol/importar/{job.pk}/confirmar")
    assert Tree.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("arboles.xlsx", b"PK\x03\x04xx", "CSV (.csv) o GeoJSON"),
        ("arboles.csv", b"PK\x03\x04\x00\x00binary", "no es texto"),
        ("arboles.geojson", b"lon,lat\n1,2\n", "FeatureCollection"),
        ("arboles.csv", b"", "vac"),
    ],
)
def test_uploads_that_are_not_inventories_are_refused_in_words(
    staff, guadalajara, name, content, expected
):
    response = upload(staff, name, content, municipality=guadalajara.pk)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not InventoryImport.objects.exists()


def test_too_large_a_file_is_refused(staff, guadalajara, settings):
    settings.TREES_IMPORT_MAX_BYTES = 10
    response = upload(staff, "gdl.csv", GOOD.encode(), municipality=guadalajara.pk)
    assert response.status_code == 400 and "MB" in response.content.decode()


def test_staff_import_only_into_their_municipalities(staff, guadalajara, zapopan):
    # Another municipality is not among the choices: the form refuses it.
    assert upload(staff, "gdl.csv", GOOD.encode(), municipality=zapopan.pk).status_code == 400
    job = InventoryImport.objects.create(
        municipality=zapopan, original_name="z.csv", partial=False, metric=False
    )
    assert staff.get(f"/arbol/importar/{job.pk}").status_code == 404
    citizen = Client()
    citizen.force_login(person_with(Role.CITIZEN, guadalajara))
    assert citizen.get("/arbol/importar/").status_code == 403


def test_progress_is_visible_while_the_import_transaction_is_open(staff, guadalajara):
    from django.db import connection, transaction

    from metropoli.trees.imports import _ProgressWriter

    upload(staff, "gdl.csv", GOOD.encode(), municipality=guadalajara.pk)
    job = InventoryImport.objects.get()
    InventoryImport.objects.filter(pk=job.pk).update(state=ImportState.IMPORTING)
    progress = _ProgressWriter(job.pk)
    with transaction.atomic():
        connection.cursor().execute("SELECT 1")  # the import's own transaction is open
        progress(40, 100)
        outside = progress.connection.cursor()
        outside.execute("SELECT done, total FROM trees_inventoryimport WHERE id = %s", [job.pk])
        assert outside.fetchone() == (40, 100)
        status = Client()  # another request, as the polling page, sees it too
        status.force_login(job.uploaded_by)
        assert status.get(f"/arbol/importar/{job.pk}/estado").json()["percent"] == 40
    progress.close()


def test_the_map_page_leads_staff_to_the_import_page(staff, guadalajara):
    assert 'href="/arbol/importar/"' in staff.get("/arbol/").content.decode()
    citizen = Client()
    citizen.force_login(person_with(Role.CITIZEN, guadalajara))
    assert 'href="/arbol/importar/"' not in citizen.get("/arbol/").content.decode()


def test_an_unexpected_failure_marks_the_import_failed_in_words(staff, guadalajara, monkeypatch):
    from metropoli.trees import imports

    upload(staff, "gdl.csv", GOOD.encode(), municipality=guadalajara.pk)
    job = InventoryImport.objects.get()
    InventoryImport.objects.filter(pk=job.pk).update(state=ImportState.IMPORTING)

    def broken(**options):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports.inventory, "import_trees", broken)
    with pytest.raises(RuntimeError):
        imports._run(job.pk, dry_run=False)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert job.problem.startswith("La importación se detuvo por un error en el servidor")
    assert "se detuvo" in staff.get(f"/arbol/importar/{job.pk}").content.decode()
