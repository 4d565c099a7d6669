"""The committed OpenAPI document is the one the code generates, and it is valid OpenAPI 3."""

import json
from pathlib import Path

from openapi_spec_validator import validate

from metropoli.config.openapi import render

COMMITTED = Path(__file__).resolve().parents[1] / "docs" / "api" / "openapi.json"


def test_committed_openapi_matches_the_code():
    assert COMMITTED.read_text() == render(), (
        "The API changed: run `make openapi` and commit docs/api/openapi.json"
    )


def test_openapi_is_valid_and_served(client):
    document = json.loads(COMMITTED.read_text())
    validate(document)
    assert document["openapi"].startswith("3.")
    served = client.get("/api/openapi.json")
    assert served.status_code == 200
    assert "/api/territory/municipalities" in served.json()["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs.content


def test_no_two_schemas_share_a_name(monkeypatch):
    # Ninja keys components by class name: a second schema of the same name silently replaced
    # the first (tree photos were documented with the market product's PhotoOut).
    from ninja.openapi.schema import OpenAPISchema

    from metropoli.config.api import api

    clashes = []
    original = OpenAPISchema.add_schema_definitions

    def add_schema_definitions(self, definitions):
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                clashes.append(name)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", add_schema_definitions)
    document = api.get_openapi_schema(path_prefix="/api/")
    assert clashes == []
    photo = document["paths"]["/api/trees/{tree_id}/photos"]["post"]["responses"][201]
    assert photo["content"]["application/json"]["schema"]["$ref"].endswith("/TreePhotoOut")
