"""Mi Mercado pages: phone-first, no account needed to browse or to order."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metropoli.common.api import Forbidden, require
from metropoli.common.domain_errors import message_of, status_of
from metropoli.common.errors import DomainError
from metropoli.common.idempotency import Idempotency, caller_scope
from metropoli.common.params import whole_number
from metropoli.common.ratelimit import RateLimited, limit_anonymous_posts, limit_photo_uploads
from metropoli.notifications import services as notification_services

from . import forms, pilot_matrix, selectors
from .cart import cart_of, cart_rows, save_cart
from .limits import handover_attempts
from .models import Courier, Market, OrderPart, Product, Stall
from .services import catalogue, couriers, fulfilment, selection_matrix
from .services.checkout import CartLine, Contact, Destination, place_order
from .services.notifications import SOURCE

# --- shopper pages --------------------------------------------------------------------------


def home(request):
    markets = list(selectors.selling_markets())
    return render(
        request,
        "markets/home.html",
        {
            "markets": markets,
            "market_points": selectors.market_points(markets),
            "map_i18n": {"open": _("Open the market's page")},
        },
    )


def market_or_404(slug: str) -> Market:
    market = selectors.market_by_slug(slug)
    if market is None:
        raise Http404(_("There is no such market."))
    return market


def market_detail(request, slug: str):
    market = market_or_404(slug)
    stall = None
    stall_id = whole_number(request.GET.get("puesto"))
    if stall_id is not None:
        stall = get_object_or_404(Stall, pk=stall_id, market=market)
    query = request.GET.get("q", "")[:100]
    products = selectors.catalogue(market, stall=stall, query=query)
    cart = cart_of(request, market)
    return render(
        request,
        "markets/market.html",
        {
            "market": market,
            "stalls": selectors.stalls_of(market),
            "stall": stall,
            "query": query,
            "products": products,
            "cart_count": len(cart),
            "weekdays": selectors.weekday_names(market.open_weekdays),
        },
    )


@limit_anonymous_posts("markets-checkout", limit="MARKETS_ANONYMOUS_ORDERS_PER_HOUR", window=3600)
def checkout(request, slug: str):
    market = market_or_404(slug)
    cart = cart_of(request, market)
    rows, total = cart_rows(market, cart)
    if not rows:
        messages.info(request, _("The cart is empty."))
        return redirect("markets:market", slug=slug)
    initial = {"idempotency_key": uuid.uuid4().hex}
    if request.user.is_authenticated:
        initial |= {"name": request.user.display_name, "email": request.user.email}
    form = forms.CheckoutForm(market, request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placed = place_order(
                market=market,
                lines=[CartLine(int(k), v["q"], Decimal(v["price"])) for k, v in cart.items()],
                destination=Destination(
                    method=data["method"],
                    address=data.get("address", ""),
                    lon=data.get("lon"),
                    lat=data.get("lat"),
                    pickup_slot=data.get("pickup_slot", ""),
                    pickup_date=data.get("pickup_date"),
                ),
                contact=Contact(data["name"], data["phone"], data.get("email", "")),
                shopper=request.user,
                # The form's key, in this browser's scope (its session, or the signed-in person).
                idempotency=Idempotency(caller_scope(request), data["idempotency_key"]),
            )
        except DomainError as exc:
            error = exc
        else:
            save_cart(request, market, {})
            return redirect("markets:order", key=placed.order.access_key)
    return render(
        request,
        "markets/checkout.html",
        {
            "market": market,
            "rows": rows,
            "total": total,
            "form": form,
            "error": error,
            "error_message": message_of(error) if error is not None else "",
        },
        status=400 if error is not None or (request.method == "POST" and form.errors) else 200,
    )


def order_detail(request, key):
    order = selectors.order_by_access_key(key)
    if order is None:
        raise Http404(_("There is no such order."))
    lines = selectors.order_lines(order)
    return render(
        request,
        "markets/order.html",
        {
            "order": order,
            "lines": lines,
            "events": order.events.all(),
            "can_cancel": order.status == "placed"
            and all(line.part.status == "pending" for line in lines),
        },
    )


@require_POST
@limit_anonymous_posts("markets-cancel", limit="MARKETS_ANONYMOUS_CANCELS_PER_HOUR", window=3600)
def order_cancel(request, key):
    order = selectors.order_by_access_key(key)
    if order is None:
        raise Http404(_("There is no such order."))
    if order.shopper_id is not None:
        require(request, "markets.cancel_order", order)
    try:
        fulfilment.cancel_order(
            order=order, actor=request.user if request.user.is_authenticated else None
        )
        messages.success(request, _("The order was cancelled."))
    except DomainError as exc:
        messages.error(request, message_of(exc))
    return redirect("markets:order", key=key)


# --- vendor ---------------------------------------------------------------------------------


@login_required
def vendor_home(request):
    stalls = list(selectors.stalls_of_person(request.user))
    if len(stalls) == 1:
        return redirect("markets:stall_dashboard", stall_id=stalls[0].pk)
    return render(request, "markets/vendor_home.html", {"stalls": stalls})


def _stall_for(request, stall_id: int) -> Stall:
    stall = get_object_or_404(Stall.objects.select_related("market__municipality"), pk=stall_id)
    require(request, "markets.change_stall", stall)
    return stall


@login_required
def stall_dashboard(request, stall_id: int):
    stall = _stall_for(request, stall_id)
    products = selectors.stall_products(stall)
    form = forms.InventoryForm(products, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = catalogue.update_prices_and_stock(
                    stall=stall, actor=request.user, rows=form.rows()
                )
            except DomainError as exc:
                messages.error(request, message_of(exc))
                status = 400
            else:
                messages.success(
                    request,
                    _("Saved. %(count)s prices changed.") % {"count": changed},
                )
                return redirect("markets:stall_dashboard", stall_id=stall.pk)
        else:
            status = 400
    return _render_dashboard(request, stall, products, form, status=status)


def _render_dashboard(request, stall, products, form, *, status=200, photo_error=None):
    return render(
        request,
        "markets/stall_dashboard.html",
        {
            "stall": stall,
            "form": form,
            "products": products,
            # (product id, message) of a refused photo, shown next to that product's field.
            "photo_error": photo_error,
            "photo_limit": settings.MARKETS_PHOTO_MAX_BYTES,
            "parts": selectors.incoming_parts(stall),
            "sales": selectors.daily_sales(stall),
        },
        status=status,
    )


@login_required
@require_POST
def product_photo(request, stall_id: int, product_id: int):
    """Upload or remove a product's photo from the stall dashboard."""
    stall = _stall_for(request, stall_id)
    product = get_object_or_404(Product, pk=product_id, stall=stall)
    require(request, "markets.change_stall", product)
    if "remove" not in request.POST:
        limit_photo_uploads(request)
    try:
        if "remove" in request.POST:
            catalogue.remove_product_photo(product=product, actor=request.user)
            messages.success(
                request, _("Photo of %(product)s removed.") % {"product": product.name}
            )
        else:
            catalogue.set_product_photo(
                product=product, upload=request.FILES.get("photo"), actor=request.user
            )
            messages.success(request, _("Photo of %(product)s saved.") % {"product": product.name})
    except DomainError as exc:
        products = selectors.stall_products(stall)
        return _render_dashboard(
            request,
            stall,
            products,
            forms.InventoryForm(products),
            status=status_of(exc),
            photo_error=(product.pk, message_of(exc)),
        )
    return redirect(f"{reverse('markets:stall_dashboard', kwargs={'stall_id': stall.pk})}#photos")


