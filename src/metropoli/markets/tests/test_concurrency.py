"""Real parallel checkouts: stock never goes below zero and exactly the available kilos sell.

Each thread has its own database connection and transaction, as gunicorn workers would.
"""

from decimal import Decimal

import pytest

from metropoli.common.errors import DomainError
from metropoli.common.idempotency import Idempotency
from metropoli.common.testing import run_in_parallel
from metropoli.markets.models import Order, OrderLine, Product
from metropoli.markets.services.checkout import CartLine, Contact, Destination, place_order

from .conftest import make_market, make_product

pytestmark = pytest.mark.django_db(transaction=True)


def run_parallel(count: int, checkout) -> list:
    """`count` checkouts at once: each one's result, or the code of the DomainError it raised."""
    outcomes = run_in_parallel([lambda i=i: checkout(i) for i in range(count)])
    return [o.code if isinstance(o, DomainError) else o for o in outcomes]


def test_twenty_shoppers_race_for_five_kilos(guadalajara):
    market = make_market(guadalajara)
    from metropoli.markets.models import Stall

    stall = Stall.objects.create(market=market, name="Doña Lupe", giro="Frutas")
    mango = make_product(stall, "Mango ataulfo", step="0.5", stock="5")

    def checkout(index):
        return place_order(
            market=market,
            lines=[CartLine(mango.pk, "1")],
            destination=Destination(method="pickup", pickup_slot="09:00-11:00"),
            contact=Contact(f"Comprador {index}", "3312345678"),
            idempotency=Idempotency("session:shopper", f"race-{index}"),
        ).order.pk

    results = run_parallel(20, checkout)
    won = [r for r in results if isinstance(r, int)]
    assert len(won) == 5
    assert sorted(r for r in results if not isinstance(r, int)) == ["out_of_stock"] * 15
    assert Product.objects.get(pk=mango.pk).stock == Decimal("0")
    assert OrderLine.objects.filter(product=mango).count() == 5


def test_crossing_carts_do_not_deadlock_and_never_oversell(guadalajara):
    market = make_market(guadalajara)
    from metropoli.markets.models import Stall

    stall = Stall.objects.create(market=market, name="Doña Lupe", giro="Frutas")
    first = make_product(stall, "Jitomate", stock="3")
    second = make_product(stall, "Cebolla", stock="3")

    def checkout(index):
        # Half the shoppers list the products in the opposite order.
        lines = [CartLine(first.pk, "1"), CartLine(second.pk, "1")]
        return place_order(
            market=market,
            lines=lines if index % 2 else lines[::-1],
            destination=Destination(method="pickup", pickup_slot="09:00-11:00"),
            contact=Contact(f"Comprador {index}", "3312345678"),
        ).order.pk

    results = run_parallel(10, checkout)
    assert len([r for r in results if isinstance(r, int)]) == 3
    assert {r for r in results if not isinstance(r, int)} == {"out_of_stock"}
    assert Product.objects.get(pk=first.pk).stock == Decimal("0")
    assert Product.objects.get(pk=second.pk).stock == Decimal("0")


def test_the_same_idempotency_key_in_parallel_makes_one_order(guadalajara):
    market = make_market(guadalajara)
    from metropoli.markets.models import Stall

    stall = Stall.objects.create(market=market, name="Doña Lupe", giro="Frutas")
    tomato = make_product(stall, "Jitomate", stock="10")

    def checkout(index):
        return place_order(
            market=market,
            lines=[CartLine(tomato.pk, "1")],
            destination=Destination(method="pickup", pickup_slot="09:00-11:00"),
            contact=Contact("Ana", "3312345678"),
            idempotency=Idempotency("session:shopper-1", "retry-storm"),
        ).order.pk

    results = run_parallel(8, checkout)
    assert len(set(results)) == 1 and isinstance(results[0], int)
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("9")


def test_last_kilo_sequentially_in_a_committed_database(guadalajara):
    """With real commits: the second checkout sees the first one's sale."""
    market = make_market(guadalajara)
    from metropoli.markets.models import Stall

    stall = Stall.objects.create(market=market, name="Doña Lupe", giro="Frutas")
    last = make_product(stall, "Aguacate", stock="1")
    pickup = Destination(method="pickup", pickup_slot="09:00-11:00")
    place_order(
        market=market,
        lines=[CartLine(last.pk, "1")],
        destination=pickup,
        contact=Contact("A", "3312345678"),
    )
    with pytest.raises(DomainError) as info:
        place_order(
            market=market,
            lines=[CartLine(last.pk, "1")],
            destination=pickup,
            contact=Contact("B", "3312345678"),
        )
    assert info.value.code == "out_of_stock"
    assert Product.objects.get(pk=last.pk).stock == Decimal("0")
    assert Order.objects.count() == 1


def test_twelve_shoppers_race_for_the_last_three_pickup_places(guadalajara):
    """Capacity is counted inside the checkout transaction, under the market's row lock."""
    from datetime import timedelta

    from django.utils import timezone

    from metropoli.markets.models import Stall

    market = make_market(guadalajara)
    market.pickup_slot_capacity = 3
    market.save()
    stall = Stall.objects.create(market=market, name="Doña Lupe", giro="Frutas")
    tomato = make_product(stall, "Jitomate", stock="100")
    tomorrow = timezone.localdate() + timedelta(days=1)

    def checkout(index):
        return place_order(
            market=market,
            lines=[CartLine(tomato.pk, "1")],
            destination=Destination(
                method="pickup", pickup_slot="09:00-11:00", pickup_date=tomorrow
            ),
            contact=Contact(f"Comprador {index}", "3312345678"),
        ).order.pk

    results = run_parallel(12, checkout)
    assert len([r for r in results if isinstance(r, int)]) == 3
    assert sorted(r for r in results if not isinstance(r, int)) == ["pickup_slot_full"] * 9
    assert Order.objects.filter(pickup_date=tomorrow, pickup_slot="09:00-11:00").count() == 3
    # The refused shoppers took nothing: only the three orders' kilos left the stock.
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("97")
