"""The answers that come from around the endpoints (refused input, no session, database outage)
are in the OpenAPI document of every operation, and real answers match it (make fuzz found
them undocumented: docs/decisions/0047-fuzz.md)."""

import pytest
from jsonschema import Draft202012Validator

from metropoli.config.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema(path_prefix="/api/")


def conforms(document, path, method, response):
    """The answer's status is documented for the operation and its JSON body fits the schema."""
    documented = document["paths"][path][method]["responses"]
    assert response.status_code in documented, sorted(documented)
    content = documented[response.status_code]["content"]
    assert response["Content-Type"].split(";")[0] in content
    schema = {
        **content["application/json"]["schema"],
        "components": document["components"],
    }
    validator = Draft202012Validator(schema)
    assert list(validator.iter_errors(response.json())) == []


def test_every_operation_documents_refused_input_and_outage_and_sessions_their_errors(document):
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) > 50
    for path, method, operation in operations:
        statuses = set(operation["responses"])
        assert {400, 503} <= statuses, (method, path)
        if operation.get("security"):
            assert {401, 403} <= statuses, (method, path)
        for status in (400, 503):
            assert operation["responses"][status]["content"]["application/json"]["schema"]
        # gunicorn's own answer to a request line past 4094 bytes: documented, body not ours.
        assert 414 in statuses and "content" not in operation["responses"][414], (method, path)


def test_a_wrong_type_of_parameter_is_a_documented_400(client, document):
    response = client.get("/api/trees/species?limit=true", headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "query.limit"
    conforms(document, "/api/trees/species", "get", response)


def test_an_operation_that_needs_a_session_documents_its_401(client, document):
    response = client.get("/api/markets/stalls/1/orders")

    assert response.status_code == 401
    conforms(document, "/api/markets/stalls/{stall_id}/orders", "get", response)