@login_required
@require_POST
def part_action(request, part_id: int, action: str):
    part = get_object_or_404(
        OrderPart.objects.select_related("stall__market__municipality", "order"), pk=part_id
    )
    require(request, "markets.handle_order_part", part)
    try:
        if action == "accept":
            fulfilment.accept_part(part=part, actor=request.user)
        elif action == "reject":
            fulfilment.reject_part(
                part=part, actor=request.user, reason=request.POST.get("reason", "")
            )
        elif action == "ready":
            fulfilment.mark_part_ready(part=part, actor=request.user)
        elif action == "collected":
            require(request, "markets.confirm_pickup", part.order)
            with handover_attempts(request, part.order):
                fulfilment.confirm_pickup(
                    order=part.order, actor=request.user, code=request.POST.get("code", "")
                )
        else:
            raise Http404
        messages.success(request, _("Order %(number)s updated.") % {"number": part.order.number})
    except (RateLimited, Forbidden):
        raise  # 429, 403 (common.domain_errors.DomainErrorsMiddleware)
    except DomainError as exc:
        messages.error(request, message_of(exc))
    return redirect("markets:stall_dashboard", stall_id=part.stall_id)


# --- couriers -------------------------------------------------------------------------------


@login_required
def courier_home(request):
    form = forms.CourierForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                couriers.register_courier(
                    user=request.user,
                    market=data["market"],
                    kind=data["kind"],
                    phone=data["phone"],
                    organisation=data["organisation"],
                    route=data["route"],
                    route_buffer_m=data["route_buffer_m"] or 500,
                )
            except DomainError as exc:
                messages.error(request, message_of(exc))
                status = 400
            else:
                messages.success(
                    request, _("Registered. The market staff will review your registration.")
                )
                return redirect("markets:courier")
        else:
            status = 400
    registrations = [
        {
            "courier": courier,
            "open": selectors.open_deliveries(courier),
            "mine": selectors.my_deliveries(courier),
        }
        for courier in selectors.couriers_of(request.user)
    ]
    return render(
        request,
        "markets/courier.html",
        {"form": form, "registrations": registrations},
        status=status,
    )


