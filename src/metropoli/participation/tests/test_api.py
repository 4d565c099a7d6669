import base64
import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.participation import services
from metropoli.participation.api import table_token
from metropoli.participation.models import Contribution, ExternalLayer, Report, Visibility
from metropoli.territory.models import Role

from .conftest import INSIDE, OUTSIDE
from .test_photos import jpeg_with_gps

pytestmark = pytest.mark.django_db
BASE = "/api/participation/proceedings"


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def body(proceeding, **extra):
    data = {
        "category": proceeding.categories.first().pk,
        "text": "Necesitamos sombra en la parada",
        "geometry": INSIDE,
    }
    data.update(extra)
    return data


def test_list_and_detail(client, proceeding):
    ExternalLayer.objects.create(
        proceeding=proceeding,
        name="Uso de suelo",
        kind="wms",
        url="https://mapas.example.mx/wms?map=uso",
        layer_name="uso_suelo",
    )
    ExternalLayer.objects.create(
        proceeding=proceeding,
        name="Ciclovías",
        kind="wfs",
        url="https://x.example/wfs",
        layer_name="cv",
    )
    listed = client.get(f"{BASE}").json()
    assert [p["slug"] for p in listed] == ["prueba"]
    assert listed[0]["active_phase"]["kind"] == "contributions"
    detail = client.get(f"{BASE}/prueba").json()
    assert detail["area"]["type"] == "MultiPolygon"
    assert [c["name"] for c in detail["categories"]] == ["Sombra", "Banquetas"]
    wfs, wms = detail["external_layers"]  # ordered by order, then name
    assert wms["url"].startswith("https://mapas.example.mx/wms?map=uso&service=WMS&request=GetMap")
    assert "layers=uso_suelo" in wms["url"] and wms["url"].endswith("bbox={bbox-epsg-3857}")
    assert wfs["url"] == (
        "https://x.example/wfs?service=WFS&request=GetFeature&version=2.0.0&typeNames=cv"
        "&outputFormat=application/json&srsName=EPSG:4326"
    )
    assert client.get(f"{BASE}/nada").status_code == 404


def test_create_is_idempotent_with_the_header(client, proceeding):
    url = f"{BASE}/prueba/contributions"
    first = post(client, url, body(proceeding), HTTP_IDEMPOTENCY_KEY="contribution-01")
    again = post(client, url, body(proceeding), HTTP_IDEMPOTENCY_KEY="contribution-01")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["feature"]["geometry"] == {"type": "Point", "coordinates": [-103.35, 20.67]}
    assert Contribution.objects.count() == 1


REUSED = {
    "es-MX": "Esta Idempotency-Key ya se usó para otra solicitud. Envía una clave nueva con "
    "cada solicitud nueva.",
    "en": "This Idempotency-Key was already used for a different request. Send a new key with "
    "each new request.",
}
DEVICE_A, DEVICE_B = "a" * 32, "b" * 32


def test_a_key_reused_with_other_content_is_422_and_reveals_nothing(client, proceeding):
    url = f"{BASE}/prueba/contributions"
    headers = {"HTTP_IDEMPOTENCY_KEY": "contribution-02", "HTTP_X_DEVICE_TOKEN": DEVICE_A}
    assert post(client, url, body(proceeding), **headers).status_code == 201
    for language, message in REUSED.items():
        other = post(
            client,
            url,
            body(proceeding, text="otra cosa"),
            HTTP_ACCEPT_LANGUAGE=language,
            **headers,
        )
        assert other.status_code == 422
        assert other.json() == {"code": "idempotency_key_reused", "message": message}
    assert Contribution.objects.count() == 1


def test_another_devices_key_is_a_new_key_of_its_own(proceeding):
    url = f"{BASE}/prueba/contributions"
    key = {"HTTP_IDEMPOTENCY_KEY": "contribution-03"}
    first = post(Client(), url, body(proceeding), HTTP_X_DEVICE_TOKEN=DEVICE_A, **key)
    second = post(
        Client(), url, body(proceeding, text="Otra parada"), HTTP_X_DEVICE_TOKEN=DEVICE_B, **key
    )
    # Without a device token a guest's scope is its browser session.
    third = post(Client(), url, body(proceeding, text="Y otra más"), **key)
    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 201)
    assert len({first.json()["id"], second.json()["id"], third.json()["id"]}) == 3
    # The first device's retry still finds its own contribution.
    again = post(Client(), url, body(proceeding), HTTP_X_DEVICE_TOKEN=DEVICE_A, **key)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


