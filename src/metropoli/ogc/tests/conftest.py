"""Fixtures of the OGC API tests: a few trees in two municipalities, one of each other thing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory
from metropoli.markets.tests.conftest import make_market
from metropoli.participation import services as participation
from metropoli.participation.tests.conftest import INSIDE, make_proceeding
from metropoli.sensors import services as sensors
from metropoli.sensors.aqi import Category
from metropoli.trees.models import Tree
from metropoli.trees.tests.factories import make_tree

# Central Guadalajara and Zapopan (nearest municipal seat decides without boundaries).
GDL_POINTS = [(-103.3475 + i * 0.001, 20.6767 + i * 0.001) for i in range(5)]
ZAP_POINTS = [(-103.3918 + i * 0.001, 20.7214) for i in range(3)]
# A box around the Guadalajara trees only.
GDL_BOX = "-103.35,20.67,-103.34,20.685"


@pytest.fixture
def recorder(db):
    return UserFactory(email="registradora@example.mx", display_name="Registradora Secreta")


@pytest.fixture
def trees(recorder, municipalities):
    made = []
    for n, point in enumerate(GDL_POINTS):
        made.append(make_tree(recorder, at=point, species_code="JAMI" if n % 2 else "FRUH"))
    for point in ZAP_POINTS:
        made.append(make_tree(recorder, at=point, species_code="FRUH"))
    # Recorded on known days, for the datetime filter.
    for n, tree in enumerate(made):
        Tree.objects.filter(pk=tree.pk).update(
            recorded_at=datetime(2025, 3, 1 + n, 12, 0, tzinfo=UTC)
        )
    return made


@pytest.fixture
def sensor(guadalajara):
    owner = UserFactory(email="duena-del-sensor@example.mx", display_name="Dueña Privada")
    sensor, _password = sensors.register_sensor(
        sensor_id="esp8266-3912953",
        owner=owner,
        location=Point(-103.35, 20.67, srid=4326),
        municipality=guadalajara,
        model="NodeMCU + SDS011 + BME280",
    )
    hour = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    sensor.index_hour = hour
    sensor.index_category = int(Category.ACCEPTABLE)
    sensor.index_pollutants = "pm2_5"
    sensor.last_post_at = timezone.now() - timedelta(minutes=2)
    sensor.save()
    return sensor


@pytest.fixture
def market(guadalajara):
    return make_market(guadalajara)


@pytest.fixture
def contributions(guadalajara):
    """(visible, hidden) contributions of one open consultation."""
    proceeding = make_proceeding(guadalajara, slug="sombra")
    category = proceeding.categories.get(name="Sombra")
    author = UserFactory(email="autora@example.mx", display_name="Autora Privada")
    visible, _ = participation.submit_contribution(
        proceeding=proceeding,
        actor=author,
        category_id=category.pk,
        text="Faltan árboles en esta calle",
        geometry=INSIDE,
        type="problem",
    )
    hidden, _ = participation.submit_contribution(
        proceeding=proceeding,
        actor=author,
        category_id=category.pk,
        text="Texto ofensivo",
        geometry=INSIDE,
    )
    moderator = UserFactory(is_superuser=True)
    participation.set_visibility(
        contribution=hidden, moderator=moderator, visible=False, reason="Ofensivo"
    )
    return visible, hidden
