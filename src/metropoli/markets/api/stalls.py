"""The stalls' side: prices and stock, product photos, incoming orders and their answers."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, UploadedFile

from metropoli.common.api import require, session
from metropoli.common.error_schema import ErrorOut
from metropoli.common.ratelimit import limit_photo_uploads

from .. import selectors
from ..limits import handover_attempts
from ..models import OrderPart, Product, Stall
from ..services import catalogue, fulfilment
from .catalogue import ProductOut, product_out
from .edge import ERRORS, WRITE_ERRORS, file_url, order_or_404
from .orders import CodeIn, OrderOut, order_out

router = Router()


class InventoryRowIn(Schema):
    product_id: int
    price: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    stock: Decimal = Field(ge=0, max_digits=10, decimal_places=3)


class InventoryIn(Schema):
    rows: list[InventoryRowIn] = Field(min_length=1, max_length=300)


class InventoryOut(Schema):
    prices_changed: int
    products: list[ProductOut]


@router.put(
    "/stalls/{stall_id}/inventory",
    auth=session,
    response={200: InventoryOut, **WRITE_ERRORS},
    summary="Set today's prices and stock of a stall",
)
def update_inventory(request, stall_id: int, payload: InventoryIn):
    stall = get_object_or_404(Stall.objects.select_related("market__municipality"), pk=stall_id)
    # The service checks markets.change_stall (decision 0088).
    changed = catalogue.update_prices_and_stock(
        stall=stall,
        actor=request.user,
        rows=[catalogue.PriceStock(r.product_id, r.price, r.stock) for r in payload.rows],
    )
    products = [p for p in selectors.stall_products(stall) if p.current_price is not None]
    for p in products:
        p.stall = stall
    return InventoryOut(prices_changed=changed, products=[product_out(p) for p in products])


class PartOut(Schema):
    id: int
    order: UUID
    number: str
    status: str
    order_status: str
    method: str
    pickup_date: date | None
    pickup_slot: str
    lines: list[dict]


def _part_out(part: OrderPart) -> PartOut:
    return PartOut(
        id=part.pk,
        order=part.order.public_id,
        number=part.order.number,
        status=part.status,
        order_status=part.order.status,
        method=part.order.method,
        pickup_date=part.order.pickup_date,
        pickup_slot=part.order.pickup_slot,
        lines=[
            {"product": line.product_name, "quantity": str(line.quantity), "unit": line.unit}
            for line in part.lines.all()
        ],
    )


@router.get(
    "/stalls/{stall_id}/orders",
    auth=session,
    response={200: list[PartOut], **ERRORS},
    summary="Incoming orders of a stall",
    url_name="markets_stall_orders",
)
def stall_orders(request, stall_id: int):
    stall = get_object_or_404(Stall.objects.select_related("market__municipality"), pk=stall_id)
    require(request, "markets.change_stall", stall)
    return [_part_out(p) for p in selectors.incoming_parts(stall)]


class ProductPhotoOut(Schema):
    product_id: int
    photo: str | None
    photo_thumbnail: str | None


def _stall_product(request, product_id: int) -> Product:
    product = get_object_or_404(
        Product.objects.select_related("stall__market__municipality"), pk=product_id
    )
    require(request, "markets.change_stall", product)
    return product


def _photo_out(product: Product) -> ProductPhotoOut:
    return ProductPhotoOut(
        product_id=product.pk,
        photo=file_url(product.photo),
        photo_thumbnail=file_url(product.photo_thumbnail),
    )


@router.post(
    "/products/{product_id}/photo",
    auth=session,
    response={200: ProductPhotoOut, 413: ErrorOut, 415: ErrorOut, 429: ErrorOut, **WRITE_ERRORS},
    summary="Upload a product's photo (JPEG, PNG or HEIC; multipart field «photo»)",
    description="The type is decided by the content; the stored copy is re-encoded without "
    "EXIF (no GPS position) and a 320 px thumbnail is made. Replaces the previous photo.",
)
def upload_product_photo(request, product_id: int, photo: File[UploadedFile]):
    product = _stall_product(request, product_id)
    limit_photo_uploads(request)
    return _photo_out(
        catalogue.set_product_photo(product=product, upload=photo, actor=request.user)
    )


@router.delete(
    "/products/{product_id}/photo",
    auth=session,
    response={200: ProductPhotoOut, **WRITE_ERRORS},
    summary="Remove a product's photo",
)
def remove_product_photo(request, product_id: int):
    product = _stall_product(request, product_id)
    return _photo_out(catalogue.remove_product_photo(product=product, actor=request.user))


class RejectIn(Schema):
    reason: str = Field("", max_length=255)


def _part(part_id: int) -> OrderPart:
    """The part a stall answers; the services check markets.handle_order_part (decision 0088)."""
    return get_object_or_404(
        OrderPart.objects.select_related("stall__market__municipality", "order"), pk=part_id
    )


def _part_reloaded(part: OrderPart) -> PartOut:
    return _part_out(OrderPart.objects.select_related("order").get(pk=part.pk))


@router.post(
    "/parts/{part_id}/accept",
    auth=session,
    response={200: PartOut, **WRITE_ERRORS},
    summary="Stall accepts its part of an order",
)
def accept_part(request, part_id: int):
    part = fulfilment.accept_part(part=_part(part_id), actor=request.user)
    return _part_reloaded(part)


@router.post(
    "/parts/{part_id}/reject",
    auth=session,
    response={200: PartOut, **WRITE_ERRORS},
    summary="Stall rejects its part; its stock goes back",
)
def reject_part(request, part_id: int, payload: RejectIn):
    part = fulfilment.reject_part(part=_part(part_id), actor=request.user, reason=payload.reason)
    return _part_reloaded(part)


@router.post(
    "/parts/{part_id}/ready",
    auth=session,
    response={200: PartOut, **WRITE_ERRORS},
    summary="Stall marks its part ready",
)
def ready_part(request, part_id: int):
    part = fulfilment.mark_part_ready(part=_part(part_id), actor=request.user)
    return _part_reloaded(part)


@router.post(
    "/orders/{public_id}/collected",
    auth=session,
    response={200: OrderOut, 429: ErrorOut, **WRITE_ERRORS},
    summary="Hand over a pickup order with the shopper's code",
)
def collected(request, public_id: UUID, payload: CodeIn):
    order = order_or_404(public_id)
    require(request, "markets.confirm_pickup", order)
    with handover_attempts(request, order):
        fulfilment.confirm_pickup(order=order, actor=request.user, code=payload.code)
    return order_out(order_or_404(public_id), for_shopper=False)