def test_a_tables_offline_retry_without_cookies_saves_once(proceeding):
    url = f"{BASE}/prueba/contributions"
    headers = {
        "HTTP_IDEMPOTENCY_KEY": "table-item-0001",
        "HTTP_X_TABLE_TOKEN": table_token(proceeding),
    }
    first = post(Client(), url, body(proceeding, text="Desde la mesa"), **headers)
    again = post(Client(), url, body(proceeding, text="Desde la mesa"), **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert Contribution.objects.count() == 1


def test_outside_area_is_a_clear_error_in_both_languages(client, proceeding):
    url = f"{BASE}/prueba/contributions"
    spanish = post(client, url, body(proceeding, geometry=OUTSIDE), HTTP_ACCEPT_LANGUAGE="es-MX")
    english = post(client, url, body(proceeding, geometry=OUTSIDE), HTTP_ACCEPT_LANGUAGE="en")
    assert spanish.status_code == english.status_code == 400
    assert spanish.json()["code"] == "outside_area"
    assert english.json()["message"].startswith("The location is outside the area")
    assert spanish.json()["message"].startswith("El lugar está fuera del área")
    assert Contribution.objects.count() == 0


def test_photo_is_cleaned_on_upload(client, proceeding, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = "data:image/jpeg;base64," + base64.b64encode(jpeg_with_gps()).decode()
    response = post(client, f"{BASE}/prueba/contributions", body(proceeding, photo=photo))
    assert response.status_code == 201
    stored = Contribution.objects.get().photo
    assert b"CameraMaker" not in stored.read()
    bad = post(
        client,
        f"{BASE}/prueba/contributions",
        body(
            proceeding,
            text="otra",
            photo="data:image/png;base64," + base64.b64encode(b"no").decode(),
        ),
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "photo_not_an_image")
    assert Contribution.objects.count() == 1


def test_anonymous_writes_are_rate_limited_but_tables_get_more(client, proceeding, monkeypatch):
    from metropoli.participation import api

    monkeypatch.setattr(api, "ANONYMOUS_LIMIT", 2)
    url = f"{BASE}/prueba/contributions"
    codes = [post(client, url, body(proceeding, text=f"texto {i}")).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    assert Contribution.objects.count() == 2
    table = post(
        client,
        url,
        body(proceeding, text="desde la mesa"),
        HTTP_X_TABLE_TOKEN=table_token(proceeding),
    )
    assert table.status_code == 201
    assert Contribution.objects.get(text="desde la mesa").source == "table"


def test_geojson_filters(client, proceeding):
    sombra, banquetas = proceeding.categories.all()
    url = f"{BASE}/prueba/contributions"
    post(client, url, body(proceeding, category=sombra.pk, text="uno"))
    post(
        client,
        url,
        body(
            proceeding,
            category=banquetas.pk,
            text="dos",
            geometry={"type": "Point", "coordinates": [-103.341, 20.679]},
        ),
    )
    everything = client.get(url).json()
    assert everything["type"] == "FeatureCollection" and len(everything["features"]) == 2
    assert "author" not in everything["features"][0]["properties"]
    assert [
        f["properties"]["text"] for f in client.get(url, {"category": sombra.pk}).json()["features"]
    ] == ["uno"]
    box = client.get(url, {"bbox": "-103.345,20.675,-103.34,20.68"}).json()
    assert [f["properties"]["text"] for f in box["features"]] == ["dos"]
    phase = proceeding.phases.get().pk
    assert len(client.get(url, {"phase": phase}).json()["features"]) == 2
    assert client.get(url, {"bbox": "1,2,3"}).json()["code"] == "invalid_bbox"


def test_comments_ratings_reports(client, proceeding):
    created = post(client, f"{BASE}/prueba/contributions", body(proceeding)).json()
    base = f"{BASE}/prueba/contributions/{created['id']}"
    top = post(client, f"{base}/comments", {"text": "¿Cuál parada?"}).json()
    post(client, f"{base}/comments", {"text": "La del mercado", "parent": top["id"]})
    detail = client.get(base).json()
    assert detail["comments"][0]["replies"][0]["text"] == "La del mercado"
    rated = post(client, f"{base}/ratings", {"value": 1}, HTTP_X_DEVICE_TOKEN="z" * 24).json()
    again = post(client, f"{base}/ratings", {"value": 1}, HTTP_X_DEVICE_TOKEN="z" * 24).json()
    assert rated["ups"] == again["ups"] == 1
    assert (
        post(client, f"{base}/ratings", {"value": 5}, HTTP_X_DEVICE_TOKEN="z" * 24).status_code
        == 400
    )
    assert post(client, f"{base}/reports", {"reason": "Ofensivo"}).status_code == 201
    assert Report.objects.count() == 1


def test_moderation_endpoints(client, proceeding, guadalajara):
    created = post(client, f"{BASE}/prueba/contributions", body(proceeding)).json()
    base = f"{BASE}/prueba/contributions/{created['id']}"
    client.force_login(UserFactory())
    refused = post(client, f"{base}/visibility", {"visible": False, "reason": "spam"})
    assert refused.status_code == 403
    assert Contribution.objects.get().status == Visibility.VISIBLE
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    hidden = post(client, f"{base}/visibility", {"visible": False, "reason": "Publicidad"}).json()
    assert (hidden["status"], hidden["hidden_reason"]) == ("hidden", "Publicidad")
    assert client.get(f"{BASE}/prueba/contributions").json()["features"] == []
    answered = post(
        client,
        f"{base}/feedback",
        {"status": "not_taken_into_account", "answer": "Fuera de alcance."},
    ).json()
    assert answered["feedback_answer"] == "Fuera de alcance."
    missing = post(client, f"{base}/feedback", {"status": "taken_into_account"})
    assert missing.json()["code"] == "answer_required"


def test_exports_have_no_personal_data(client, proceeding, guadalajara):
    author = UserFactory(display_name="Persona Secreta", email="secreta@example.org")
    services.submit_contribution(
        proceeding=proceeding,
        actor=author,
        category_id=proceeding.categories.first().pk,
        text='=HYPERLINK("x") más árboles',
        geometry=INSIDE,
    )
    assert client.get(f"{BASE}/prueba/export.csv").status_code == 403
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    raw = client.get(f"{BASE}/prueba/export.csv").content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["id", "category", "type", "text"]
    assert rows[1][3].startswith("'=HYPERLINK")
    xlsx = load_workbook(io.BytesIO(client.get(f"{BASE}/prueba/export.xlsx").content))
    assert xlsx.active.max_row == 2
    geojson = client.get(f"{BASE}/prueba/export.geojson")
    assert geojson["Content-Type"] == "application/geo+json"
    for content in (raw, geojson.content, client.get(f"{BASE}/prueba/export.xlsx").content):
        assert b"Secreta" not in content and b"secreta@" not in content


def test_exports_open_with_control_characters_in_an_anonymous_contribution(
    client, proceeding, guadalajara
):
    # Stored before the edge refused control characters: the exports must still open.
    from django.contrib.auth.models import AnonymousUser

    services.submit_contribution(
        proceeding=proceeding,
        actor=AnonymousUser(),
        category_id=proceeding.categories.first().pk,
        text="Más sombra\x0baquí\x0c",
        geometry=INSIDE,
        device_token="dispositivo-anonimo",
    )
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    response = client.get(f"{BASE}/prueba/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["D2"].value == "Más sombraaquí"
    assert isinstance(sheet["F2"].value, float) and sheet["F2"].value < 0  # lon: a number
    raw = client.get(f"{BASE}/prueba/export.csv").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(raw)))[1][3] == "Más sombraaquí"


def test_statistics(client, proceeding):
    for i, point in enumerate([[-103.35, 20.67], [-103.35001, 20.67001], [-103.341, 20.679]]):
        post(
            client,
            f"{BASE}/prueba/contributions",
            body(
                proceeding,
                text=f"árboles y sombra número {i}",
                geometry={"type": "Point", "coordinates": point},
            ),
        )
    stats = client.get(f"{BASE}/prueba/statistics").json()
    assert stats["total"] == 3
    assert [c["count"] for c in stats["categories"]] == [3, 0]
    assert [h["count"] for h in stats["hotspots"]] == [2, 1]
    assert stats["per_municipality"] == [{"name": "Guadalajara", "count": 3}]
    assert stats["words"][:2] == [{"word": "número", "count": 3}, {"word": "sombra", "count": 3}]
    assert sum(stats["per_day"][0]["counts"].values()) == 3


def test_table_pin(client, proceeding):
    services.set_table_pin(proceeding=proceeding, pin="4321", actor=None)
    assert (
        post(client, f"{BASE}/prueba/table/unlock", {"pin": "1111"}).json()["code"] == "wrong_pin"
    )
    unlocked = post(client, f"{BASE}/prueba/table/unlock", {"pin": "4321"}).json()
    assert unlocked == {"unlocked": True, "table_token": table_token(proceeding)}


def test_the_table_token_goes_only_to_the_facilitator_who_gives_the_pin(client, proceeding):
    services.set_table_pin(proceeding=proceeding, pin="4321", actor=None)
    page = client.get("/participa/mesa/prueba/").content.decode()
    assert table_token(proceeding) not in page and "data-table-token" not in page
    wrong = post(client, f"{BASE}/prueba/table/unlock", {"pin": "1111"})
    assert wrong.status_code == 403 and "table_token" not in wrong.json()
    right = post(client, f"{BASE}/prueba/table/unlock", {"pin": "4321"}).json()
    # What the PIN hands out is what marks the table's contributions (and lifts their limit).
    sent = post(
        client,
        f"{BASE}/prueba/contributions",
        body(proceeding, text="desde la mesa"),
        HTTP_X_TABLE_TOKEN=right["table_token"],
    )
    assert sent.status_code == 201
    assert Contribution.objects.get(text="desde la mesa").source == "table"


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [-103.35, 20.67, 1560]},
        {"type": "LineString", "coordinates": [[-103.35, 20.67, 5], [-103.351, 20.671, 5]]},
    ],
)
def test_a_point_with_a_height_is_refused_in_words(client, proceeding, geometry):
    response = post(
        client,
        f"{BASE}/prueba/contributions",
        body(proceeding, geometry=geometry),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_geometry",
        "message": "Give the location as longitude and latitude only, without a height.",
    }
    assert Contribution.objects.count() == 0
