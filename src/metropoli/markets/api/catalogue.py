"""The catalogue: markets, their stalls, products with today's prices, pickup slots."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError

from .. import selectors
from ..models import Market
from .edge import file_url, market_or_404

router = Router()


class MarketOut(Schema):
    slug: str
    name: str
    municipality: str = Field(description="INEGI code of the municipality.")
    address: str
    opening_hours: str
    location: list[float] = Field(description="[lon, lat]")
    delivers: bool
    delivery_fee_bands: list[dict]
    pickup_slots: list[str]
    open_weekdays: list[int] = Field(
        description="Days the market opens for pickup: 0 = Monday … 6 = Sunday."
    )
    pickup_days_ahead: int = Field(description="How many days ahead pickup can be chosen.")
    pickup_slot_capacity: int | None = Field(
        description="Most pickup orders per slot and day; null: no limit."
    )
    photo: str | None = Field(description="URL of the market's photo (no metadata).")
    photo_thumbnail: str | None

    @staticmethod
    def of(market: Market) -> "MarketOut":
        return MarketOut(
            slug=market.slug,
            name=market.name,
            municipality=market.municipality.inegi_code,
            address=market.address,
            opening_hours=market.opening_hours,
            location=[market.location.x, market.location.y],
            delivers=bool(market.delivery_fee_bands),
            delivery_fee_bands=market.delivery_fee_bands,
            pickup_slots=market.pickup_slots,
            open_weekdays=sorted(market.open_weekdays),
            pickup_days_ahead=market.pickup_days_ahead,
            pickup_slot_capacity=market.pickup_slot_capacity,
            photo=file_url(market.photo),
            photo_thumbnail=file_url(market.photo_thumbnail),
        )


class StallOut(Schema):
    id: int
    name: str
    number: str
    giro: str
    phone: str


class MarketDetailOut(MarketOut):
    stalls: list[StallOut]


class ProductOut(Schema):
    id: int
    name: str
    category: str
    stall_id: int
    stall: str
    unit: str
    step: Decimal
    max_per_line: Decimal
    stock: Decimal
    price: Decimal = Field(description="Today's price per unit, MXN.")
    photo: str | None = Field(None, description="URL of the product's photo (no metadata).")
    photo_thumbnail: str | None = Field(None, description="URL of a small copy (320 px).")


def product_out(p) -> ProductOut:
    return ProductOut(
        id=p.pk,
        name=p.name,
        category=p.category,
        stall_id=p.stall_id,
        stall=p.stall.name,
        unit=p.unit,
        step=p.step,
        max_per_line=p.max_per_line,
        stock=p.stock,
        price=p.current_price,
        photo=file_url(p.photo),
        photo_thumbnail=file_url(p.photo_thumbnail),
    )


@router.get("/markets", response=list[MarketOut], summary="Markets selling online")
def list_markets(request):
    return [MarketOut.of(m) for m in selectors.active_markets()]


@router.get("/markets/{slug}", response={200: MarketDetailOut, 404: ErrorOut}, summary="One market")
def get_market(request, slug: str):
    market = market_or_404(slug)
    stalls = [
        StallOut(id=s.pk, name=s.name, number=s.number, giro=s.giro, phone=s.phone)
        for s in selectors.stalls_of(market)
    ]
    return MarketDetailOut(**MarketOut.of(market).dict(), stalls=stalls)


@router.get(
    "/markets/{slug}/products",
    response={200: list[ProductOut], 404: ErrorOut},
    summary="Products of a market with today's prices (search ignores accents)",
)
def list_products(
    request,
    slug: str,
    q: str = Query("", max_length=100, description="Words to search, in Spanish."),
    stall: int | None = None,
):
    market = market_or_404(slug)
    stall_obj = None
    if stall is not None:
        stall_obj = market.stalls.filter(pk=stall, active=True).first()
        if stall_obj is None:
            raise ApiError(
                404, "unknown_stall", _("This market has no stall %(id)s.") % {"id": stall}
            )
    return [product_out(p) for p in selectors.catalogue(market, stall=stall_obj, query=q)]


class PickupSlotOut(Schema):
    date: date
    slot: str
    places_left: int | None = Field(description="null: the market sets no capacity.")


@router.get(
    "/markets/{slug}/pickup-slots",
    response={200: list[PickupSlotOut], 404: ErrorOut},
    summary="Pickup days and slots that can be chosen now (full slots left out)",
)
def pickup_slots(request, slug: str):
    return [
        PickupSlotOut(date=offer.day, slot=offer.label, places_left=offer.places_left)
        for offer in selectors.pickup_offers(market_or_404(slug))
    ]
