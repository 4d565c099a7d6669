"""Set-up pages of Mi Mercado: municipal staff open markets; market staff set them up (stalls,
their people and products, opening days, pickup slots, staff) and answer for silent stalls."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metropoli.accounts.forms import PersonForm
from metropoli.common.api import require
from metropoli.common.domain_errors import message_of, status_of
from metropoli.common.errors import DomainError
from metropoli.common.params import whole_number
from metropoli.common.ratelimit import limit_photo_uploads

from . import selectors, setup_forms
from .models import Market, OrderPart, Product, Stall
from .rules import is_staff_somewhere
from .services import deadlines, setup


@login_required
def manage_home(request):
    """The markets this person sets up, and a new market for municipal staff."""
    return render(
        request,
        "markets/setup_home.html",
        {
            "markets": selectors.markets_managed_by(request.user),
            "can_create": is_staff_somewhere(request.user),
        },
    )


@login_required
def market_create(request):
    if not is_staff_somewhere(request.user):
        raise PermissionDenied
    form = setup_forms.MarketCreateForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require(request, "markets.add_market", data["municipality"])
        market = setup.create_market(
            data=setup.NewMarket(
                municipality=data["municipality"],
                name=data["name"],
                slug=data["slug"],
                address=data["address"],
                lon=data["lon"],
                lat=data["lat"],
                opening_hours=data["opening_hours"],
                description=data["description"],
            ),
            actor=request.user,
        )
        messages.success(request, _("Market %(market)s created.") % {"market": market.name})
        return redirect("markets:setup", slug=market.slug)
    return render(
        request,
        "markets/setup_market_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _market_to_set_up(request, slug: str) -> Market:
    market = get_object_or_404(Market.objects.select_related("municipality"), slug=slug)
    require(request, "markets.setup_market", market)
    return market


def _setup_page(request, market, *, settings_form=None, stall_form=None, staff_form=None,
                link=None, status=200):  # fmt: skip
    return render(
        request,
        "markets/setup_market.html",
        {
            "market": market,
            "settings_form": settings_form or setup_forms.MarketSettingsForm(instance=market),
            "stall_form": stall_form or setup_forms.StallForm(prefix="stall"),
            "staff_form": staff_form or PersonForm(prefix="staff"),
            "stalls": selectors.setup_stalls(market),
            "staff": market.staff.select_related("user").order_by("user__display_name"),
            "activation_link": link,
        },
        status=status,
    )


@login_required
def market_setup(request, slug: str):
    market = _market_to_set_up(request, slug)
    if request.method != "POST":
        return _setup_page(request, market)
    form = setup_forms.MarketSettingsForm(request.POST, instance=Market.objects.get(pk=market.pk))
    if not form.is_valid():
        return _setup_page(request, market, settings_form=form, status=400)
    setup.update_market(
        market=market,
        fields={name: form.cleaned_data[name] for name in form.Meta.fields},
        actor=request.user,
    )
    messages.success(request, _("Market settings saved."))
    return redirect("markets:setup", slug=slug)


@login_required
@require_POST
def stall_add(request, slug: str):
    market = _market_to_set_up(request, slug)
    form = setup_forms.StallForm(request.POST, prefix="stall")
    if not form.is_valid():
        return _setup_page(request, market, stall_form=form, status=400)
    stall = setup.add_stall(market=market, fields=form.cleaned_data, actor=request.user)
    messages.success(
        request,
        _("Stall %(stall)s added. Now add who runs it and its products.") % {"stall": stall.name},
    )
    return redirect("markets:setup_stall", slug=slug, stall_id=stall.pk)


def _runs(where: str):
    return lambda added: _("%(name)s now runs %(where)s.") % {"name": added.person, "where": where}


@login_required
@require_POST
def staff_add(request, slug: str):
    market = _market_to_set_up(request, slug)
    form = PersonForm(request.POST, prefix="staff")
    service = partial(setup.add_market_staff, market=market, actor=request.user)
    added = form.added(request, service, said=_runs(market.name)) if form.is_valid() else None
    if added is None:
        return _setup_page(request, market, staff_form=form, status=400)
    if added.link:
        return _setup_page(request, market, link=added.link)
    return redirect("markets:setup", slug=slug)


@login_required
@require_POST
def staff_remove(request, slug: str):
    market = _market_to_set_up(request, slug)
    person = whole_number(request.POST.get("person"))
    if person is None:
        raise Http404
    if person == request.user.pk:
        messages.error(request, _("Another staff member has to remove you."))
    else:
        setup.remove_market_staff(market=market, person_id=int(person), actor=request.user)
        messages.success(request, _("Removed from the market staff."))
    return redirect("markets:setup", slug=slug)


def _stall_to_set_up(request, slug: str, stall_id: int) -> Stall:
    market = _market_to_set_up(request, slug)
    return get_object_or_404(Stall.objects.select_related("market"), pk=stall_id, market=market)


def _stall_page(request, stall, *, stall_form=None, person_form=None, product_form=None,
                link=None, status=200):  # fmt: skip
    initial = {f: getattr(stall, f) for f in setup_forms.StallForm.base_fields}
    return render(
        request,
        "markets/setup_stall.html",
        {
            "market": stall.market,
            "stall": stall,
            "stall_form": stall_form or setup_forms.StallForm(initial=initial, prefix="stall"),
            "person_form": person_form or PersonForm(prefix="person"),
            "product_form": product_form or setup_forms.ProductForm(prefix="product"),
            "members": stall.members.select_related("user").order_by("user__display_name"),
            "products": selectors.stall_products(stall),
            "activation_link": link,
        },
        status=status,
    )


@login_required
def stall_setup(request, slug: str, stall_id: int):
    stall = _stall_to_set_up(request, slug, stall_id)
    if request.method != "POST":
        return _stall_page(request, stall)
    form = setup_forms.StallForm(request.POST, prefix="stall")
    if not form.is_valid():
        return _stall_page(request, stall, stall_form=form, status=400)
    setup.update_stall(stall=stall, fields=form.cleaned_data, actor=request.user)
    messages.success(request, _("Stall saved."))
    return redirect("markets:setup_stall", slug=slug, stall_id=stall.pk)


@login_required
@require_POST
def stall_person_add(request, slug: str, stall_id: int):
    stall = _stall_to_set_up(request, slug, stall_id)
    form = PersonForm(request.POST, prefix="person")
    service = partial(setup.add_stall_member, stall=stall, actor=request.user)
    added = form.added(request, service, said=_runs(stall.name)) if form.is_valid() else None
    if added is None:
        return _stall_page(request, stall, person_form=form, status=400)
    if added.link:
        return _stall_page(request, stall, link=added.link)
    return redirect("markets:setup_stall", slug=slug, stall_id=stall.pk)


@login_required
@require_POST
def stall_person_remove(request, slug: str, stall_id: int):
    stall = _stall_to_set_up(request, slug, stall_id)
    person = whole_number(request.POST.get("person"))
    if person is None:
        raise Http404
    setup.remove_stall_member(stall=stall, person_id=person, actor=request.user)
    messages.success(request, _("Removed from the stall."))
    return redirect("markets:setup_stall", slug=slug, stall_id=stall.pk)


@login_required
@require_POST
def product_add(request, slug: str, stall_id: int):
    stall = _stall_to_set_up(request, slug, stall_id)
    form = setup_forms.ProductForm(request.POST, request.FILES, prefix="product")
    if not form.is_valid():
        return _stall_page(request, stall, product_form=form, status=400)
    data = form.cleaned_data
    photo = data.pop("photo", None)
    if photo:
        limit_photo_uploads(request)
    try:
        product = setup.add_product(
            stall=stall, data=setup.NewProduct(**data), photo=photo or None, actor=request.user
        )
    except DomainError as exc:
        form.add_error("photo", message_of(exc))
        return _stall_page(request, stall, product_form=form, status=status_of(exc))
    messages.success(request, _("%(product)s is on sale.") % {"product": product.name})
    return redirect("markets:setup_stall", slug=slug, stall_id=stall.pk)


@login_required
def product_edit(request, slug: str, stall_id: int, product_id: int):
    stall = _stall_to_set_up(request, slug, stall_id)
    product = get_object_or_404(Product, pk=product_id, stall=stall)
    form = setup_forms.ProductEditForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        setup.update_product(product=product, fields=form.cleaned_data, actor=request.user)
        messages.success(request, _("%(product)s saved.") % {"product": product.name})
        return redirect("markets:setup_stall", slug=slug, stall_id=stall.pk)
    return render(
        request,
        "markets/setup_product.html",
        {"market": stall.market, "stall": stall, "product": product, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def act_for_stall(request, slug: str, part_id: int, action: str):
    """Market staff accept or refuse a silent stall's part; the order history records it."""
    market = get_object_or_404(Market, slug=slug)
    part = get_object_or_404(
        OrderPart.objects.select_related("stall__market__municipality", "order"),
        pk=part_id,
        stall__market=market,
    )
    if action not in ("accept", "reject"):
        raise Http404
    require(request, "markets.act_for_stall", part)
    try:
        deadlines.answer_for_stall(
            part=part,
            actor=request.user,
            accept=action == "accept",
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request,
            _("Answered for %(stall)s on order %(number)s.")
            % {"stall": part.stall.name, "number": part.order.number},
        )
    except DomainError as exc:
        messages.error(request, message_of(exc))
    return redirect("markets:market_admin", slug=slug)
