"""The shopper's cart, kept in the session: one cart per market, spanning its stalls."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest

from . import selectors
from .models import Market
from .quantities import format_decimal, line_total

CART_KEY = "markets_carts"


def cart_of(request: HttpRequest, market: Market) -> dict[str, dict[str, str]]:
    return request.session.get(CART_KEY, {}).get(market.slug, {})


def save_cart(request: HttpRequest, market: Market, cart: dict) -> None:
    carts = request.session.get(CART_KEY, {})
    if cart:
        carts[market.slug] = cart
    else:
        carts.pop(market.slug, None)
    request.session[CART_KEY] = carts


def cart_rows(market: Market, cart: dict) -> tuple[list[dict], Decimal]:
    """The lines still on sale, with today's price and the price the shopper saw."""
    products = {p.pk: p for p in selectors.products_with_price(int(k) for k in cart)}
    rows, total = [], Decimal("0.00")
    for key, item in cart.items():
        product = products.get(int(key))
        if product is None or product.current_price is None or not product.active:
            continue
        quantity = Decimal(item["q"])
        seen = Decimal(item["price"])
        amount = line_total(quantity, product.current_price)
        total += amount
        rows.append(
            {
                "product": product,
                "quantity": format_decimal(quantity),
                "quantity_value": quantity,
                "seen": seen,
                "price": product.current_price,
                "changed": seen != product.current_price,
                "amount": amount,
            }
        )
    rows.sort(key=lambda row: (row["product"].stall.name, row["product"].name))
    return rows, total
