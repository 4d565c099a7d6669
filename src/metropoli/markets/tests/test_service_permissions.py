"""The markets' services check who may act (decision 0088): the API, the pages and any other
caller meet the same refusal, whoever forgot to check before."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.errors import CommonErrorCode, DomainError
from metropoli.markets.models import Courier, PartStatus
from metropoli.markets.services import catalogue, couriers, deadlines, fulfilment
from metropoli.markets.services.checkout import CartLine, Contact, Destination, place_order

pytestmark = pytest.mark.django_db


def order_of(market, *lines):
    return place_order(
        market=market,
        lines=[CartLine(p.pk, q) for p, q in lines],
        destination=Destination(method="pickup", pickup_slot="11:00-13:00"),
        contact=Contact("Ana", "3312345678", "ana@example.mx"),
    ).order


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code == CommonErrorCode.PERMISSION_DENIED
    assert isinstance(error.value, PermissionDenied)
    return error.value


def test_a_stranger_cannot_answer_for_a_stall(market, tomato, vendor):
    stranger = UserFactory()
    part = order_of(market, (tomato, "1")).parts.get()
    refused(lambda: fulfilment.accept_part(part=part, actor=stranger))
    refused(lambda: fulfilment.reject_part(part=part, actor=stranger))
    refused(lambda: deadlines.answer_for_stall(part=part, actor=stranger, accept=True))
    part.refresh_from_db()
    assert part.status == PartStatus.PENDING
    fulfilment.accept_part(part=part, actor=vendor)
    part.refresh_from_db()
    assert part.status == PartStatus.ACCEPTED


def test_a_stranger_cannot_change_prices(market, tomato):
    row = catalogue.PriceStock(tomato.pk, Decimal("1.00"), None)
    refused(
        lambda: catalogue.update_prices_and_stock(
            stall=tomato.stall, actor=UserFactory(), rows=[row]
        )
    )


def test_a_stranger_cannot_approve_a_courier_nor_deliver(market, tomato):
    courier = Courier.objects.create(
        market=market, user=UserFactory(), kind="independent", phone="3312345678"
    )
    refused(lambda: couriers.decide_courier(courier=courier, actor=courier.user, approve=True))
    order = order_of(market, (tomato, "1"))
    refused(lambda: couriers.start_delivery(order=order, actor=UserFactory()))
    refused(lambda: couriers.confirm_delivery(order=order, actor=UserFactory(), code="x"))
    refused(lambda: fulfilment.confirm_pickup(order=order, actor=UserFactory(), code="x"))


def test_a_stranger_cannot_change_photos_take_a_delivery_nor_cancel_a_shoppers_order(
    market, tomato
):
    stranger = UserFactory()
    refused(lambda: catalogue.remove_product_photo(product=tomato, actor=stranger))
    refused(lambda: catalogue.remove_market_photo(market=market, actor=stranger))
    courier = Courier.objects.create(
        market=market, user=UserFactory(), kind="independent", phone="3312345678"
    )
    order = order_of(market, (tomato, "1"))
    refused(lambda: couriers.take_delivery(order=order, courier=courier, actor=stranger))
    shopper = UserFactory()
    theirs = place_order(
        market=market,
        lines=[CartLine(tomato.pk, "1")],
        destination=Destination(method="pickup", pickup_slot="11:00-13:00"),
        contact=Contact("Ana", "3312345678", "ana@example.mx"),
        shopper=shopper,
    ).order
    refused(lambda: fulfilment.cancel_order(order=theirs, actor=stranger))
    fulfilment.cancel_order(order=theirs, actor=shopper)
    fulfilment.cancel_order(order=order)  # a guest's order: whoever holds its link


def test_only_the_markets_staff_set_it_up(market, stall):
    from metropoli.markets.services import setup

    stranger = UserFactory()
    refused(lambda: setup.update_market(market=market, fields={"name": "Otro"}, actor=stranger))
    refused(lambda: setup.add_stall(market=market, fields={"name": "Nuevo"}, actor=stranger))
    refused(lambda: setup.update_stall(stall=stall, fields={"name": "Otro"}, actor=stranger))
    refused(lambda: setup.remove_stall_member(stall=stall, person_id=stranger.pk, actor=stranger))
    market.refresh_from_db()
    assert market.name != "Otro"
