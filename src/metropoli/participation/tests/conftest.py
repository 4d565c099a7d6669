from datetime import timedelta

import pytest
from django.contrib.gis.geos import Polygon
from django.utils import timezone

from metropoli.participation import services
from metropoli.participation.models import Phase, PhaseKind

# A square of about 2 km around central Guadalajara.
AREA = Polygon.from_bbox((-103.36, 20.66, -103.34, 20.68))
AREA.srid = 4326
INSIDE = {"type": "Point", "coordinates": [-103.35, 20.67]}
OUTSIDE = {"type": "Point", "coordinates": [-103.20, 20.67]}


def make_proceeding(
    municipality=None, *, kind=PhaseKind.CONTRIBUTIONS, anonymous=True, slug="prueba"
):
    proceeding = services.create_proceeding(
        title="Consulta de prueba",
        slug=slug,
        description="Una consulta para las pruebas.",
        area=AREA.clone(),
        municipality=municipality,
    )
    now = timezone.now()
    Phase.objects.create(
        proceeding=proceeding,
        kind=kind,
        start=now - timedelta(days=1),
        end=now + timedelta(days=10),
        allows_anonymous=anonymous,
    )
    services.add_category(proceeding=proceeding, name="Sombra", icon="shade", colour="#2E7D32")
    services.add_category(
        proceeding=proceeding, name="Banquetas", icon="walk", colour="#1565c0", order=1
    )
    return proceeding


@pytest.fixture
def proceeding(guadalajara):
    return make_proceeding(guadalajara)


@pytest.fixture
def shade(proceeding):
    return proceeding.categories.get(name="Sombra")


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
