import json
import subprocess

import pytest
from django.contrib.gis.geos import Polygon
from django.core.exceptions import PermissionDenied

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.territory import services
from metropoli.territory.errors import TerritoryErrorCode
from metropoli.territory.models import Municipality, Role, RoleAssignment
from metropoli.territory.selectors import municipality_at

pytestmark = pytest.mark.django_db


def square(lon, lat, half=0.05):
    return [
        [
            [lon - half, lat - half],
            [lon + half, lat - half],
            [lon + half, lat + half],
            [lon - half, lat + half],
            [lon - half, lat - half],
        ]
    ]


def write_geojson(path, features, crs=None):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Polygon", "coordinates": c},
            }
            for props, c in features
        ],
    }
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def inegi_like(tmp_path):
    """A layer shaped like INEGI's: CVEGEO + NOMGEO, plus a municipality of another state."""
    return write_geojson(
        tmp_path / "mun.geojson",
        [
            ({"CVEGEO": "14039", "NOMGEO": "Guadalajara"}, square(-103.35, 20.67)),
            ({"CVEGEO": "14120", "NOMGEO": "Zapopan"}, square(-103.45, 20.75)),
            ({"CVEGEO": "09015", "NOMGEO": "Cuauhtémoc"}, square(-99.15, 19.43)),
        ],
    )


def test_import_geojson_sets_boundaries_and_lookup_becomes_exact(municipalities, inegi_like):
    report = services.import_boundaries(path=inegi_like)
    assert sorted(report.updated) == ["14039", "14120"]
    assert report.ignored_codes == ["09015"]
    assert "14101" in report.missing_codes
    match = municipality_at(lon=-103.36, lat=20.68)
    assert match.municipality.inegi_code == "14039" and match.exact is True
    assert municipality_at(lon=-103.0, lat=20.2) is None


def test_import_shapefile_in_inegi_projection(municipalities, inegi_like, tmp_path):
    shp = tmp_path / "shp" / "mun.shp"
    shp.parent.mkdir()
    subprocess.run(["ogr2ogr", "-t_srs", "EPSG:6372", str(shp), str(inegi_like)], check=True)
    report = services.import_boundaries(path=shp)
    assert sorted(report.updated) == ["14039", "14120"]
    gdl = Municipality.objects.get(inegi_code="14039")
    lon_min, lat_min, lon_max, lat_max = gdl.boundary.extent
    assert lon_min == pytest.approx(-103.40, abs=1e-4) and lat_max == pytest.approx(20.72, abs=1e-4)


def test_shapefile_without_prj_asks_for_srid(municipalities, inegi_like, tmp_path):
    shp = tmp_path / "shp" / "mun.shp"
    shp.parent.mkdir()
    subprocess.run(["ogr2ogr", "-t_srs", "EPSG:6372", str(shp), str(inegi_like)], check=True)
    (tmp_path / "shp" / "mun.prj").unlink()
    with pytest.raises(services.BoundaryImportError, match="--srid"):
        services.import_boundaries(path=shp)
    assert not Municipality.objects.filter(boundary__isnull=False).exists()
    report = services.import_boundaries(path=shp, source_srid=6372)
    assert len(report.updated) == 2


def test_wrong_declared_crs_is_refused_and_nothing_changes(municipalities, inegi_like):
    # Degrees read as Web-Mercator metres land in the Gulf of Guinea, far from the seats.
    with pytest.raises(services.BoundaryImportError, match="coordinate system|coordenadas"):
        services.import_boundaries(path=inegi_like, source_srid=3857)
    assert not Municipality.objects.filter(boundary__isnull=False).exists()


def test_metres_read_as_degrees_fall_outside_the_earth(municipalities, inegi_like, tmp_path):
    shp = tmp_path / "shp" / "mun.shp"
    shp.parent.mkdir()
    subprocess.run(["ogr2ogr", "-t_srs", "EPSG:6372", str(shp), str(inegi_like)], check=True)
    (tmp_path / "shp" / "mun.prj").unlink()
    with pytest.raises(services.BoundaryImportError, match="Earth|Tierra"):
        services.import_boundaries(path=shp, source_srid=4326)
    assert not Municipality.objects.filter(boundary__isnull=False).exists()


# Two triangles crossing at (-103.35, 20.67): a "bow-tie", a ring that crosses itself.
BOW_TIE = [
    [
        [-103.40, 20.62],
        [-103.30, 20.72],
        [-103.30, 20.62],
        [-103.40, 20.72],
        [-103.40, 20.62],
    ]
]


def test_a_self_intersecting_ring_keeps_all_of_its_area(municipalities, tmp_path):
    path = write_geojson(tmp_path / "bow.geojson", [({"CVEGEO": "14039"}, BOW_TIE)])
    ring = Polygon(*BOW_TIE, srid=4326)
    # buffer(0), the usual repair, keeps one triangle of the two.
    assert not ring.valid and ring.buffer(0).area == pytest.approx(0.0025)

    services.import_boundaries(path=path)

    boundary = Municipality.objects.get(inegi_code="14039").boundary
    assert boundary.geom_type == "MultiPolygon" and boundary.valid
    assert len(boundary) == 2 and boundary.area == pytest.approx(0.005)
    for lon in (-103.38, -103.32):  # one point in each triangle
        match = municipality_at(lon=lon, lat=20.67)
        assert match.municipality.inegi_code == "14039" and match.exact is True


