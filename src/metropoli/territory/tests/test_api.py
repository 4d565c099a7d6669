import pytest

pytestmark = pytest.mark.django_db


def test_lists_the_nine_municipalities(client, municipalities):
    response = client.get("/api/territory/municipalities")
    assert response.status_code == 200
    codes = {m["inegi_code"] for m in response.json()}
    assert codes == {
        "14039",
        "14120",
        "14098",
        "14101",
        "14097",
        "14070",
        "14051",
        "14044",
        "14124",
    }
    gdl = next(m for m in response.json() if m["inegi_code"] == "14039")
    assert gdl == {
        "inegi_code": "14039",
        "name": "Guadalajara",
        "slug": "guadalajara",
        "seat": [-103.3475, 20.6767],
        "has_boundary": False,
    }


def test_unknown_municipality_error_in_the_request_language(client, municipalities):
    es = client.get("/api/territory/municipalities/99999", HTTP_ACCEPT_LANGUAGE="es-MX")
    en = client.get("/api/territory/municipalities/99999", HTTP_ACCEPT_LANGUAGE="en")
    assert es.status_code == en.status_code == 404
    assert es.json() == {"code": "unknown_municipality", "message": "No existe el municipio 99999."}
    assert en.json() == {
        "code": "unknown_municipality",
        "message": "There is no municipality 99999.",
    }


def test_lookup(client, municipalities):
    response = client.get("/api/territory/lookup", {"lon": -103.35, "lat": 20.68})
    assert response.status_code == 200
    assert response.json()["municipality"]["inegi_code"] == "14039"
    assert response.json()["exact"] is False
    outside = client.get("/api/territory/lookup", {"lon": -99.1, "lat": 19.4})
    assert outside.status_code == 404 and outside.json()["code"] == "outside_area"


@pytest.mark.parametrize("query", [{"lon": "abc", "lat": 20}, {"lon": 500, "lat": 20}, {}])
def test_lookup_bad_input_is_a_json_400(client, municipalities, query):
    response = client.get("/api/territory/lookup", query, HTTP_ACCEPT_LANGUAGE="es-MX")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == "La solicitud tiene datos no válidos."
    assert body["details"]
