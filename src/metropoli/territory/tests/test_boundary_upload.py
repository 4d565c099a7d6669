"""Official boundaries uploaded on /territorio/municipios/ (decision 0112): a GeoJSON file or a
zipped shapefile goes to the same import as the command; a file that is unsafe to unpack or
that the import refuses is refused in Spanish, and nothing is stored."""

import io
import os
import struct
import subprocess
import tempfile
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from metropoli.accounts.tests.factories import person_with
from metropoli.common.history import history_of
from metropoli.common.models import ChangeRecord
from metropoli.common.testing import signed_in
from metropoli.territory import boundary_files
from metropoli.territory.models import Municipality, Role

from .test_services import square, write_geojson

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
LIST = reverse("territory:municipalities")
UPLOAD = reverse("territory:boundary_upload")


@pytest.fixture
def admin():
    return signed_in(person_with(Role.PLATFORM_ADMIN))


@pytest.fixture
def inegi_like(tmp_path):
    """Guadalajara and Zapopan, and a municipality of another state (left out)."""
    return write_geojson(
        tmp_path / "14mun.geojson",
        [
            ({"CVEGEO": "14039", "NOMGEO": "Guadalajara"}, square(-103.35, 20.67)),
            ({"CVEGEO": "14120", "NOMGEO": "Zapopan"}, square(-103.45, 20.75)),
            ({"CVEGEO": "09015", "NOMGEO": "Cuauhtémoc"}, square(-99.15, 19.43)),
        ],
    )


def shapefile(tmp_path, source, *, srs="EPSG:6372") -> dict[str, bytes]:
    """The files of a real shapefile made from `source` by GDAL (ogr2ogr), by suffix."""
    folder = tmp_path / "shp"
    folder.mkdir()
    subprocess.run(["ogr2ogr", "-t_srs", srs, str(folder / "14mun.shp"), str(source)], check=True)
    return {path.suffix: path.read_bytes() for path in folder.iterdir()}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_bounded(boundary_count: int = 0) -> int:
    return Municipality.objects.filter(boundary__isnull=False).count() - boundary_count


def upload(client, name: str, data: bytes, **fields):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(UPLOAD, {"file": file, **fields}, headers=ES)


def test_a_geojson_file_gives_municipalities_their_boundaries(admin, municipalities, inegi_like):
    answer = upload(admin, "14mun.geojson", inegi_like.read_bytes())
    assert answer.status_code == 302 and answer["Location"] == LIST
    page = admin.get(LIST, headers=ES).content.decode()
    assert (
        "Se importaron los límites de «14mun.geojson» para Guadalajara (14039), Zapopan (14120)."
        in page
    )
    assert "Se omitieron 1 elementos del archivo" in page and "(09015)" in page
    assert "Aún sin límite: 14044, 14051" in page
    gdl = Municipality.objects.get(inegi_code="14039")
    assert gdl.boundary.extent == pytest.approx((-103.40, 20.62, -103.30, 20.72))
    assert gdl.boundary_source == "14mun.geojson:14mun"
    assert "14mun.geojson:14mun" in page  # the list shows where each boundary came from
    (record,) = history_of(Municipality, gdl.pk)
    assert record.changed_by is not None
    assert [(c["field"], c["old"], c["new"]) for c in record.changes][0] == (
        "boundary_source",
        "",
        "14mun.geojson:14mun",
    )


def test_a_zipped_shapefile_in_inegi_projection(admin, municipalities, inegi_like, tmp_path):
    parts = shapefile(tmp_path, inegi_like)
    assert set(parts) >= {".shp", ".shx", ".dbf", ".prj"}
    # In a folder, as INEGI's own archives hold them, with a file of another kind beside.
    members = {f"conjunto_de_datos/14mun{suffix}": data for suffix, data in parts.items()}
    members["metadatos/14mun.xml"] = b"<metadata/>"
    answer = upload(admin, "14_jalisco.zip", zipped(members))
    assert answer.status_code == 302
    zapopan = Municipality.objects.get(inegi_code="14120")
    assert zapopan.boundary.extent == pytest.approx((-103.50, 20.70, -103.40, 20.80), abs=1e-4)
    assert zapopan.boundary_source == "14_jalisco.zip:14mun"