def test_a_ring_enclosing_no_area_is_refused_and_nothing_changes(municipalities, tmp_path):
    flat = [[[-103.40, 20.67], [-103.35, 20.67], [-103.30, 20.67], [-103.40, 20.67]]]
    path = write_geojson(
        tmp_path / "flat.geojson",
        [({"CVEGEO": "14120"}, square(-103.45, 20.75)), ({"CVEGEO": "14039"}, flat)],
    )
    with pytest.raises(services.BoundaryImportError, match="no area|ninguna superficie"):
        services.import_boundaries(path=path)
    assert not Municipality.objects.filter(boundary__isnull=False).exists()


def test_missing_code_field_names_the_fields(municipalities, tmp_path):
    path = write_geojson(tmp_path / "x.geojson", [({"clave_x": "14039"}, square(-103.35, 20.67))])
    with pytest.raises(services.BoundaryImportError, match="clave_x"):
        services.import_boundaries(path=path)
    with pytest.raises(services.BoundaryImportError, match="«?“?NOPE"):
        services.import_boundaries(path=path, code_field="NOPE")


def test_an_unknown_coordinate_system_is_refused(municipalities, inegi_like):
    with pytest.raises(services.BoundaryImportError, match="999999"):
        services.import_boundaries(path=inegi_like, source_srid=999999)
    assert not Municipality.objects.filter(boundary__isnull=False).exists()


def test_wrong_layer_lists_layers(municipalities, inegi_like):
    with pytest.raises(services.BoundaryImportError, match="mun"):
        services.import_boundaries(path=inegi_like, layer_name="municipios")


def test_points_are_not_boundaries(municipalities, tmp_path):
    path = tmp_path / "p.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"CVEGEO": "14039"},
                        "geometry": {"type": "Point", "coordinates": [-103.3, 20.6]},
                    }
                ],
            }
        )
    )
    with pytest.raises(services.BoundaryImportError, match="Point"):
        services.import_boundaries(path=path)


def test_not_a_geo_file(municipalities, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("esto no es un shapefile")
    with pytest.raises(services.BoundaryImportError):
        services.import_boundaries(path=path)
    with pytest.raises(services.BoundaryImportError, match="no existe|does not exist"):
        services.import_boundaries(path=tmp_path / "missing.shp")


def test_no_matching_feature_writes_nothing(municipalities, tmp_path):
    path = write_geojson(tmp_path / "cdmx.geojson", [({"CVEGEO": "09015"}, square(-99.1, 19.4))])
    with pytest.raises(services.BoundaryImportError, match="09015"):
        services.import_boundaries(path=path)


def test_fallback_lookup_uses_nearest_seat(municipalities):
    match = municipality_at(lon=-103.39, lat=20.72)
    assert match.municipality.inegi_code == "14120" and match.exact is False
    assert municipality_at(lon=-99.13, lat=19.43) is None


def test_staff_grants_roles_in_own_municipality_only(guadalajara, zapopan):
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    person = UserFactory()
    services.grant_role(granted_by=staff, user=person, role=Role.ARBORIST, municipality=guadalajara)
    assert RoleAssignment.objects.filter(user=person, role=Role.ARBORIST).count() == 1
    with pytest.raises(PermissionDenied):
        services.grant_role(granted_by=staff, user=person, role=Role.ARBORIST, municipality=zapopan)
    with pytest.raises(PermissionDenied):
        services.grant_role(
            granted_by=staff, user=person, role=Role.PLATFORM_ADMIN, municipality=None
        )
    assert RoleAssignment.objects.filter(user=person).count() == 1
    assert (
        services.revoke_role(
            revoked_by=staff, user=person, role=Role.ARBORIST, municipality=guadalajara
        )
        is True
    )
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_a_role_must_exist_and_be_placed(guadalajara):
    admin = UserFactory(is_superuser=True)
    person = UserFactory()
    with pytest.raises(DomainError) as unknown:
        services.grant_role(granted_by=admin, user=person, role="mayor", municipality=guadalajara)
    assert (unknown.value.code, unknown.value.on_field) == (TerritoryErrorCode.UNKNOWN_ROLE, "role")
    with pytest.raises(DomainError) as unplaced:
        services.grant_role(granted_by=admin, user=person, role=Role.ARBORIST, municipality=None)
    assert unplaced.value.code == TerritoryErrorCode.MUNICIPALITY_REQUIRED
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_role_scope_is_a_database_constraint(guadalajara):
    from django.db import IntegrityError, transaction

    person = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=person, role=Role.ARBORIST, municipality=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=person, role=Role.PLATFORM_ADMIN, municipality=guadalajara
        )
