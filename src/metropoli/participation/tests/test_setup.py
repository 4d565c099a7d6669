"""Setting consultations up without the admin: who may, the area, phases, categories and icons,
and the pages answering bad input with a 4xx and the reason in Spanish."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.participation import setup
from metropoli.participation.icons import IconRefused, clean_icon
from metropoli.participation.models import Proceeding
from metropoli.territory.models import Role

from .conftest import make_proceeding

pytestmark = pytest.mark.django_db

SQUARE = (
    '{"type": "Polygon", "coordinates": [[[-103.36, 20.66], [-103.34, 20.66], '
    "[-103.34, 20.68], [-103.36, 20.68], [-103.36, 20.66]]]}"
)
BOWTIE = (
    '{"type": "Polygon", "coordinates": [[[-103.36, 20.66], [-103.34, 20.68], '
    "[-103.34, 20.66], [-103.36, 20.68], [-103.36, 20.66]]]}"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M1 1h22v22z"/></svg>'


@pytest.fixture
def staff(guadalajara):
    return person_with(Role.MUNICIPAL_STAFF, guadalajara)


def opened(actor, municipality, **fields):
    return setup.open_proceeding(
        actor=actor,
        municipality=municipality,
        title=fields.get("title", "Parque"),
        description="Una consulta",
        area=fields.get("area", SQUARE),
        slug=fields.get("slug", ""),
    )


def test_staff_open_consultations_of_their_own_municipality_only(staff, guadalajara, zapopan):
    proceeding = opened(staff, guadalajara)
    assert proceeding.area.geom_type == "MultiPolygon" and proceeding.slug == "parque"
    for municipality in (zapopan, None):
        with pytest.raises(DomainError) as refused:
            opened(staff, municipality, slug="otra")
        assert refused.value.code == "permission_denied"


@pytest.mark.parametrize(
    "area", ["", "no es geojson", BOWTIE, '{"type": "Point", "coordinates": [0, 0]}']
)
def test_a_bad_area_is_refused(staff, guadalajara, area):
    with pytest.raises(DomainError) as refused:
        opened(staff, guadalajara, area=area)
    assert refused.value.code == "invalid_area"
    assert not Proceeding.objects.exists()


def test_phases_in_order_without_overlap(staff, guadalajara):
    proceeding = opened(staff, guadalajara)
    now = timezone.now()
    day = timedelta(days=1)
    setup.add_phase(
        actor=staff, proceeding=proceeding, kind="contributions", start=now, end=now + 10 * day
    )
    refusals = {
        "phase_overlap": ("evaluation", now + 9 * day, now + 20 * day),
        "phase_order": ("information", now + 11 * day, now + 12 * day),
        "invalid_phase_dates": ("results", now + 30 * day, now + 29 * day),
        "invalid_phase_kind": ("party", now + 40 * day, now + 41 * day),
    }
    for code, (kind, start, end) in refusals.items():
        with pytest.raises(DomainError) as refused:
            setup.add_phase(actor=staff, proceeding=proceeding, kind=kind, start=start, end=end)
        assert refused.value.code == code
    setup.add_phase(
        actor=staff, proceeding=proceeding, kind="information", start=now - 5 * day, end=now
    )
    setup.add_phase(
        actor=staff, proceeding=proceeding, kind="results", start=now + 10 * day, end=now + 20 * day
    )
    assert list(proceeding.phases.values_list("kind", flat=True)) == [
        "information",
        "contributions",
        "results",
    ]


def test_phase_and_category_in_use_stay(proceeding, shade, staff):
    from metropoli.participation import services

    from .conftest import INSIDE

    services.submit_contribution(
        proceeding=proceeding, actor=staff, category_id=shade.pk, text="Sombra", geometry=INSIDE
    )
    with pytest.raises(DomainError) as refused:
        setup.remove_category(actor=staff, category=shade)
    assert refused.value.code == "in_use"
    with pytest.raises(DomainError):
        setup.remove_phase(actor=staff, phase=proceeding.phases.get())


def test_categories_with_vendored_or_uploaded_icons(proceeding, staff):
    fountain = setup.add_category(
        actor=staff, proceeding=proceeding, name="Fuentes", icon_upload=SVG
    )
    assert fountain.icon_file.name.endswith(".svg") and fountain.icon_url.endswith(".svg")
    bench = setup.add_category(actor=staff, proceeding=proceeding, name="Bancas", icon="bench")
    assert bench.icon_url == "/static/participation/icons/bench.svg"
    with pytest.raises(DomainError) as refused:
        setup.add_category(actor=staff, proceeding=proceeding, name="bancas")
    assert refused.value.code == "category_name_taken"


def png(size) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "raw",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        b'<image x:href="https://example.com/a.png"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://e.x/a)"/></svg>',
        b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        b"<html><body>no</body></html>",
        b"GIF89a",
        png((2000, 10)),
    ],
)
def test_unsafe_or_wrong_icons_are_refused(raw):
    with pytest.raises(IconRefused):
        clean_icon(raw)


def test_a_png_icon_is_re_encoded():
    assert clean_icon(png((48, 48))).extension == "png"


def test_named_moderators_set_up_and_moderate_a_metropolitan_consultation(guadalajara):
    admin = UserFactory(is_superuser=True)
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    metro = make_proceeding(None, slug="metro")
    assert not staff.has_perm("participation.moderate_proceeding", metro)
    with pytest.raises(DomainError):
        setup.name_moderator(actor=staff, proceeding=metro, email=staff.email)
    setup.name_moderator(actor=admin, proceeding=metro, email=staff.email.upper())
    for perm in ("moderate_proceeding", "change_proceeding", "export_contributions"):
        assert staff.has_perm(f"participation.{perm}", metro)
    assert not staff.has_perm("participation.name_moderators", metro)
    assert staff.has_perm("participation.set_up_proceedings")
    assert not AnonymousUser().has_perm("participation.set_up_proceedings")
    # Named on a municipal consultation gives nothing: that is its municipality's staff's.
    municipal = make_proceeding(guadalajara, slug="municipal")
    other = UserFactory()
    municipal.moderators.add(other)
    assert not other.has_perm("participation.moderate_proceeding", municipal)
    setup.remove_moderator(actor=admin, proceeding=metro, user_id=staff.pk)
    assert not staff.has_perm("participation.moderate_proceeding", metro)
    with pytest.raises(DomainError) as refused:
        setup.name_moderator(actor=admin, proceeding=metro, email="nadie@example.mx")
    assert refused.value.code == "unknown_person"


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="es-mx")
    client.force_login(user)
    return client


def test_setup_pages_are_for_staff_and_refuse_bad_input_in_spanish(staff, zapopan, proceeding):
    assert client_for(UserFactory()).get("/participa/gestion/").status_code == 403
    assert (
        client_for(person_with(Role.MUNICIPAL_STAFF, zapopan))
        .get("/participa/prueba/configurar/")
        .status_code
        == 403
    )
    client = client_for(staff)
    assert "Consulta de prueba" in client.get("/participa/gestion/").content.decode()
    bad = client.post(
        "/participa/gestion/nueva/", {"owner": "", "title": "X", "description": "Y", "area": SQUARE}
    )
    assert bad.status_code == 403  # metropolitan: not for municipal staff
    no_area = client.post("/participa/gestion/nueva/", {"title": "X", "description": "Y"})
    assert no_area.status_code == 400
    assert "Dibuja el área en el mapa" in no_area.content.decode()
    overlap = client.post(
        "/participa/prueba/configurar/",
        {"action": "phase", "phase-kind": "evaluation", "phase-start": "2020-01-01T00:00",
         "phase-end": "2099-01-01T00:00"},
    )  # fmt: skip
    assert overlap.status_code == 409
    assert "se traslapa" in overlap.content.decode()
    icon = SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='x()'/>")
    refused = client.post(
        "/participa/prueba/configurar/",
        {"action": "category", "category-name": "Agua", "category-colour": "#1565c0",
         "category-icon": "water", "category-icon_upload": icon},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "no puede contener scripts" in refused.content.decode()
    unknown = client.post("/participa/prueba/configurar/", {"action": "launch"})
    assert unknown.status_code == 400


def test_counted_messages_have_singular_and_plural_forms(proceeding):
    """No more "1 puntos colocados" or "1 aportaciones esperando": pages give both forms."""
    table = Client(HTTP_ACCEPT_LANGUAGE="es-mx").get("/participa/mesa/prueba/").content.decode()
    for singular, plural in [
        ("{n} punto colocado.", "{n} puntos colocados."),
        ("{n} aportación esperando envío", "{n} aportaciones esperando envío"),
    ]:
        assert singular in table and plural in table
    page = Client(HTTP_ACCEPT_LANGUAGE="es-mx").get("/participa/prueba/").content.decode()
    assert "{n} punto dibujado." in page and "{n} puntos dibujados." in page


def test_a_new_area_must_still_cover_the_contributions(proceeding, shade, staff):
    from metropoli.participation import services

    from .conftest import INSIDE

    services.submit_contribution(
        proceeding=proceeding, actor=staff, category_id=shade.pk, text="Aquí", geometry=INSIDE
    )
    elsewhere = (
        '{"type": "Polygon", "coordinates": [[[-103.30, 20.60], [-103.29, 20.60], '
        "[-103.29, 20.61], [-103.30, 20.60]]]}"
    )
    with pytest.raises(DomainError) as refused:
        setup.update_proceeding(
            actor=staff, proceeding=proceeding, title="T", description="D", area=elsewhere
        )
    assert refused.value.code == "invalid_area"
    setup.update_proceeding(
        actor=staff, proceeding=proceeding, title="Nuevo título", description="D", area=SQUARE
    )
    proceeding.refresh_from_db()
    assert proceeding.title == "Nuevo título"


def test_platform_administrators_open_metropolitan_consultations_in_the_browser():
    admin = UserFactory(is_superuser=True)
    response = client_for(admin).post(
        "/participa/gestion/nueva/",
        {"owner": "", "title": "Movilidad metropolitana", "description": "D", "area": SQUARE},
    )
    assert response.status_code == 302
    created = Proceeding.objects.get(slug="movilidad-metropolitana")
    assert created.municipality is None
    assert response["Location"] == "/participa/movilidad-metropolitana/configurar/"


def test_a_named_moderator_opens_the_metropolitan_setup_and_moderation_pages(guadalajara):
    metro = make_proceeding(None, slug="metro")
    named = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    not_named = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    metro.moderators.add(named)
    for path in ("/participa/metro/configurar/", "/participa/metro/moderacion/"):
        assert client_for(not_named).get(path).status_code == 403
        assert client_for(named).get(path).status_code == 200
    listed = client_for(named).get("/participa/gestion/").content.decode()
    assert "/participa/metro/configurar/" in listed
    # Only platform administrators name moderators: the form is not offered to them.
    assert (
        'id="moderator-form"'
        not in client_for(named).get("/participa/metro/configurar/").content.decode()
    )


def test_a_template_brings_its_phases_and_categories(staff, guadalajara):
    from metropoli.participation.models import ProceedingTemplate

    template = ProceedingTemplate.objects.create(
        name="Parques",
        phases=[{"kind": "information", "days": 7}, {"kind": "contributions", "days": 30}],
        categories=[{"name": "Juegos", "icon": "idea", "colour": "#6a1b9a"}],
    )
    response = client_for(staff).post(
        "/participa/gestion/nueva/",
        {"owner": str(guadalajara.pk), "template": str(template.pk), "title": "Parque Morelos",
         "description": "D", "area": SQUARE},
    )  # fmt: skip
    assert response.status_code == 302
    created = Proceeding.objects.get(slug="parque-morelos")
    assert list(created.phases.values_list("kind", flat=True)) == ["information", "contributions"]
    assert list(created.categories.values_list("name", flat=True)) == ["Juegos"]


def layer_post(**overrides) -> dict:
    fields = {
        "name": "Zonificación",
        "kind": "wms",
        "url": "https://mapas.example.mx/geoserver/wms",
        "layer_name": "imeplan:zonificacion",
        "attribution": "IMEPLAN",
        **overrides,
    }
    return {"action": "layer", **{f"layer-{k}": v for k, v in fields.items()}}


def test_staff_add_and_remove_map_layers_of_other_servers(staff, proceeding):
    client = client_for(staff)
    added = client.post("/participa/prueba/configurar/", layer_post())
    assert added.status_code == 302
    layer = proceeding.external_layers.get()
    assert (layer.kind, layer.layer_name, layer.order) == ("wms", "imeplan:zonificacion", 0)
    page = Client(headers={"Accept-Language": "es"}).get("/participa/prueba/")
    assert 'data-layer="external-' in page.content.decode()
    assert "https://mapas.example.mx" in page["Content-Security-Policy"]
    geojson = client.post(
        "/participa/prueba/configurar/",
        layer_post(kind="geojson", url="https://datos.example.mx/parques.geojson", layer_name="x"),
    )
    assert geojson.status_code == 302
    assert proceeding.external_layers.get(kind="geojson").layer_name == ""
    removed = client.post(
        "/participa/prueba/configurar/", {"action": "remove_layer", "pk": layer.pk}
    )
    assert removed.status_code == 302
    assert list(proceeding.external_layers.values_list("kind", flat=True)) == ["geojson"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"url": "http://mapas.example.mx/wms"}, "dirección completa https://"),
        ({"url": "https://yo:secreto@mapas.example.mx/wms"}, "sin usuario ni contraseña"),
        ({"url": "javascript:alert(1)"}, "dirección completa https://"),
        ({"url": "https:///sin-servidor"}, "dirección completa https://"),
        ({"layer_name": ""}, "necesita el nombre de su capa"),
        ({"layer_name": "a&request=GetCapabilities"}, "necesita el nombre de su capa"),
        ({"kind": "xyz"}, "opción válida"),
        ({"name": ""}, "obligatorio"),
    ],
)
def test_bad_map_layers_are_refused_in_spanish(staff, proceeding, overrides, message):
    answer = client_for(staff).post("/participa/prueba/configurar/", layer_post(**overrides))
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not proceeding.external_layers.exists()


def test_at_most_ten_layers_and_only_for_the_consultations_staff(staff, zapopan, proceeding):
    for number in range(setup.MAX_EXTERNAL_LAYERS):
        setup.add_external_layer(
            actor=staff, proceeding=proceeding, name=f"Capa {number}", kind="geojson",
            url=f"https://datos.example.mx/{number}.geojson",
        )  # fmt: skip
    eleventh = client_for(staff).post("/participa/prueba/configurar/", layer_post())
    assert eleventh.status_code == 409
    assert "como máximo 10 capas" in eleventh.content.decode()
    other = client_for(person_with(Role.MUNICIPAL_STAFF, zapopan))
    layer = proceeding.external_layers.first()
    refused = other.post(
        "/participa/prueba/configurar/", {"action": "remove_layer", "pk": layer.pk}
    )
    assert refused.status_code == 403
    assert proceeding.external_layers.count() == setup.MAX_EXTERNAL_LAYERS


def test_a_layer_name_never_adds_parameters_to_the_map_url(staff, proceeding):
    from metropoli.participation.models import ExternalLayer

    layer = ExternalLayer(kind="wfs", url="https://x.example.mx/wfs?map=a", layer_name="a b&c=d")
    assert "typeNames=a%20b%26c%3Dd&" in layer.tile_or_data_url()


def test_a_consultation_saved_as_a_template_starts_the_next_one(
    staff, guadalajara, zapopan, proceeding
):
    client = client_for(staff)
    saved = client.post(
        "/participa/prueba/configurar/",
        {"action": "template", "template-name": "Arbolado de barrio", "template-description": ""},
        follow=True,
    )
    assert "Se guardó como la plantilla «Arbolado de barrio»" in saved.content.decode()
    from metropoli.participation.models import ProceedingTemplate

    template = ProceedingTemplate.objects.get(name="Arbolado de barrio")
    assert template.phases == [{"kind": "contributions", "days": 11, "allows_anonymous": True}]
    assert [c["name"] for c in template.categories] == ["Sombra", "Banquetas"]
    again = client.post(
        "/participa/prueba/configurar/",
        {"action": "template", "template-name": "arbolado DE barrio"},
    )
    assert again.status_code == 409 and "Ya hay una plantilla llamada" in again.content.decode()
    # Staff of another municipality start from it.
    other = client_for(person_with(Role.MUNICIPAL_STAFF, zapopan))
    created = other.post(
        "/participa/gestion/nueva/",
        {"owner": str(zapopan.pk), "template": str(template.pk), "title": "Barrio Zapopan",
         "description": "D", "area": SQUARE},
    )  # fmt: skip
    assert created.status_code == 302
    new = Proceeding.objects.get(slug="barrio-zapopan")
    assert list(new.categories.values_list("name", "colour")) == [
        ("Sombra", "#2e7d32"), ("Banquetas", "#1565c0")
    ]  # fmt: skip
    assert new.phases.get().allows_anonymous


def test_an_empty_or_foreign_consultation_is_no_template(staff, zapopan, guadalajara):
    empty = setup.open_proceeding(
        actor=staff, municipality=guadalajara, title="Vacía", description="D", area=SQUARE
    )
    answer = client_for(staff).post(
        f"/participa/{empty.slug}/configurar/", {"action": "template", "template-name": "Nada"}
    )
    assert (
        answer.status_code == 400 and "Agrega primero fases o categorías" in answer.content.decode()
    )
    outsider = client_for(person_with(Role.MUNICIPAL_STAFF, zapopan))
    refused = outsider.post(
        f"/participa/{empty.slug}/configurar/", {"action": "template", "template-name": "Robo"}
    )
    assert refused.status_code == 403
    from metropoli.participation.models import ProceedingTemplate

    assert not ProceedingTemplate.objects.exists()
