"""Setting a market up in the browser: the market, its stalls, their people and products.

Every write here is one transaction. People who have no account yet get one waiting for
activation, with a one-time link (docs/decisions/0075-market-people-by-activation-link.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from metropoli.accounts.services import activation_link
from metropoli.common.api import require
from metropoli.common.outbox import queue_email

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


@dataclass(frozen=True)
class PersonAdded:
    person: object
    created: bool
    # The one-time activation link, when staff chose to hand it over themselves.
    link: str = ""


@task()
def email_invitation(user_id: int, place: str) -> None:
    """The invitation to run a stall or a market, with the one-time activation link."""
    person = get_user_model().objects.filter(pk=user_id, activation_pending=True).first()
    if person is None:
        return
    site = settings.METROPOLI["PLATFORM_NAME"]
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        subject = _("You are invited to %(place)s on %(site)s") % {"place": place, "site": site}
        body = [
            _("Hello %(name)s,") % {"name": person.display_name},
            _(
                "The market staff opened an account for you on %(site)s to run %(place)s. Open "
                "this link, choose your password and you are in:"
            )
            % {"site": site, "place": place},
            activation_link(person),
            _("If you do not expect this, ignore this message: the account stays inactive."),
        ]
        queue_email(to=person.email, subject=subject, body="\n\n".join(body) + "\n")


def _person(
    email: str, display_name: str, *, send_invitation: bool, place: str = ""
) -> PersonAdded:
    """The account of `email`, or a new one waiting for activation (no password yet)."""
    user_model = get_user_model()
    existing = user_model.objects.filter(email__iexact=email).first()
    if existing is not None:
        return PersonAdded(existing, created=False)
    person = user_model(email=email.lower(), display_name=display_name)
    person.set_unusable_password()
    person.is_active = False
    person.activation_pending = True
    person.save()
    if send_invitation:
        transaction.on_commit(lambda: email_invitation.enqueue(person.pk, place))
        return PersonAdded(person, created=True)
    return PersonAdded(person, created=True, link=activation_link(person))


@transaction.atomic
def add_stall_member(
    *, stall: Stall, email: str, display_name: str, send_invitation: bool, actor
) -> PersonAdded:
    require(actor, "markets.setup_market", stall.market)
    added = _person(email, display_name, send_invitation=send_invitation, place=stall.name)
    StallMember.objects.get_or_create(stall=stall, user=added.person)
    return added


@transaction.atomic
def add_market_staff(
    *, market: Market, email: str, display_name: str, send_invitation: bool, actor
) -> PersonAdded:
    require(actor, "markets.setup_market", market)
    added = _person(email, display_name, send_invitation=send_invitation, place=market.name)
    MarketStaff.objects.get_or_create(market=market, user=added.person)
    return added


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
