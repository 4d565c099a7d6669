"""Parts a stall does not accept in time are cancelled by the periodic job, and the shopper is
told by e-mail; staff answering for a stall beat the deadline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.module_loading import import_string

from metropoli.accounts.tests.factories import UserFactory
from metropoli.jobs.schedule import job_named
from metropoli.markets.models import MarketStaff, Order, PartStatus, Product, Status
from metropoli.markets.services import deadlines, fulfilment
from metropoli.markets.services.checkout import CartLine, Contact, Destination, place_order

pytestmark = pytest.mark.django_db


def order_of(market, *lines):
    return place_order(
        market=market,
        lines=[CartLine(p.pk, q) for p, q in lines],
        destination=Destination(method="pickup", pickup_slot="11:00-13:00"),
        contact=Contact("Ana", "3312345678", "ana@example.mx"),
    ).order


def age(order, minutes):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_nothing_is_cancelled_before_the_deadline(market, tomato, steak):
    order = order_of(market, (tomato, "1"), (steak, "0.5"))
    age(order, market.answer_minutes - 1)
    assert deadlines.cancel_unanswered_parts() == 0
    assert set(order.parts.values_list("status", flat=True)) == {PartStatus.PENDING}


def test_the_job_cancels_the_silent_stall_and_tells_the_shopper(
    market,
    tomato,
    cilantro,
    steak,
    vendor,
    butcher_vendor,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    order = order_of(market, (tomato, "1"), (cilantro, "2"), (steak, "0.5"))
    fulfilment.accept_part(part=order.parts.get(stall=steak.stall), actor=butcher_vendor)
    age(order, market.answer_minutes + 1)
    with django_capture_on_commit_callbacks(execute=True):
        import_string(job_named("markets-stall-deadlines").task_path).enqueue()
    order.refresh_from_db()
    silent = order.parts.get(stall=tomato.stall)
    assert silent.status == PartStatus.CANCELLED and silent.reason == "Sin respuesta a tiempo"
    # What the butcher accepted goes on; the silent stall's products are back on sale.
    assert order.status == Status.ACCEPTED and order.total == Decimal("105.00")
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("10")
    assert Product.objects.get(pk=cilantro.pk).stock == Decimal("20")
    (notice,) = [m for m in smtp_server.messages if "no respondió" in str(m["Subject"])]
    assert notice["To"] == "ana@example.mx"
    body = notice.get_content()
    assert "- Jitomate saladet: 1 kg" in body and "- Cilantro: 2 manojos" in body
    # A second run finds nothing left to do.
    assert deadlines.cancel_unanswered_parts() == 0


def test_an_order_whose_only_stall_is_silent_ends_rejected(market, tomato):
    order = order_of(market, (tomato, "1"))
    age(order, market.answer_minutes + 5)
    assert deadlines.cancel_unanswered_parts() == 1
    order.refresh_from_db()
    assert order.status == Status.REJECTED and order.total == Decimal("0.00")


def test_a_part_answered_meanwhile_is_left_alone(market, tomato, vendor):
    order = order_of(market, (tomato, "1"))
    age(order, market.answer_minutes + 5)
    (part,) = deadlines.overdue_parts()
    fulfilment.accept_part(part=part, actor=vendor)
    assert deadlines.cancel_unanswered_part(part=part) is False
    part.refresh_from_db()
    assert part.status == PartStatus.ACCEPTED


def test_staff_refusing_for_a_stall_is_recorded(market, tomato, steak):
    order = order_of(market, (tomato, "1"), (steak, "0.5"))
    staff = UserFactory(display_name="Rosa")
    MarketStaff.objects.create(market=market, user=staff)
    deadlines.answer_for_stall(
        part=order.parts.get(stall=tomato.stall), actor=staff, accept=False, reason="Sin jitomate"
    )
    event = order.events.filter(actor=staff).last()
    assert event.note == "El personal del mercado rechazó por Doña Lupe (el puesto no respondió)"
