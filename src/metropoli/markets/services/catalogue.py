"""A stall's catalogue: today's prices and stock, and the photos of products and markets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy

from metropoli.common.api import require
from metropoli.common.errors import CommonErrorCode, DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.photos import ProcessedPhoto, process_photo
from metropoli.common.transactions import retrying_atomic, run_atomic

from .. import selectors
from ..errors import MarketErrorCode
from ..models import Market, Product, ProductPrice, Stall


@dataclass(frozen=True)
class PriceStock:
    product_id: int
    price: Decimal
    # None: leave the stock as it is (orders may have lowered it since the form was shown).
    stock: Decimal | None


@retrying_atomic
def update_prices_and_stock(*, stall: Stall, actor, rows: list[PriceStock]) -> int:
    """Today's prices and stock of a stall in one go; returns how many prices changed."""
    require(actor, "markets.change_stall", stall)
    products = {
        p.pk: p
        for p in selectors.products_with_price([row.product_id for row in rows], for_update=True)
    }
    now = timezone.now()
    changed = 0
    for row in sorted(rows, key=lambda row: row.product_id):
        product = products.get(row.product_id)
        if product is None or product.stall_id != stall.pk:
            raise DomainError(
                MarketErrorCode.UNKNOWN_PRODUCT,
                gettext_noop("Product %(id)s is not sold by this stall."),
                id=row.product_id,
            )
        if row.price < 0 or row.price.as_tuple().exponent < -2 or row.price >= Decimal(10**8):
            raise DomainError(MarketErrorCode.INVALID_PRICE, product=product.name)
        if row.stock is not None and (row.stock < 0 or row.stock >= Decimal(10**7)):
            raise DomainError(MarketErrorCode.INVALID_STOCK, product=product.name)
        if row.stock is not None and row.stock % 1 != 0 and product.unit in ("piece", "bunch"):
            raise DomainError(
                MarketErrorCode.INVALID_STOCK,
                gettext_noop("%(product)s: the stock is counted in whole units."),
                product=product.name,
            )
        if product.current_price != row.price:
            ProductPrice.objects.create(
                product=product, price=row.price, valid_from=now, set_by=actor
            )
            changed += 1
        if row.stock is not None and product.stock != row.stock:
            Product.objects.filter(pk=product.pk).update(stock=row.stock)
    return changed


# Sizes are written in the language of the answer ("4.0 MB", "4,0 MB"), chosen at the edge.
_size_text = lazy(filesizeformat, str)


def _photo_bytes(upload) -> bytes:
    """The upload's bytes, refusing an oversized file before reading it into memory."""
    if upload is None:
        raise DomainError(MarketErrorCode.PHOTO_REQUIRED)
    limit = settings.MARKETS_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise DomainError(
            CommonErrorCode.PHOTO_TOO_LARGE, size=_size_text(upload.size), limit=_size_text(limit)
        )
    return upload.read()


def _checked_photo(upload) -> ProcessedPhoto:
    return process_photo(_photo_bytes(upload), max_bytes=settings.MARKETS_PHOTO_MAX_BYTES)


def _replace_photo(model, pk: int, processed: ProcessedPhoto | None, prefix: str):
    """Store the checked photo and its thumbnail on the row (or clear both), all or nothing.

    The files replaced are deleted only after the commit; new files are deleted if the row
    could not be saved.
    """

    def write():
        written = []
        try:
            obj = model.objects.select_for_update(no_key=True).get(pk=pk)
            old = [(f.storage, f.name) for f in (obj.photo, obj.photo_thumbnail) if f]
            if processed is None:
                obj.photo = obj.photo_thumbnail = ""
            else:
                stem = f"{prefix}-{hashlib.sha256(processed.public_jpeg).hexdigest()[:16]}"
                obj.photo.save(f"{stem}.jpg", ContentFile(processed.public_jpeg), save=False)
                written.append((obj.photo.storage, obj.photo.name))
                obj.photo_thumbnail.save(
                    f"{stem}-thumb.jpg", ContentFile(processed.thumbnail_jpeg), save=False
                )
                written.append((obj.photo_thumbnail.storage, obj.photo_thumbnail.name))
            obj.save(update_fields=["photo", "photo_thumbnail"])
            transaction.on_commit(lambda: [storage.delete(name) for storage, name in old])
        except Exception:
            for storage, name in written:
                storage.delete(name)
            raise
        return obj

    return run_atomic(write)


def set_product_photo(*, product: Product, upload, actor) -> Product:
    """Check a product photo (type by content, size, pixels), strip its metadata (EXIF, GPS),
    and store it with a thumbnail in place of the previous one."""
    require(actor, "markets.change_stall", product)
    processed = _checked_photo(upload)  # refuses before anything is written
    return _replace_photo(Product, product.pk, processed, f"product-{product.pk}")


def remove_product_photo(*, product: Product, actor) -> Product:
    require(actor, "markets.change_stall", product)
    return _replace_photo(Product, product.pk, None, "")


def set_market_photo(*, market: Market, upload, actor) -> Market:
    require(actor, "markets.change_market", market)
    processed = _checked_photo(upload)
    return _replace_photo(Market, market.pk, processed, f"market-{market.pk}")


def remove_market_photo(*, market: Market, actor) -> Market:
    require(actor, "markets.change_market", market)
    return _replace_photo(Market, market.pk, None, "")
