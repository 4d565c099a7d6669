"""/territorio/municipios/: platform administrators add and correct municipalities in the product
(decision 0112); nobody else can, refusals say why in Spanish, and a refusal stores nothing."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.test import Client
from django.urls import reverse

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.common.history import history_of
from metropoli.common.models import ChangeRecord
from metropoli.common.testing import signed_in
from metropoli.territory import municipalities as services
from metropoli.territory.errors import TerritoryErrorCode
from metropoli.territory.models import Municipality, Role
from metropoli.territory.selectors import data_held_for

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
LIST = reverse("territory:municipalities")
NEW = reverse("territory:new_municipality")
UPLOAD = reverse("territory:boundary_upload")

MONTERREY = {"inegi_code": "19039", "name": "Monterrey", "slug": "", "lon": "-100.3161",
             "lat": "25.6866"}  # fmt: skip


def edit(code: str) -> str:
    return reverse("territory:edit_municipality", args=[code])


@pytest.fixture
def admin():
    return signed_in(person_with(Role.PLATFORM_ADMIN))


def snapshot() -> list[tuple]:
    return list(
        Municipality.objects.order_by("pk").values_list("inegi_code", "name", "slug", "seat")
    )


def test_only_platform_administrators_open_the_pages(guadalajara):
    pages = [LIST, NEW, edit("14039")]
    for path in [*pages, UPLOAD]:
        answer = Client().get(path)
        assert answer.status_code == 302 and "/cuentas/entrar" in answer["Location"], path
    for role in (Role.CITIZEN, Role.MUNICIPAL_STAFF, Role.ARBORIST):
        client = signed_in(person_with(role, guadalajara))
        for path in pages:
            answer = client.get(path, headers=ES)
            assert answer.status_code == 403, (role, path)
            page = answer.content.decode()
            assert '<html lang="es-mx">' in page
            assert "Solo la administración de la plataforma configura los municipios." in page
        before = snapshot()
        forged = client.post(NEW, {**MONTERREY}, headers=ES)
        assert forged.status_code == 403 and snapshot() == before
        assert (
            'href="/territorio/municipios/"' not in client.get("/cuentas/perfil").content.decode()
        )
    for person in (person_with(Role.PLATFORM_ADMIN), UserFactory(is_superuser=True)):
        client = signed_in(person)
        page = client.get(LIST, headers=ES).content.decode()
        assert "Municipios de la plataforma" in page and "14039" in page and "Guadalajara" in page
        assert 'href="/territorio/municipios/"' in client.get("/cuentas/perfil").content.decode()
        assert client.get(edit("14039")).status_code == 200
        english = client.get(LIST, headers={"Accept-Language": "en"}).content.decode()
        assert "Municipalities of the platform" in english and "Import the boundaries" in english


def test_the_services_check_the_permission_too(guadalajara):
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    with pytest.raises(DomainError) as refused:
        services.create_municipality(created_by=staff, inegi_code="19039", name="Monterrey")
    assert refused.value.code == TerritoryErrorCode.NOT_ALLOWED
    with pytest.raises(DomainError):
        services.update_municipality(
            municipality=guadalajara, changed_by=staff, inegi_code="14039", name="GDL"
        )
    assert Municipality.objects.get(pk=guadalajara.pk).name == "Guadalajara"
    assert not Municipality.objects.filter(inegi_code="19039").exists()


def test_an_administrator_adds_a_municipality_with_its_seat(admin):
    answer = admin.post(NEW, MONTERREY, headers=ES, follow=True)
    assert "Monterrey (19039) se agregó a la plataforma." in answer.content.decode()
    monterrey = Municipality.objects.get(inegi_code="19039")
    assert monterrey.slug == "monterrey" and monterrey.active
    assert (monterrey.seat.x, monterrey.seat.y) == pytest.approx((-100.3161, 25.6866))
    (record,) = history_of(Municipality, monterrey.pk)
    assert record.action == "create"
    assert {c["field"]: c["new"] for c in record.changes} == {
        "inegi_code": "19039",
        "name": "Monterrey",
        "slug": "monterrey",
        "seat": "-100.316100,25.686600",
    }
    # Without a seat, and the short name made from an accented name.
    admin.post(NEW, {"inegi_code": "19026", "name": "  San  Nicolás de los Garza "})
    nicolas = Municipality.objects.get(inegi_code="19026")
    assert (nicolas.name, nicolas.slug, nicolas.seat) == (
        "San Nicolás de los Garza",
        "san-nicolas-de-los-garza",
        None,
    )


def test_a_code_already_taken_names_its_municipality(admin, guadalajara):
    before = snapshot()
    answer = admin.post(NEW, {**MONTERREY, "inegi_code": "14039"}, headers=ES)
    assert answer.status_code == 409
    assert "La clave 14039 ya es de Guadalajara." in answer.content.decode()
    answer = admin.post(NEW, {**MONTERREY, "slug": "zapopan"}, headers=ES)
    assert answer.status_code == 409
    assert "El nombre corto «zapopan» ya lo usa Zapopan; escribe otro." in answer.content.decode()
    # A name that makes a short name already taken (another state's Tonalá).
    answer = admin.post(NEW, {"inegi_code": "07097", "name": "Tonalá"}, headers=ES)
    assert answer.status_code == 409 and "«tonala»" in answer.content.decode()
    assert snapshot() == before
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"inegi_code": "1903"}, "inegi_code", "cinco letras o dígitos"),
        ({"inegi_code": "19 39"}, "inegi_code", "cinco letras o dígitos"),
        ({"inegi_code": "<scr>"}, "inegi_code", "cinco letras o dígitos"),
        ({"inegi_code": "190399"}, "inegi_code", "5 caracteres"),
        ({"name": ""}, "name", "Este campo es obligatorio"),
        ({"name": "x" * 121}, "name", "120 caracteres"),
        ({"slug": "Monte_Rey"}, "slug", "letras minúsculas sin acentos"),
        ({"slug": "ñandú"}, "slug", "slug"),
        ({"lon": "NaN"}, "lon", "Escribe un número"),
        ({"lon": "inf"}, "lon", "Escribe un número"),
        ({"lon": "1e309"}, "lon", "Escribe un número"),
        ({"lat": "99999999999999999999"}, "lat", "menor o igual a 90"),
        ({"lon": "-181"}, "lon", "mayor o igual a -180"),
        ({"lat": ""}, "lat", "Escribe la longitud y la latitud de la cabecera, o ninguna"),
        ({"lon": "", "lat": "25.6"}, "lon", "Escribe la longitud y la latitud de la cabecera"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(
    admin, municipalities, changes, field, message
):
    before = snapshot()
    answer = admin.post(NEW, {**MONTERREY, **changes}, headers=ES)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert message in page, page[page.find("error") - 400 : page.find("error") + 400]
    assert answer.context["form"].errors.get(field), answer.context["form"].errors
    assert snapshot() == before and not ChangeRecord.objects.exists()


def test_the_services_refuse_what_the_form_would_not_catch(municipalities):
    admin = person_with(Role.PLATFORM_ADMIN)
    for seat in [(float("nan"), 20.0), (-103.0, float("inf")), (200.0, 20.0), ("x", 1)]:
        with pytest.raises(DomainError) as refused:
            services.create_municipality(
                created_by=admin, inegi_code="19039", name="Monterrey", seat=seat
            )
        assert refused.value.code == TerritoryErrorCode.SEAT_NOT_ON_EARTH
    with pytest.raises(DomainError) as refused:
        services.create_municipality(created_by=admin, inegi_code="14039", name="Otra")
    assert refused.value.code == TerritoryErrorCode.CODE_TAKEN
    assert refused.value.params == {"code": "14039", "existing": "Guadalajara"}
    with pytest.raises(DomainError) as refused:
        services.create_municipality(created_by=admin, inegi_code="19039", name="😀")
    assert refused.value.code == TerritoryErrorCode.INVALID_SLUG
    assert not Municipality.objects.filter(inegi_code="19039").exists()


def test_an_administrator_corrects_a_municipality(admin, municipalities):
    monterrey = Municipality.objects.create(inegi_code="19093", name="Monterey", slug="monterey")
    page = admin.get(edit("19093"), headers=ES).content.decode()
    assert "Editar Monterey" in page and 'id="point-map"' in page
    assert "maps/pick-point.js" in page
    answer = admin.post(
        edit("19093"),
        {
            "inegi_code": "19039",
            "name": "Monterrey",
            "slug": "monterrey",
            "lon": "-100.3161",
            "lat": "25.6866",
        },  # fmt: skip
        headers=ES,
        follow=True,
    )
    assert "Se guardaron los cambios de Monterrey." in answer.content.decode()
    monterrey.refresh_from_db()
    assert (monterrey.inegi_code, monterrey.name, monterrey.slug) == (
        "19039",
        "Monterrey",
        "monterrey",
    )
    (record,) = history_of(Municipality, monterrey.pk)
    assert record.action == "update"
    assert [(c["field"], c["old"], c["new"]) for c in record.changes] == [
        ("inegi_code", "19093", "19039"),
        ("name", "Monterey", "Monterrey"),
        ("slug", "monterey", "monterrey"),
        ("seat", "", "-100.316100,25.686600"),
    ]
    # The form shows what was saved; saving it unchanged records nothing.
    page = admin.get(edit("19039")).content.decode()
    assert 'value="-100.3161"' in page and 'value="25.6866"' in page
    admin.post(edit("19039"), {"inegi_code": "19039", "name": "Monterrey", "slug": "monterrey",
                               "lon": "-100.3161", "lat": "25.6866"})  # fmt: skip
    assert history_of(Municipality, monterrey.pk).count() == 1
    assert admin.get(edit("19093")).status_code == 404


def test_the_code_stays_once_the_platform_holds_data_of_the_municipality(admin, guadalajara):
    assert data_held_for(guadalajara) == []
    person_with(Role.CITIZEN, guadalajara)
    assert data_held_for(guadalajara) == ["roles"]
    page = admin.get(edit("14039"), headers=ES).content.decode()
    assert "La clave ya no cambia" in page and "disabled" in page
    # The page keeps the code whatever is posted for it.
    answer = admin.post(
        edit("14039"),
        {
            "inegi_code": "14999",
            "name": "Guadalajara",
            "slug": "guadalajara",
            "lon": "-103.35",
            "lat": "20.68",
        },  # fmt: skip
    )
    assert answer.status_code == 302
    guadalajara.refresh_from_db()
    assert guadalajara.inegi_code == "14039" and guadalajara.seat.x == pytest.approx(-103.35)
    # And the service refuses, naming what the platform holds.
    with pytest.raises(DomainError) as refused:
        services.update_municipality(
            municipality=guadalajara,
            changed_by=person_with(Role.PLATFORM_ADMIN),
            inegi_code="14999",
            name="Guadalajara",
            slug="guadalajara",
        )
    assert refused.value.code == TerritoryErrorCode.CODE_IS_STABLE
    assert refused.value.params["what"] == "roles"
    assert Municipality.objects.get(pk=guadalajara.pk).inegi_code == "14039"


def test_a_seat_far_from_the_official_boundary_is_refused(admin, guadalajara):
    square = Polygon.from_bbox((-103.45, 20.60, -103.25, 20.75))
    Municipality.objects.filter(pk=guadalajara.pk).update(boundary=MultiPolygon(square, srid=4326))
    # Monterrey's seat typed in by mistake: far away.
    answer = admin.post(
        edit("14039"),
        {
            "inegi_code": "14039",
            "name": "Guadalajara",
            "slug": "guadalajara",
            "lon": "-100.3161",
            "lat": "25.6866",
        },  # fmt: skip
        headers=ES,
    )
    assert answer.status_code == 400
    assert "La cabecera queda lejos del límite oficial de Guadalajara" in answer.content.decode()
    guadalajara.refresh_from_db()
    assert guadalajara.seat.equals_exact(Point(-103.3475, 20.6767, srid=4326), 1e-9)
    # Near it (inside): saved.
    answer = admin.post(
        edit("14039"),
        {
            "inegi_code": "14039",
            "name": "Guadalajara",
            "slug": "guadalajara",
            "lon": "-103.35",
            "lat": "20.675",
        },  # fmt: skip
    )
    assert answer.status_code == 302


def test_the_pages_need_their_csrf_token(guadalajara):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person_with(Role.PLATFORM_ADMIN))
    before = snapshot()
    assert client.post(NEW, MONTERREY, headers=ES).status_code == 403
    assert client.post(edit("14039"), {**MONTERREY, "inegi_code": "14039"}).status_code == 403
    assert snapshot() == before
