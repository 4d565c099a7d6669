"""Shopper pages of the cart (add, edit quantities, remove) and the search across markets."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metropoli.common.domain_errors import message_of
from metropoli.common.params import whole_number
from metropoli.common.ratelimit import limit_anonymous_posts

from . import selectors
from .cart import cart_of, cart_rows, save_cart
from .quantities import QuantityError, SaleRule, format_quantity, parse_quantity, validate_quantity
from .services.checkout import quantity_error
from .views import market_or_404

MAX_QUERY = 100


def _rule(product) -> SaleRule:
    return SaleRule(product.unit, product.step, product.max_per_line)


@require_POST
@limit_anonymous_posts("markets-cart", limit="MARKETS_ANONYMOUS_CART_CHANGES_PER_HOUR", window=3600)
def cart_add(request, slug: str):
    """«Agregar» adds to what the cart already holds of the product, and says so."""
    market = market_or_404(slug)
    cart = dict(cart_of(request, market))
    product_id = whole_number(request.POST.get("product"))
    products = selectors.products_with_price([product_id] if product_id is not None else [])
    product = products[0] if products else None
    back = request.POST.get("next", "")
    target = back if back.startswith("/mercado/") and "//" not in back else None
    if product is None or product.stall.market_id != market.pk or product.current_price is None:
        messages.error(
            request,
            _("That product is not sold at %(market)s; a cart holds the products of one market.")
            % {"market": market.name},
        )
        return redirect(target) if target else redirect("markets:market", slug=slug)
    held = Decimal(cart[str(product.pk)]["q"]) if str(product.pk) in cart else Decimal(0)
    try:
        added = parse_quantity(request.POST.get("quantity", ""))
        validate_quantity(added, _rule(product))
        total = validate_quantity(held + added, _rule(product))
    except QuantityError as exc:
        messages.error(request, message_of(quantity_error(exc, product.name)))
        return redirect(target) if target else redirect("markets:market", slug=slug)
    cart[str(product.pk)] = {"q": str(total), "price": str(product.current_price)}
    save_cart(request, market, cart)
    if held:
        messages.success(
            request,
            _("%(product)s: %(added)s more, %(total)s in the cart now.")
            % {
                "product": product.name,
                "added": format_quantity(added, product.unit),
                "total": format_quantity(total, product.unit),
            },
        )
    else:
        messages.success(request, _("%(product)s added to the cart.") % {"product": product.name})
    return redirect(target) if target else redirect("markets:market", slug=slug)


def _render_cart(request, market, *, errors=None, typed=None, status=200):
    rows, total = cart_rows(market, cart_of(request, market))
    for row in rows:
        key = str(row["product"].pk)
        row["error"] = (errors or {}).get(key, "")
        row["typed"] = (typed or {}).get(key, row["quantity"])
    return render(
        request,
        "markets/cart.html",
        {
            "market": market,
            "rows": rows,
            "total": total,
            "changed": any(row["changed"] for row in rows),
            "has_errors": bool(errors),
        },
        status=status,
    )


def cart_view(request, slug: str):
    return _render_cart(request, market_or_404(slug))


@require_POST
@limit_anonymous_posts("markets-cart", limit="MARKETS_ANONYMOUS_CART_CHANGES_PER_HOUR", window=3600)
def cart_update(request, slug: str):
    """Change quantities (0 removes the line), remove a line, or accept today's prices."""
    market = market_or_404(slug)
    cart = dict(cart_of(request, market))
    if "remove" in request.POST:
        cart.pop(request.POST["remove"], None)
    if "accept_prices" in request.POST:
        rows, _total = cart_rows(market, cart)
        for row in rows:
            cart[str(row["product"].pk)]["price"] = str(row["price"])
    if "update_quantities" in request.POST:
        rows, _total = cart_rows(market, cart)
        errors, typed, changed = {}, {}, {}
        for row in rows:
            key = str(row["product"].pk)
            raw = request.POST.get(f"q_{key}")
            if raw is None:
                continue
            typed[key] = raw[:32]
            try:
                quantity = parse_quantity(raw)
                changed[key] = (
                    None if quantity == 0 else validate_quantity(quantity, _rule(row["product"]))
                )
            except QuantityError as exc:
                errors[key] = message_of(quantity_error(exc, row["product"].name))
        if errors:
            # Nothing changes until every quantity is right; each error is shown at its line.
            return _render_cart(request, market, errors=errors, typed=typed, status=400)
        for key, quantity in changed.items():
            if quantity is None:
                cart.pop(key, None)
            else:
                cart[key] = {**cart[key], "q": str(quantity)}
        messages.success(request, _("Quantities updated."))
    save_cart(request, market, cart)
    return redirect("markets:cart", slug=slug)


def search(request):
    """One search box across every market that sells online: markets and products."""
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    markets, products = selectors.search_everywhere(query)
    return render(
        request,
        "markets/search.html",
        {"query": query, "markets": markets, "products": products},
    )
