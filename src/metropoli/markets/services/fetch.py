"""What a checkout reads, read once and handed to each step (as Saleor's `checkout/fetch.py`).

The steps of `checkout.place_order` (contact, destination, lines, order rows, pickup place,
stock) take a `CheckoutInfo` instead of reading the market's calendar, the clock or the cart's
products again. It is fetched inside the checkout's transaction, so a retried run (decision
0045) fetches afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .. import selectors
from ..models import Market, Product, Stall
from ..pickup import Calendar


@dataclass(frozen=True)
class CartLine:
    product_id: int
    quantity: str | Decimal | int
    # The price the shopper saw; a different price in force stops the checkout.
    seen_unit_price: Decimal | None = None


@dataclass(frozen=True)
class CheckoutLine:
    """A cart line and its product with today's price (None: no such product)."""

    line: CartLine
    product: Product | None


@dataclass(frozen=True)
class CheckoutInfo:
    market: Market
    lines: list[CheckoutLine]
    calendar: Calendar
    # The market's wall-clock time when the checkout started (selectors.local_now).
    now: datetime

    @property
    def stalls(self) -> dict[int, Stall]:
        """The stalls of the cart's products, by id."""
        return {
            line.product.stall_id: line.product.stall
            for line in self.lines
            if line.product is not None
        }


def fetch_checkout_info(market: Market, lines: list[CartLine]) -> CheckoutInfo:
    """The cart's products with today's price and their stalls (one query), the market's
    pickup calendar and the time."""
    products = {p.pk: p for p in selectors.products_with_price(line.product_id for line in lines)}
    return CheckoutInfo(
        market=market,
        lines=[CheckoutLine(line, products.get(line.product_id)) for line in lines],
        calendar=selectors.pickup_calendar(market),
        now=selectors.local_now(),
    )
