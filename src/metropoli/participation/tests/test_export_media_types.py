"""A planner's export answers 200 with a media type its OpenAPI operation documents (the
document listed only 403 and 404: make fuzz reported the 200 as undocumented)."""

import pytest

from metropoli.accounts.tests.factories import person_with
from metropoli.config.api import api
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db
EXPORT = "/api/participation/proceedings/{slug}/export.{fmt}"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_each_export_answers_a_documented_status_and_media_type(
    client, proceeding, guadalajara, fmt
):
    documented = api.get_openapi_schema(path_prefix="/api/")["paths"][EXPORT]["get"]["responses"]
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))

    response = client.get(EXPORT.format(slug=proceeding.slug, fmt=fmt))

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in documented[200]["content"]
