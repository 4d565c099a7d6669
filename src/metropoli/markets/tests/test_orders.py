"""Checkout: the order service, its bad inputs (nothing half-written) and the life cycle."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from metropoli.common.errors import DomainError
from metropoli.common.idempotency import Idempotency
from metropoli.markets.models import (
    Order,
    OrderEvent,
    OrderLine,
    PartStatus,
    Product,
    ProductPrice,
    Stall,
    Status,
)
from metropoli.markets.services import checkout, fulfilment
from metropoli.markets.services.checkout import CartLine, Contact, Destination

from .conftest import FAR, NEAR, make_market, make_product

pytestmark = pytest.mark.django_db

GUEST = Contact("Ana López", "33 1234 5678", "ana@example.mx")
PICKUP = Destination(method="pickup", pickup_slot="09:00-11:00")
DELIVERY = Destination(method="delivery", address="Calle Juan Manuel 100", lon=NEAR[0], lat=NEAR[1])


def place(market, lines, destination=PICKUP, key=None, contact=GUEST, scope="session:guest-1"):
    return checkout.place_order(
        market=market,
        lines=lines,
        destination=destination,
        contact=contact,
        idempotency=Idempotency(scope, key) if key else None,
    )


def snapshot():
    return (
        list(Product.objects.order_by("pk").values_list("pk", "stock")),
        Order.objects.count(),
        OrderLine.objects.count(),
        OrderEvent.objects.count(),
    )


def refused(market, lines, destination=PICKUP, **kwargs) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as info:
        place(market, lines, destination, **kwargs)
    assert snapshot() == before
    return info.value


def test_order_spanning_two_stalls_copies_prices_and_takes_stock(market, tomato, cilantro, steak):
    placed = place(
        market,
        [CartLine(tomato.pk, "1.5"), CartLine(steak.pk, "0,75"), CartLine(cilantro.pk, "2")],
        DELIVERY,
    )
    order = placed.order
    assert placed.created
    assert order.method == "delivery" and order.payment == "on_delivery"
    assert order.subtotal == Decimal("42.00") + Decimal("157.50") + Decimal("16.00")
    assert order.delivery_fee == Decimal("25.00")
    assert order.total == Decimal("240.50")
    assert order.distance_km == Decimal("1.09")
    assert order.parts.count() == 2
    assert [
        (line.product_name, line.quantity, line.unit_price, line.line_total)
        for line in order.lines.order_by("product_id")
    ] == [
        ("Jitomate saladet", Decimal("1.500"), Decimal("28.00"), Decimal("42.00")),
        ("Cilantro", Decimal("2.000"), Decimal("8.00"), Decimal("16.00")),
        ("Bistec de res", Decimal("0.750"), Decimal("210.00"), Decimal("157.50")),
    ]
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("8.5")
    assert Product.objects.get(pk=steak.pk).stock == Decimal("4.25")
    # A later price change does not touch the order.
    ProductPrice.objects.create(product=tomato, price=Decimal("35.00"), valid_from=timezone.now())
    assert OrderLine.objects.get(order=order, product=tomato).unit_price == Decimal("28.00")


def test_pickup_is_free_and_paid_at_pickup(market, tomato):
    order = place(market, [CartLine(tomato.pk, "0.5")]).order
    assert (order.method, order.payment, order.delivery_fee, order.total) == (
        "pickup",
        "at_pickup",
        Decimal("0.00"),
        Decimal("14.00"),
    )
    assert order.pickup_slot == "09:00-11:00"


def test_same_idempotency_key_returns_the_same_order(market, tomato):
    first = place(market, [CartLine(tomato.pk, "1")], key="abc-123")
    again = place(market, [CartLine(tomato.pk, "1")], key="abc-123")
    assert again.order.pk == first.order.pk and not again.created
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("9")


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        ("0.3", "not_multiple_of_step"),
        ("0", "not_positive"),
        ("-1", "not_positive"),
        ("abc", "invalid_number"),
        ("1e3", "invalid_number"),
    ],
)
def test_bad_quantities_are_refused(market, tomato, quantity, code):
    error = refused(market, [CartLine(tomato.pk, quantity)])
    assert error.code == code
    assert "Jitomate saladet" in error.message


def test_pieces_cannot_be_split(market, cilantro):
    error = refused(market, [CartLine(cilantro.pk, "1.5")])
    assert error.code == "not_multiple_of_step"


def test_a_refusal_is_worded_in_the_language_it_is_answered_in(market, cilantro):
    """Raised while English is active, answered in Spanish: the unit is Spanish too."""
    Product.objects.filter(pk=cilantro.pk).update(max_per_line=50)
    with translation.override("en"):
        error = refused(market, [CartLine(cilantro.pk, "21")])
    assert error.code == "out_of_stock"
    with translation.override("es-mx"):
        assert error.render(gettext).startswith("Solo quedan 20 manojos de Cilantro;")
    with translation.override("en"):
        assert error.render(gettext).startswith("Only 20 bunches of Cilantro are left")


def test_more_than_stock_is_refused_with_what_is_left(market, tomato, steak):
    error = refused(market, [CartLine(tomato.pk, "1"), CartLine(steak.pk, "5.25")])
    assert error.code == "out_of_stock"
    assert "5" in error.message and "Bistec de res" in error.message
    # The tomato line (taken first, lower pk) was rolled back too.
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("10")


def test_product_of_another_market_is_refused(market, tomato, zapopan):
    other = make_market(zapopan, slug="del-mar", name="Mercado del Mar", location=(-103.39, 20.70))
    fish = make_product(Stall.objects.create(market=other, name="Chapala", giro="Mariscos"), "Atún")
    error = refused(market, [CartLine(tomato.pk, "1"), CartLine(fish.pk, "1")])
    assert error.code == "other_market"
    assert "Mercado del Mar" in error.message


def test_price_changed_since_added_is_shown_not_charged(market, tomato):
    ProductPrice.objects.create(product=tomato, price=Decimal("32.00"), valid_from=timezone.now())
    error = refused(market, [CartLine(tomato.pk, "1", seen_unit_price=Decimal("28.00"))])
    assert error.code == "price_changed"
    assert error.details == [
        {"product_id": tomato.pk, "product": "Jitomate saladet", "seen": "28.00", "now": "32.00"}
    ]
    # Confirming at the new price goes through.
    order = place(market, [CartLine(tomato.pk, "1", seen_unit_price=Decimal("32.00"))]).order
    assert order.total == Decimal("32.00")


def test_address_outside_delivery_area_is_refused(market, tomato):
    far = Destination(method="delivery", address="Av. Vallarta 6000", lon=FAR[0], lat=FAR[1])
    error = refused(market, [CartLine(tomato.pk, "1")], far)
    assert error.code == "outside_delivery_area"
    assert "8 km" in error.message


@pytest.mark.parametrize(
    ("destination", "contact", "code"),
    [
        (Destination(method="pickup", pickup_slot="23:00-24:00"), GUEST, "invalid_pickup_slot"),
        (Destination(method="drone"), GUEST, "invalid_method"),
        (
            Destination(method="delivery", address="", lon=NEAR[0], lat=NEAR[1]),
            GUEST,
            "address_required",
        ),
        (Destination(method="delivery", address="Calle 1"), GUEST, "point_required"),
        (PICKUP, Contact("", "3312345678"), "name_required"),
        (PICKUP, Contact("Ana", "123"), "invalid_phone"),
    ],
)
def test_incomplete_checkout_is_refused(market, tomato, destination, contact, code):
    error = refused(market, [CartLine(tomato.pk, "1")], destination, contact=contact)
    assert error.code == code


def test_empty_cart_and_duplicates_are_refused(market, tomato):
    assert refused(market, []).code == "empty_cart"
    assert refused(market, [CartLine(tomato.pk, "1"), CartLine(tomato.pk, "1")]).code == (
        "duplicate_product"
    )


def test_racing_for_the_last_kilo_one_wins_the_other_is_told(market, stall):
    last = make_product(stall, "Mango ataulfo", step="0.5", stock="1")
    winner = place(market, [CartLine(last.pk, "1")], key="shopper-a")
    error = refused(market, [CartLine(last.pk, "1")], key="shopper-b")
    assert winner.created
    assert error.code == "out_of_stock"
    assert "0" in error.message and "Mango ataulfo" in error.message
    assert Product.objects.get(pk=last.pk).stock == Decimal("0")


def test_database_refuses_negative_stock(tomato):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=tomato.pk).update(stock=Decimal("-0.25"))


def test_cancel_before_acceptance_returns_stock(market, tomato, vendor):
    order = place(market, [CartLine(tomato.pk, "2")]).order
    fulfilment.cancel_order(order=order)
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("10")


def test_cancel_after_a_stall_accepted_is_refused(market, tomato, steak, vendor):
    order = place(market, [CartLine(tomato.pk, "2"), CartLine(steak.pk, "1")]).order
    fulfilment.accept_part(part=order.parts.get(stall=tomato.stall), actor=vendor)
    with pytest.raises(DomainError) as info:
        fulfilment.cancel_order(order=order)
    assert info.value.code == "cannot_cancel"
    order.refresh_from_db()
    assert order.status == Status.PLACED
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("8")


def test_stall_flow_accept_reject_ready(market, tomato, steak, vendor, butcher_vendor):
    order = place(market, [CartLine(tomato.pk, "2"), CartLine(steak.pk, "1")]).order
    produce = order.parts.get(stall=tomato.stall)
    meat = order.parts.get(stall=steak.stall)
    fulfilment.accept_part(part=produce, actor=vendor)
    order.refresh_from_db()
    assert order.status == Status.PLACED
    fulfilment.reject_part(part=meat, actor=butcher_vendor, reason="Se acabó")
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED
    assert order.total == Decimal("56.00")
    assert Product.objects.get(pk=steak.pk).stock == Decimal("5")
    with pytest.raises(DomainError):
        fulfilment.accept_part(part=meat, actor=butcher_vendor)
    fulfilment.mark_part_ready(part=produce, actor=vendor)
    order.refresh_from_db()
    assert order.status == Status.READY
    with pytest.raises(DomainError) as info:
        fulfilment.confirm_pickup(
            order=order,
            actor=vendor,
            code="000000" if order.handover_code != "000000" else "111111",
        )
    assert info.value.code == "wrong_code"
    fulfilment.confirm_pickup(order=order, actor=vendor, code=order.handover_code)
    order.refresh_from_db()
    assert order.status == Status.COLLECTED
    assert list(order.events.values_list("status", flat=True)) == [
        "placed",
        "placed",
        "accepted",
        "ready",
        "collected",
    ]


def test_all_stalls_rejecting_rejects_the_order(market, tomato, vendor):
    order = place(market, [CartLine(tomato.pk, "2")]).order
    fulfilment.reject_part(part=order.parts.get(), actor=vendor)
    order.refresh_from_db()
    assert order.status == Status.REJECTED
    assert order.parts.get().status == PartStatus.REJECTED
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("10")


def test_new_order_and_acceptance_are_emailed_and_listed(
    market, tomato, vendor, smtp_server, django_capture_on_commit_callbacks
):
    vendor.email_notifications = True
    vendor.save(update_fields=["email_notifications"])
    with django_capture_on_commit_callbacks(execute=True):
        order = place(market, [CartLine(tomato.pk, "1")]).order
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.accept_part(part=order.parts.get(), actor=vendor)
    subjects = sorted(str(m["Subject"]) for m in smtp_server.messages)
    number = order.number
    assert subjects == sorted(
        [f"Nuevo pedido {number}", f"Recibimos el pedido {number}", f"Pedido {number} aceptado"]
    ) or subjects == sorted(
        [f"New order {number}", f"We received order {number}", f"Order {number} was accepted"]
    )
    assert vendor.notifications.filter(source="markets").count() == 1
    assert {m["To"] for m in smtp_server.messages} == {vendor.email, "ana@example.mx"}
