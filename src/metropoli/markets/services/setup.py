"""Setting a market up in the browser: the market, its stalls, their people and products.

Every write here is one transaction. People who have no account yet are invited: they get an
account waiting for activation, opened by an e-mailed invitation or a one-time link (accounts'
invitations, docs/decisions/0075-market-people-by-activation-link.md and decision 0113).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from metropoli.accounts import invitations
from metropoli.accounts.invitations import Invitation, PersonAdded, add_person
from metropoli.common.api import require
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import Idempotency

from ..models import Market, MarketStaff, Product, ProductPrice, Stall, StallMember
from .catalogue import _checked_photo, _replace_photo


@dataclass(frozen=True)
class NewMarket:
    municipality: object
    name: str
    slug: str
    address: str
    lon: float
    lat: float
    opening_hours: str = ""
    description: str = ""


@transaction.atomic
def create_market(*, data: NewMarket, actor) -> Market:
    """A new market, open online, with the person who created it as its first staff member."""
    require(actor, "markets.add_market", data.municipality)
    market = Market.objects.create(
        municipality=data.municipality,
        name=data.name,
        slug=data.slug,
        address=data.address,
        location=Point(data.lon, data.lat, srid=4326),
        opening_hours=data.opening_hours,
        description=data.description,
        pickup_slots=[],
    )
    MarketStaff.objects.create(market=market, user=actor)
    return market


@transaction.atomic
def update_market(*, market: Market, fields: dict, actor) -> Market:
    require(actor, "markets.setup_market", market)
    locked = Market.objects.select_for_update(no_key=True).get(pk=market.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


@transaction.atomic
def add_stall(*, market: Market, fields: dict, actor) -> Stall:
    require(actor, "markets.setup_market", market)
    return Stall.objects.create(market=market, **fields)


@transaction.atomic
def update_stall(*, stall: Stall, fields: dict, actor) -> Stall:
    require(actor, "markets.setup_market", stall.market)
    for name, value in fields.items():
        setattr(stall, name, value)
    stall.save(update_fields=list(fields))
    return stall


# What an invitation says the person is invited to («You are invited to …»).
STALL_PLACE = gettext_noop("run the stall %(stall)s")
MARKET_STAFF_PLACE = gettext_noop("join the staff of %(market)s")


def add_stall_member(
    *,
    stall: Stall,
    email: str,
    display_name: str,
    invite: bool,
    actor,
    idempotency: Idempotency | None = None,
) -> PersonAdded:
    """The person of `email` runs the stall; an address without an active account is invited
    (accounts.invitations)."""
    stall_member = Invitation(
        action="markets.add_stall_member",
        scope={"stall": stall.pk},
        check=lambda: require(actor, "markets.setup_market", stall.market),
        give=lambda person: StallMember.objects.get_or_create(stall=stall, user=person)[1],
        place=STALL_PLACE,
        place_params={"stall": stall.name},
    )
    return _add(stall_member, email, display_name, invite, actor, idempotency)


def add_market_staff(
    *,
    market: Market,
    email: str,
    display_name: str,
    invite: bool,
    actor,
    idempotency: Idempotency | None = None,
) -> PersonAdded:
    """The person of `email` joins the market's staff; an address without an active account
    is invited (accounts.invitations)."""
    market_staff = Invitation(
        action="markets.add_market_staff",
        scope={"market": market.pk},
        check=lambda: require(actor, "markets.setup_market", market),
        give=lambda person: MarketStaff.objects.get_or_create(market=market, user=person)[1],
        place=MARKET_STAFF_PLACE,
        place_params={"market": market.name},
    )
    return _add(market_staff, email, display_name, invite, actor, idempotency)


def _add(invitation, email, display_name, invite, actor, idempotency) -> PersonAdded:
    """A stall's or a market's person, through the one path every invitation takes."""
    return add_person(
        invitation,
        email=email,
        display_name=display_name,
        invite=invite,
        invited_by=actor,
        idempotency=idempotency,
    )


@task()
def email_invitation(user_id: int, place: str) -> None:
    """Only for invitations queued before decision 0113; accounts.invitations writes them now."""
    invitations.email_invitation.call(user_id, place, {}, None)


@transaction.atomic
def remove_stall_member(*, stall: Stall, person_id: int, actor) -> None:
    require(actor, "markets.setup_market", stall.market)
    StallMember.objects.filter(stall=stall, user_id=person_id).delete()


@transaction.atomic
def remove_market_staff(*, market: Market, person_id: int, actor) -> None:
    require(actor, "markets.setup_market", market)
    MarketStaff.objects.filter(market=market, user_id=person_id).delete()


@dataclass(frozen=True)
class NewProduct:
    name: str
    category: str
    unit: str
    step: Decimal
    max_per_line: Decimal
    stock: Decimal
    price: Decimal


@transaction.atomic
def update_product(*, product: Product, fields: dict, actor) -> Product:
    require(actor, "markets.setup_market", product.stall.market)
    locked = Product.objects.select_for_update(no_key=True).get(pk=product.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


def add_product(*, stall: Stall, data: NewProduct, actor, photo=None) -> Product:
    """A product with today's price and, when given, its photo (checked and stripped of its
    metadata before anything is written); all of it or nothing."""
    require(actor, "markets.setup_market", stall.market)
    processed = _checked_photo(photo) if photo is not None else None
    with transaction.atomic():
        product = Product.objects.create(
            stall=stall,
            name=data.name,
            category=data.category,
            unit=data.unit,
            step=data.step,
            max_per_line=data.max_per_line,
            stock=data.stock,
        )
        ProductPrice.objects.create(
            product=product, price=data.price, valid_from=timezone.now(), set_by=actor
        )
        if processed is not None:
            product = _replace_photo(Product, product.pk, processed, f"product-{product.pk}")
    return product