def test_a_shapefile_without_its_prj_needs_the_coordinate_system(
    admin, municipalities, inegi_like, tmp_path
):
    parts = shapefile(tmp_path, inegi_like)
    without_prj = zipped({f"14mun{s}": d for s, d in parts.items() if s != ".prj"})
    answer = upload(admin, "14mun.zip", without_prj)
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "no indica su sistema de coordenadas" in page
    assert "el campo «Sistema de coordenadas (código EPSG)»" in page and "--srid" not in page
    assert with_bounded() == 0
    assert upload(admin, "14mun.zip", without_prj, srid="6372").status_code == 302
    assert with_bounded() == 2


def test_a_code_field_of_another_name(admin, municipalities, tmp_path):
    path = write_geojson(tmp_path / "x.geojson", [({"codigo": "14039"}, square(-103.35, 20.67))])
    answer = upload(admin, "x.geojson", path.read_bytes())
    assert answer.status_code == 422
    assert "el campo «Campo con la clave del municipio»" in answer.content.decode()
    assert upload(admin, "x.geojson", path.read_bytes(), code_field="codigo").status_code == 302
    assert with_bounded() == 1


def test_what_the_import_refuses_is_shown_and_nothing_is_stored(admin, municipalities, tmp_path):
    # Guadalajara's boundary is fine; Zapopan's lies 3° away from its seat.
    path = write_geojson(
        tmp_path / "mal.geojson",
        [
            ({"CVEGEO": "14039"}, square(-103.35, 20.67)),
            ({"CVEGEO": "14120"}, square(-100.45, 20.75)),
        ],
    )
    answer = upload(admin, "mal.geojson", path.read_bytes())
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "El límite de 14120 queda lejos de su cabecera municipal" in page
    assert with_bounded() == 0 and not ChangeRecord.objects.exists()
    nowhere = write_geojson(tmp_path / "cdmx.geojson", [({"CVEGEO": "09015"}, square(-99.1, 19.4))])
    answer = upload(admin, "cdmx.geojson", nowhere.read_bytes())
    assert answer.status_code == 422
    assert "Ningún elemento de la capa corresponde" in answer.content.decode()
    assert upload(admin, "p.geojson", b"{}", srid="999999").status_code == 400  # not GeoJSON
    answer = upload(admin, "14mun.geojson", path.read_bytes(), srid="999999")
    assert answer.status_code == 422
    assert "999999 no es un sistema de coordenadas" in answer.content.decode()
    assert with_bounded() == 0


def central_directory_sizes(data: bytes, name: str, size: int) -> bytes:
    """The archive with `name`'s uncompressed size, as its central directory declares it,
    replaced by `size` (what a zip bomb or a forged archive says)."""
    at = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length].decode() == name:
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28 :]
        at = data.index(b"PK\x01\x02", at + 4)


