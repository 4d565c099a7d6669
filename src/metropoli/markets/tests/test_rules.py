"""One test per rule: anonymous / citizen / staff without the right / staff with it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.markets.models import Courier, CourierStatus, MarketStaff, Order
from metropoli.markets.services.checkout import CartLine, Contact, Destination, place_order
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(guadalajara, zapopan, market, vendor):
    return {
        "anonymous": AnonymousUser(),
        "citizen": person_with(Role.CITIZEN, guadalajara),
        "other_staff": person_with(Role.MUNICIPAL_STAFF, zapopan),
        "municipal_staff": person_with(Role.MUNICIPAL_STAFF, guadalajara),
        "vendor": vendor,
    }


@pytest.fixture
def order(market, tomato, people):
    return place_order(
        market=market,
        lines=[CartLine(tomato.pk, "1")],
        destination=Destination(method="pickup", pickup_slot="09:00-11:00"),
        contact=Contact("Ana", "3312345678"),
        shopper=people["citizen"],
    ).order


def allowed(people, perm, obj):
    return {name for name, person in people.items() if person.has_perm(perm, obj)}


def test_change_stall(people, stall):
    assert allowed(people, "markets.change_stall", stall) == {"vendor", "municipal_staff"}


def test_market_staff_row_grants_the_market(people, market, stall):
    market_staff = UserFactory()
    MarketStaff.objects.create(market=market, user=market_staff)
    people["market_staff"] = market_staff
    assert allowed(people, "markets.change_stall", stall) == {
        "vendor",
        "municipal_staff",
        "market_staff",
    }
    assert allowed(people, "markets.approve_courier", market) == {"municipal_staff", "market_staff"}


def test_handle_order_part(people, order, butcher_vendor):
    people["other_vendor"] = butcher_vendor
    part = order.parts.get()
    assert allowed(people, "markets.handle_order_part", part) == {"vendor", "municipal_staff"}


def test_view_and_cancel_order(people, order):
    assert allowed(people, "markets.view_order", order) == {"citizen", "vendor", "municipal_staff"}
    assert allowed(people, "markets.cancel_order", order) == {"citizen", "municipal_staff"}


def test_confirm_pickup(people, order):
    assert allowed(people, "markets.confirm_pickup", order) == {"vendor", "municipal_staff"}


def test_register_courier(people, market):
    assert allowed(people, "markets.register_courier", market) == {
        "citizen",
        "other_staff",
        "municipal_staff",
        "vendor",
    }


def test_approve_courier(people, market):
    courier = Courier.objects.create(
        user=people["citizen"], market=market, kind="independent", phone="3312345678"
    )
    assert allowed(people, "markets.approve_courier", courier) == {"municipal_staff"}


def test_take_and_deliver(people, market, order):
    courier = Courier.objects.create(
        user=people["citizen"], market=market, kind="independent", phone="3312345678"
    )
    assert allowed(people, "markets.take_delivery", courier) == set()
    courier.status = CourierStatus.APPROVED
    courier.save()
    assert allowed(people, "markets.take_delivery", courier) == {"citizen"}
    Order.objects.filter(pk=order.pk).update(courier=courier)
    order.refresh_from_db()
    assert allowed(people, "markets.deliver_order", order) == {"citizen"}


def test_manage_selection(people):
    assert allowed(people, "markets.manage_selection", None) == {"other_staff", "municipal_staff"}


def test_view_market_orders(people, market):
    assert allowed(people, "markets.view_market_orders", market) == {"municipal_staff"}


def test_change_market(people, market):
    market_staff = UserFactory()
    MarketStaff.objects.create(market=market, user=market_staff)
    people["market_staff"] = market_staff
    assert allowed(people, "markets.change_market", market) == {"municipal_staff", "market_staff"}
