"""Every error of the API is JSON {code, message} in the request's language: ninja's own
refusals, pydantic's validation problems, unknown paths, wrong methods, server errors."""

import json
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings

from metropoli.accounts.tests.factories import UserFactory
from metropoli.web.views import server_error

pytestmark = pytest.mark.django_db

CONTRIBUTIONS = "/api/participation/proceedings/x/contributions"


def error(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["code"] == code
    return body


def test_a_body_that_is_not_json(client):
    for language, message in [
        ("es-MX", "No se puede leer el cuerpo de la solicitud. Envía JSON válido."),
        ("en", "The request body cannot be read. Send valid JSON."),
    ]:
        response = client.post(
            CONTRIBUTIONS,
            b"{not json",
            content_type="application/json",
            headers={"Accept-Language": language},
        )
        assert error(response, 400, "invalid_body")["message"] == message


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_large_multipart_body_where_json_is_expected(client):
    # Larger than the in-memory limit: the edge streams it to read its fields, so the body is
    # gone when the endpoint looks for JSON.
    upload = SimpleUploadedFile("a.txt", b"x" * 2000, content_type="text/plain")
    response = client.post(CONTRIBUTIONS, {"text": "hola", "file": upload})
    assert error(response, 400, "invalid_body")["message"].startswith("No se puede leer")


def test_csrf_failure_of_a_signed_in_session():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(
        "/api/validation/trees/1/votes", {"kind": "agree"}, content_type="application/json"
    )
    body = error(response, 403, "csrf_failed")
    assert body["message"].startswith("Falló la verificación de seguridad")
    english = client.post(
        "/api/validation/trees/1/votes",
        {"kind": "agree"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert error(english, 403, "csrf_failed")["message"].startswith("The security check")


def test_validation_problems_are_translated(client):
    spanish = error(client.get("/api/trees/?page=abc"), 400, "invalid_input")
    assert spanish["message"] == "La solicitud tiene datos no válidos."
    assert spanish["details"] == [{"field": "query.page", "problem": "debe ser un número entero"}]
    english = error(
        client.post(CONTRIBUTIONS, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"),
        400,
        "invalid_input",
    )
    assert english["details"][0] == {"field": "body.payload.category", "problem": "is required"}


@pytest.mark.parametrize(
    ("language", "message"), [("es-MX", "No encontrado."), ("en", "Not found.")]
)
def test_unknown_api_paths(client, language, message):
    response = client.get("/api/no/such/thing", headers={"Accept-Language": language})
    assert error(response, 404, "not_found")["message"] == message
    assert response["Content-Language"] == language.lower()


def test_a_method_the_endpoint_does_not_have(client):
    response = client.get("/api/markets/orders", headers={"Accept-Language": "en"})
    assert error(response, 405, "method_not_allowed")["message"] == (
        "This method is not allowed here."
    )
    assert response["Allow"] == "POST"


def test_not_signed_in(client):
    body = error(client.get("/api/validation/next"), 401, "not_authenticated")
    assert body["message"] == "Entra con tu cuenta para hacer esto."


def test_other_json_paths_answer_json_too(client):
    error(client.get("/tiles/no-such-layer"), 404, "not_found")


def test_a_server_error_under_the_api_is_json_and_a_page_elsewhere():
    factory = RequestFactory()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        assert sys.exc_info()[0] is RuntimeError
        api = server_error(factory.get("/api/trees/", HTTP_ACCEPT_LANGUAGE="en"))
        page = server_error(factory.get("/arbol/"))
    assert error(api, 500, "server_error")["message"] == (
        "Something went wrong on our side. Please try again later."
    )
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
    assert "Algo falló de nuestro lado" in page.content.decode()


def test_a_page_asked_with_a_method_it_does_not_have_explains_itself(client):
    # Django's require_GET / require_POST answer a bare 405 with no body at all.
    form_only = ("Esta dirección solo recibe lo que envía un formulario.", "This address only")
    cases = [
        ("put", "/arbol/", "GET", ("Este método no se admite aquí.", "This method is not allowed")),
        ("get", "/mercado/x/agregar/", "POST", form_only),
    ]
    for method, path, allowed, (spanish, english) in cases:
        response = getattr(client, method)(path)
        assert response.status_code == 405, path
        assert response["Allow"] == allowed
        assert response["Content-Type"].startswith("text/html")
        assert spanish in response.content.decode()
        answer = getattr(client, method)(path, headers={"Accept-Language": "en"})
        assert english in answer.content.decode()
    # A client that asks for JSON gets the error as JSON.
    asked = client.put("/arbol/", headers={"Accept": "application/json"})
    assert error(asked, 405, "method_not_allowed")["message"] == "Este método no se admite aquí."
    # HEAD keeps no body, as always.
    assert client.head("/arbol/").status_code == 200


def test_a_page_error_that_has_its_own_page_is_kept(client):
    response = client.get("/arbol/no-existe-esta-pagina/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"method_not_allowed" not in response.content
