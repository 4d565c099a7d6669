"""Courier routes: checked when registered; one that cannot be measured never breaks orders."""

import json

import pytest
from django.contrib.gis.geos import LineString

from metropoli.accounts.tests.factories import UserFactory
from metropoli.markets.models import Courier, CourierStatus, Order, Status
from metropoli.notifications.models import Notification

from .test_api import order_body, post

pytestmark = pytest.mark.django_db
ROUTE = [[-103.3395, 20.66], [-103.3392, 20.6745], [-103.339, 20.69]]


def register(client, **fields):
    body = {"market": "libertad", "kind": "public_transport", "phone": "3312345678"}
    return post(client, "/api/markets/couriers", {**body, **fields}, **{"Accept-Language": "en"})


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        (
            {"route": [[1000, 1000], [1001, 1001]]},
            "invalid_route",
            "Point 1 of the route is not a longitude and latitude on Earth.",
        ),
        (
            {"route": [ROUTE[0], [-99.13, 19.43]]},  # Mexico City
            "route_too_far",
            "Point 2 of the route is 461 km from Mercado Libertad; the route must stay within "
            "50 km of the market.",
        ),
        (
            {"route": ROUTE, "stops": [[-103.339, 20.67], [1e308, 0]]},
            "invalid_route",
            "Point 2 of the route is not a longitude and latitude on Earth.",
        ),
    ],
)
def test_an_impossible_or_distant_route_is_refused(client, market, fields, code, message):
    client.force_login(UserFactory())
    response = register(client, **fields)
    assert response.status_code == 400
    assert response.json() == {"code": code, "message": message}
    assert Courier.objects.count() == 0


def test_the_distance_limit_is_a_setting(client, market, settings):
    settings.MARKETS_COURIER_MAX_KM = 1
    client.force_login(UserFactory())
    assert register(client, route=ROUTE).json()["code"] == "route_too_far"
    settings.MARKETS_COURIER_MAX_KM = 5
    assert register(client, route=ROUTE).status_code == 201


def test_a_stored_route_that_cannot_be_measured_does_not_stop_ready(client, market, tomato, vendor):
    # Stored before routes were checked, and approved: every delivery of the market used to
    # fail at "ready" with a 500.
    broken = Courier.objects.create(
        user=UserFactory(),
        market=market,
        kind="public_transport",
        phone="3312345678",
        route=LineString((1000, 1000), (1001, 1001), srid=4326),
        status=CourierStatus.APPROVED,
    )
    rider = UserFactory()
    Courier.objects.create(
        user=rider, market=market, kind="independent", phone="3312345679", status="approved"
    )
    placed = post(
        client,
        "/api/markets/orders",
        order_body(
            market, (tomato, "1"), method="delivery", address="Cerca", lon=-103.3352, lat=20.68
        ),
    ).json()
    part = Order.objects.get(public_id=placed["id"]).parts.get()
    client.force_login(vendor)
    assert client.post(f"/api/markets/parts/{part.pk}/accept").status_code == 200
    ready = client.post(f"/api/markets/parts/{part.pk}/ready")
    assert ready.status_code == 200, ready.content
    assert Order.objects.get(public_id=placed["id"]).status == Status.READY
    offered_to = set(
        Notification.objects.filter(order__public_id=placed["id"]).values_list(
            "recipient", flat=True
        )
    )
    assert rider.pk in offered_to and broken.user_id not in offered_to
    client.force_login(broken.user)
    listed = client.get(f"/api/markets/couriers/{broken.pk}/deliveries")
    assert listed.status_code == 200 and json.loads(listed.content) == []
