"""The portfolio files answer the media type their OpenAPI operation documents (make fuzz
checks every answer's Content-Type against the document)."""

import pytest

from metropoli.config.api import api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["projects.csv", "projects.xlsx"])
def test_portfolio_files_answer_their_documented_media_type(client, pimus, name):
    document = api.get_openapi_schema(path_prefix="/api/")
    documented = document["paths"][f"/api/cooperation/{name}"]["get"]["responses"][200]

    response = client.get(f"/api/cooperation/{name}")

    assert response.status_code == 200 and response.content
    assert list(documented["content"]) == [response["Content-Type"].split(";")[0]]