@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        ("traversal", 400, "«../../etc/14mun.shp», un nombre que sale de su carpeta"),
        ("absolute", 400, "un nombre que sale de su carpeta"),
        ("declared huge", 413, "Descomprimido, el shapefile ocupa más de 200 MB"),
        ("too many files", 400, "contiene 101 archivos; esta página acepta hasta 100"),
        ("two shapefiles", 400, "contiene 2 shapefiles (14mun, otro)"),
        ("without shx", 400, "Al shapefile «14mun» le falta su archivo .shx"),
        ("no shapefile", 400, "no contiene ningún shapefile"),
        ("not a shapefile", 400, "«14mun.shp» no es un shapefile."),
        ("not a zip", 400, "El archivo .zip no se puede abrir"),
        ("not geojson", 400, "El archivo no es GeoJSON"),
        ("nested json", 400, "El archivo no es GeoJSON"),
        ("another kind", 415, "Envía un archivo GeoJSON (.geojson o .json) o un shapefile"),
        (
            "too large",
            413,
            "El archivo es demasiado grande (12.0 MB); esta página acepta hasta 12 MB",
        ),
    ],
)
def test_unsafe_or_wrong_files_are_refused(
    admin, municipalities, inegi_like, tmp_path, case, status, message
):
    parts = {f"14mun{s}": d for s, d in shapefile(tmp_path, inegi_like).items()}
    name, data = "14mun.zip", b""
    if case == "traversal":
        data = zipped({**parts, "../../etc/14mun.shp": parts["14mun.shp"]})
    elif case == "absolute":
        data = zipped({"/tmp/x.prj": b"", **parts})
    elif case == "declared huge":
        data = central_directory_sizes(zipped(parts), "14mun.shp", 3_000_000_000)
    elif case == "too many files":
        extra = boundary_files.MAX_ZIP_MEMBERS + 1 - len(parts)
        data = zipped({**parts, **{f"leeme{n}.txt": b"" for n in range(extra)}})
    elif case == "two shapefiles":
        data = zipped({**parts, **{k.replace("14mun", "otro"): v for k, v in parts.items()}})
    elif case == "without shx":
        data = zipped({k: v for k, v in parts.items() if not k.endswith(".shx")})
    elif case == "no shapefile":
        data = zipped({"14mun.geojson": inegi_like.read_bytes()})
    elif case == "not a shapefile":
        # A GDAL virtual layer, which may read any file of the server, named like a shapefile.
        vrt = (
            b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd'
            b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
        )
        data = zipped({**parts, "14mun.shp": vrt})
    elif case == "not a zip":
        data = b"PK\x03\x04 esto no es un zip"
    elif case == "not geojson":
        name, data = "14mun.geojson", b"<OGRVRTDataSource/>"
    elif case == "nested json":
        name, data = "14mun.json", b"[" * 100_000 + b"]" * 100_000
    elif case == "another kind":
        name, data = "14mun.kml", b"<kml/>"
    elif case == "too large":
        name, data = "14mun.geojson", b" " * (boundary_files.MAX_UPLOAD_BYTES + 1)
    answer = upload(admin, name, data)
    assert answer.status_code == status
    page = answer.content.decode()
    assert message in page, page[page.find('role="alert"') - 200 : page.find('role="alert"') + 400]
    assert '<html lang="es-mx">' in page and "boundary-form" in page
    assert with_bounded() == 0 and not ChangeRecord.objects.exists()


def test_only_platform_administrators_upload(guadalajara, inegi_like):
    for role in (Role.CITIZEN, Role.MUNICIPAL_STAFF):
        client = signed_in(person_with(role, guadalajara))
        answer = upload(client, "14mun.geojson", inegi_like.read_bytes())
        assert answer.status_code == 403
        assert "Solo la administración de la plataforma" in answer.content.decode()
    answer = upload(Client(), "14mun.geojson", inegi_like.read_bytes())
    assert answer.status_code == 302 and "/cuentas/entrar" in answer["Location"]
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(person_with(Role.PLATFORM_ADMIN))
    assert upload(csrf, "14mun.geojson", inegi_like.read_bytes()).status_code == 403
    assert with_bounded() == 0
    assert Client().get(UPLOAD).status_code in (302, 405)


def test_the_upload_leaves_no_file_behind(admin, municipalities, inegi_like, tmp_path):
    def ours() -> set[str]:
        return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("metropoli-bound")}

    before = ours()
    parts = shapefile(tmp_path, inegi_like)
    assert (
        upload(admin, "14mun.zip", zipped({f"14mun{s}": d for s, d in parts.items()})).status_code
        == 302
    )
    refused = zipped({f"14mun{s}": d for s, d in parts.items() if s != ".prj"})
    assert upload(admin, "14mun.zip", refused).status_code == 422
    assert ours() == before