@login_required
@require_POST
def courier_action(request, courier_id: int, public_id, action: str):
    courier = get_object_or_404(Courier.objects.select_related("market"), pk=courier_id)
    require(request, "markets.take_delivery", courier)
    order = selectors.order_by_public_id(public_id)
    if order is None:
        raise Http404
    try:
        if action == "take":
            couriers.take_delivery(order=order, courier=courier, actor=request.user)
        else:
            require(request, "markets.deliver_order", order)
            if action == "start":
                couriers.start_delivery(order=order, actor=request.user)
            elif action == "deliver":
                with handover_attempts(request, order):
                    couriers.confirm_delivery(
                        order=order, actor=request.user, code=request.POST.get("code", "")
                    )
            else:
                raise Http404
        messages.success(request, _("Order %(number)s updated.") % {"number": order.number})
    except (RateLimited, Forbidden):
        raise  # 429, 403 (common.domain_errors.DomainErrorsMiddleware)
    except DomainError as exc:
        messages.error(request, message_of(exc))
    return redirect("markets:courier")


# --- market administration ------------------------------------------------------------------


def _market_for_staff(request, slug: str) -> Market:
    market = get_object_or_404(Market.objects.select_related("municipality"), slug=slug)
    require(request, "markets.view_market_orders", market)
    return market


def _market_admin_page(request, market: Market, *, photo_error: DomainError | None = None):
    return render(
        request,
        "markets/market_admin.html",
        {
            "market": market,
            "couriers": selectors.pending_couriers(market),
            "orders": selectors.market_orders(market),
            "pickup_load": selectors.pickup_load(market),
            "weekdays": selectors.weekday_names(market.open_weekdays),
            "can_change": request.user.has_perm("markets.change_market", market),
            "waiting": selectors.waiting_parts(market),
            "can_act": request.user.has_perm("markets.act_for_stall", market),
            "photo_error": message_of(photo_error) if photo_error else "",
            "photo_limit": settings.MARKETS_PHOTO_MAX_BYTES,
        },
        status=status_of(photo_error) if photo_error else 200,
    )


@login_required
@require_POST
def market_photo(request, slug: str):
    market = _market_for_staff(request, slug)
    require(request, "markets.change_market", market)
    if "remove" not in request.POST:
        limit_photo_uploads(request)
    try:
        if "remove" in request.POST:
            catalogue.remove_market_photo(market=market, actor=request.user)
            messages.success(request, _("Photo of the market removed."))
        else:
            catalogue.set_market_photo(
                market=market, upload=request.FILES.get("photo"), actor=request.user
            )
            messages.success(request, _("Photo of the market saved."))
    except DomainError as exc:
        return _market_admin_page(request, market, photo_error=exc)
    return redirect("markets:market_admin", slug=slug)


@login_required
def market_admin(request, slug: str):
    market = _market_for_staff(request, slug)
    if request.method == "POST":
        courier_id = whole_number(request.POST.get("courier"))
        if courier_id is None:
            raise Http404
        courier = get_object_or_404(Courier, pk=courier_id, market=market)
        require(request, "markets.approve_courier", courier)
        couriers.decide_courier(
            courier=courier, actor=request.user, approve=request.POST.get("decision") == "approve"
        )
        messages.success(request, _("Decision saved."))
        return redirect("markets:market_admin", slug=slug)
    return _market_admin_page(request, market)


@login_required
def notifications(request):
    items = list(notification_services.of(request.user, SOURCE)[:50])
    if request.method == "POST":
        notification_services.mark_read(request.user, SOURCE)
        return redirect("markets:notifications")
    return render(request, "markets/notifications.html", {"items": items})


# --- pilot-market selection -----------------------------------------------------------------


def selection_view(request):
    can_edit = request.user.has_perm("markets.manage_selection")
    form = None
    status = 200
    if can_edit:
        form = forms.SelectionForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                selection_matrix.save_selection_matrix(changes=form.changes())
                messages.success(request, _("Matrix saved."))
                return redirect("markets:selection")
            status = 400
    elif request.method == "POST":
        require(request, "markets.manage_selection")
    return render(
        request,
        "markets/selection.html",
        {"analysis": pilot_matrix.analyse(), "form": form, "can_edit": can_edit},
        status=status,
    )


def selection_chart(request) -> HttpResponse:
    return HttpResponse(
        pilot_matrix.chart_svg(pilot_matrix.analyse()), content_type="image/svg+xml"
    )
