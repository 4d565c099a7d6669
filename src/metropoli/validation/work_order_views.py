"""Pages of one work order (plan, risk assessment, status with a note) and the queue's CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metropoli.common import exports
from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, is_forbidden, message_of, status_of
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop

from . import services, work_orders
from .forms import PlanForm, RiskForm, StatusForm
from .models import NEXT_STATUSES, Flag, WorkItem, WorkStatus


def _item_for(request: HttpRequest, item_id: int) -> WorkItem:
    item = get_object_or_404(
        WorkItem.objects.select_related("municipality", "assignee", "tree__species", "tree__site"),
        pk=item_id,
    )
    require(
        request,
        "validation.manage_queue",
        item.municipality,
        message=gettext_noop("Only municipal arborists and staff see the work queue."),
    )
    return item


def _next_statuses(item: WorkItem) -> list[str]:
    return [s for s in WorkStatus.values if s in NEXT_STATUSES[WorkStatus(item.status)]]


def _page(request: HttpRequest, item: WorkItem, status: int = 200, **forms) -> HttpResponse:
    user, municipality = request.user, item.municipality
    can_plan = user.has_perm("validation.plan_work", municipality)
    can_assess = user.has_perm("validation.assess_risk", municipality)
    closed = item.status == WorkStatus.REMOVED
    arborists = work_orders.arborists_of(municipality)
    plan = forms.get("plan") or PlanForm(
        initial={"assignee": item.assignee_id, "due_date": item.due_date, "cost": item.cost},
        arborists=arborists,
        auto_id="plan-%s",
    )
    assess = forms.get("assess") or RiskForm(auto_id="risk-%s")
    move = forms.get("move") or StatusForm(next_statuses=_next_statuses(item), auto_id="move-%s")
    return render(
        request,
        "validation/work_order.html",
        {
            "item": item,
            "tree": item.tree,
            "municipality": municipality,
            "flags": [Flag(flag).label for flag in item.flags],
            "plan_form": plan if can_plan and not closed else None,
            "risk_form": assess if can_assess and not closed else None,
            "status_form": move if _next_statuses(item) else None,
            "assessments": item.assessments.select_related("assessed_by")[:20],
            "changes": item.changes.select_related("changed_by").order_by("-changed_at", "-pk"),
        },
        status=status,
    )


@login_required
def work_order(request: HttpRequest, item_id: int) -> HttpResponse:
    return _page(request, _item_for(request, item_id))


def _refused(request, item, error: DomainError, name: str, form) -> HttpResponse:
    if is_forbidden(error):
        raise PermissionDenied(message_of(error)) from error
    add_to_form(form, error)
    return _page(request, item, status=status_of(error), **{name: form})


@login_required
@require_POST
def work_order_plan(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item_for(request, item_id)
    require(
        request,
        "validation.plan_work",
        item.municipality,
        message=gettext_noop("Only municipal staff assign work orders."),
    )
    form = PlanForm(
        request.POST, arborists=work_orders.arborists_of(item.municipality), auto_id="plan-%s"
    )
    if not form.is_valid():
        return _page(request, item, status=400, plan=form)
    try:
        work_orders.plan_work(
            item=item,
            planned_by=request.user,
            assignee_id=form.cleaned_data["assignee"],
            due_date=form.cleaned_data["due_date"],
            cost=form.cleaned_data["cost"],
        )
    except DomainError as error:
        return _refused(request, item, error, "plan", form)
    messages.success(request, _("Work order saved."))
    return redirect("validation:work_order", item_id=item.pk)


@login_required
@require_POST
def work_order_risk(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item_for(request, item_id)
    require(
        request,
        "validation.assess_risk",
        item.municipality,
        message=gettext_noop("Only the municipality's arborists assess the risk of its trees."),
    )
    form = RiskForm(request.POST, auto_id="risk-%s")
    if not form.is_valid():
        return _page(request, item, status=400, assess=form)
    try:
        assessment = work_orders.assess_risk(
            item=item, assessed_by=request.user, **form.cleaned_data
        )
    except DomainError as error:
        return _refused(request, item, error, "assess", form)
    messages.success(
        request,
        _("Risk assessment saved: %(rating)s.") % {"rating": assessment.get_rating_display()},
    )
    return redirect("validation:work_order", item_id=item.pk)


@login_required
@require_POST
def work_order_status(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item_for(request, item_id)
    form = StatusForm(request.POST, next_statuses=_next_statuses(item), auto_id="move-%s")
    if not form.is_valid():
        return _page(request, item, status=400, move=form)
    try:
        services.set_work_status(
            item=item,
            status=form.cleaned_data["status"],
            changed_by=request.user,
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        return _refused(request, item, error, "move", form)
    messages.success(request, _("Status updated."))
    return redirect("validation:work_order", item_id=item.pk)


CSV_COLUMNS = [
    "tree_id",
    "species",
    "dbh_cm",
    "lon",
    "lat",
    "address",
    "disease",
    "pest",
    "risk",
    "dead",
    "status",
    "status_label",
    "risk_rating",
    "risk_rating_label",
    "assignee",
    "due_date",
    "cost",
    "cost_currency",
    "reported_at",
    "updated_at",
]


def write_csv(response: HttpResponse, items) -> None:
    """One row per work order: each code beside its label in the active language."""
    writer = exports.csv_writer(response)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        tree = item.tree
        writer.writerow(
            [
                tree.pk,
                tree.species.scientific_name if tree.species_id else "",
                tree.dbh_cm if tree.dbh_cm is not None else "",
                f"{tree.site.location.x:.6f}",
                f"{tree.site.location.y:.6f}",
                tree.site.address,
                int(item.disease),
                int(item.pest),
                int(item.risk),
                int(item.dead),
                item.status,
                item.get_status_display(),
                item.risk_rating,
                item.get_risk_rating_display() if item.risk_rating else "",
                str(item.assignee) if item.assignee_id else "",
                item.due_date.isoformat() if item.due_date else "",
                f"{item.cost:.2f}" if item.cost is not None else "",
                item.cost_currency if item.cost is not None else "",
                item.reported_at.isoformat(),
                item.updated_at.isoformat(),
            ]
        )
