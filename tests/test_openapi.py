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
