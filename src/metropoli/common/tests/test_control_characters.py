"""Control characters (NUL and the like) are refused at the edge with a 400 in the user's
language, on every channel: path, query string, form fields and JSON. They used to reach
PostgreSQL, which refuses NUL in text, and answer 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metropoli.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SPANISH = "caracteres de control invisibles"
ENGLISH = "invisible control characters"


def refused_json(response, field, language="es"):
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "invalid_characters"
    assert (SPANISH if language == "es" else ENGLISH) in body["message"]
    assert body["details"][0]["field"] == field
    return body


def refused_page(response, language="es"):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'<html lang="{"es-mx" if language == "es" else "en"}">' in page
    assert (SPANISH if language == "es" else ENGLISH) in page
    return page


@pytest.mark.parametrize("value", ["%00", "a%01b", "%0B", "%1F", "%7F"])
def test_query_strings_of_the_api(client, value):
    refused_json(client.get(f"/api/trees/species?q={value}"), "query.q")


def test_query_strings_of_pages_in_both_languages(client, municipalities):
    refused_page(client.get("/arbol/?species=%00"))
    refused_page(client.get("/arbol/?species=%00", headers={"Accept-Language": "en"}), "en")
    # The name of a parameter counts too.
    refused_page(client.get("/arbol/?a%00b=1"))


def test_tab_and_newlines_are_ordinary_text(client, municipalities):
    assert client.get("/api/trees/species?q=fresno%09blanco%0D%0A").status_code == 200
    assert client.get("/arbol/?q=%09%0A").status_code == 200


def test_paths(client, municipalities):
    refused_page(client.get("/mercado/abastos%00/"))
    refused_json(client.get("/api/markets/markets/abastos%00"), "path")


def test_urlencoded_form_fields(client, municipalities):
    refused_page(
        client.post("/cuentas/entrar", {"username": "ana\x00@example.org", "password": "x"})
    )


def test_multipart_field_values_and_file_names_but_not_file_contents(client, municipalities):
    user = UserFactory()
    client.force_login(user)
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\x00\x00binary", content_type="image/jpeg")
    refused_page(client.post("/cuentas/entrar", {"username": "ana\x0b", "photo": photo}))
    refused_json(client.post("/api/trees/1/photos", {"note": "\x00", "photo": photo}), "form.note")
    # Binary file contents are not text: NUL bytes in a photo are no reason to refuse it
    # (whatever the endpoint then says of this photo, it is not the edge's refusal).
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\x00\x00binary", content_type="image/jpeg")
    response = client.post("/api/trees/1/photos", {"photo": photo})
    assert b"invalid_characters" not in response.content


def post_json(client, url, raw: str, **headers):
    return client.post(url, raw.encode(), content_type="application/json", headers=headers)


def test_json_bodies_with_escaped_control_characters(client, municipalities):
    url = "/api/participation/proceedings/x/contributions"
    refused_json(post_json(client, url, '{"text": "hola\\u0000"}'), "body.text")
    refused_json(post_json(client, url, '{"a": {"b": ["ok", "x\\u001f"]}}'), "body.a.b[1]")
    refused_json(post_json(client, url, '{"k\\u0007": 1}'), "body")
    # A lone surrogate cannot be stored either.
    refused_json(post_json(client, url, '{"text": "\\ud800"}'), "body.text")
    body = refused_json(
        post_json(client, url, '{"text": "\\u0000"}', **{"Accept-Language": "en"}),
        "body.text",
        "en",
    )
    assert body["details"][0]["problem"] == "contains a control character"


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client, municipalities):
    # The JSON text \\u0000 is a backslash followed by "u0000": six printable characters.
    response = post_json(
        client, "/api/participation/proceedings/x/contributions", '{"text": "\\\\u0000"}'
    )
    # The endpoint itself answers (its own validation), not the edge.
    assert response.json()["code"] == "invalid_input"


def test_raw_control_characters_in_a_text_body(client):
    response = client.post(
        "/api/participation/proceedings/x/contributions",
        b'{"text": "a\x00b"}',
        content_type="application/json",
    )
    refused_json(response, "body")


def test_json_sent_with_another_content_type_is_read_too(client):
    response = client.post(
        "/api/participation/proceedings/x/contributions",
        json.dumps({"text": "\x00"}).encode(),
        content_type="application/octet-stream",
    )
    refused_json(response, "body.text")
