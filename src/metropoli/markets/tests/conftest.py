"""Fixtures of the markets tests: a small market with two stalls, prices and stock."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory
from metropoli.markets.models import Market, Product, ProductPrice, Stall, StallMember

LIBERTAD = (-103.339, 20.674)
# About 1.1 km north-west of the Mercado Libertad: first fee band.
NEAR = (-103.345, 20.682)
# Zapopan, about 12 km away: outside the 8 km delivery area.
FAR = (-103.42, 20.72)


def make_market(municipality, slug="libertad", name="Mercado Libertad", location=LIBERTAD):
    return Market.objects.create(
        municipality=municipality,
        name=name,
        slug=slug,
        address="Calzada Independencia Sur, Guadalajara",
        location=Point(*location, srid=4326),
        delivery_fee_bands=[
            {"max_km": "2", "fee": "25.00"},
            {"max_km": "5", "fee": "45.00"},
            {"max_km": "8", "fee": "65.00"},
        ],
        pickup_slots=["09:00-11:00", "11:00-13:00"],
    )


def make_product(
    stall, name, *, unit="kg", step="0.25", price="28.00", stock="10", category="produce"
):
    product = Product.objects.create(
        stall=stall,
        name=name,
        category=category,
        unit=unit,
        step=Decimal(step),
        stock=Decimal(stock),
    )
    ProductPrice.objects.create(product=product, price=Decimal(price), valid_from=timezone.now())
    return product


@pytest.fixture
def market(guadalajara):
    return make_market(guadalajara)


@pytest.fixture
def stall(market):
    return Stall.objects.create(
        market=market, name="Doña Lupe", giro="Frutas y verduras", number="214"
    )


@pytest.fixture
def butcher(market):
    return Stall.objects.create(
        market=market, name="Carnicería El Güero", giro="Carnes", number="87"
    )


@pytest.fixture
def tomato(stall):
    return make_product(stall, "Jitomate saladet", price="28.00", stock="10")


@pytest.fixture
def cilantro(stall):
    return make_product(stall, "Cilantro", unit="bunch", step="1", price="8.00", stock="20")


@pytest.fixture
def steak(butcher):
    return make_product(butcher, "Bistec de res", price="210.00", stock="5", category="meat")


@pytest.fixture
def vendor(stall):
    user = UserFactory(display_name="Lupe")
    StallMember.objects.create(stall=stall, user=user)
    return user


@pytest.fixture
def butcher_vendor(butcher):
    user = UserFactory(display_name="Güero")
    StallMember.objects.create(stall=butcher, user=user)
    return user
