"""Pages: Treender, my records' feedback, the municipal work queue (+ CSV) and the dashboard."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from metropoli.common.api import require
from metropoli.common.domain_errors import is_forbidden, message_of
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.territory.models import Role
from metropoli.territory.selectors import municipalities_where
from metropoli.trees.models import Tree
from metropoli.trees.selectors import species_catalogue

from . import selectors, services
from .models import NEXT_STATUSES, RISK_RATINGS, Flag, WorkItem, WorkStatus
from .tiles import parse_queue_filters
from .work_order_views import write_csv

RISK_RATING_CODES = {code for code, _label in RISK_RATINGS}


@login_required
def treender(request: HttpRequest) -> HttpResponse:
    reviewing = municipalities_where(request.user, Role.CERTIFIED_EXPERT, Role.ARBORIST)
    tree = selectors.next_card(request.user)
    card = selectors.card_for(tree, request.user) if tree else None
    return render(
        request,
        "validation/treender.html",
        {
            "can_review": reviewing.exists(),
            "municipalities": reviewing,
            "card": card,
            "card_center": f"{card.lon},{card.lat}" if card else "",
            "species": species_catalogue().only("code", "common_name_es", "scientific_name"),
            "flags": Flag.choices,
            "texts": {
                "needsReason": _("Write the reason first."),
                "needsFlag": _("Choose at least one problem."),
                "voted": _("Vote recorded."),
                "decided": _("Decided:"),
                "escalated": _("The experts disagree: an arborist will decide."),
                "unknownError": _("Something went wrong. Try again."),
                "unknownSpecies": _("Unknown species"),
            },
        },
    )


@login_required
@require_POST
def vote_form(request: HttpRequest, tree_id: int) -> HttpResponse:
    """The same vote as the API, for browsers without JavaScript."""
    tree = get_object_or_404(Tree, pk=tree_id)
    try:
        services.cast_vote(
            tree=tree,
            voter=request.user,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            corrected_species_code=request.POST.get("corrected_species") or None,
            corrected_dbh_cm=request.POST.get("corrected_dbh_cm") or None,
            flags=request.POST.getlist("flags"),
        )
    except DomainError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("Thank you: your vote was recorded."))
    return redirect("validation:treender")


@login_required
def my_records(request: HttpRequest) -> HttpResponse:
    notes = list(selectors.notifications_for(request.user)[:100])
    entries = [
        {
            "note": note,
            "decision": note.about,
            "lines": selectors.feedback_summary(note.about),
            "lesson_url": selectors.lesson_url(selectors.lesson_of(note)),
            "unread": note.read_at is None,
        }
        for note in notes
    ]
    if request.method == "POST":
        # Read when the person says so: a GET (a link preview, a prefetch) changes nothing.
        services.mark_notifications_read(user=request.user)
        return redirect("validation:my_records")
    return render(
        request,
        "validation/my_records.html",
        {"entries": entries, "unread": sum(entry["unread"] for entry in entries)},
    )


def _queue_municipality(request: HttpRequest):
    allowed = selectors.queue_municipalities(request.user)
    code = request.GET.get("municipality") or request.POST.get("municipality")
    municipality = allowed.filter(inegi_code=code).first() if code else allowed.first()
    if municipality is None or not request.user.has_perm("validation.manage_queue", municipality):
        raise PermissionDenied(_("Only municipal arborists and staff see the work queue."))
    return municipality, allowed


def _queue_items(request: HttpRequest, municipality):
    try:
        filters = parse_queue_filters(request.GET)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        filters = {"flags": (), "statuses": ()}
    # Work orders (decision 0072): by risk rating, and "assigned to me".
    filters["ratings"] = tuple(r for r in request.GET.getlist("rating") if r in RISK_RATING_CODES)
    filters["mine"] = request.GET.get("mine") == "1"
    return (
        selectors.work_items(
            municipality=municipality,
            flags=filters["flags"],
            statuses=filters["statuses"],
            ratings=filters["ratings"],
            assignee=request.user if filters["mine"] else None,
        ),
        filters,
    )


@login_required
def work_queue(request: HttpRequest) -> HttpResponse:
    municipality, allowed = _queue_municipality(request)
    items, filters = _queue_items(request, municipality)
    rows = [
        {
            "item": item,
            "next": [
                WorkStatus(s)
                for s in WorkStatus.values
                if s in NEXT_STATUSES[WorkStatus(item.status)]
            ],
        }
        for item in items[:500]
    ]
    query = request.GET.copy()
    query["municipality"] = municipality.inegi_code
    return render(
        request,
        "validation/work_queue.html",
        {
            "municipality": municipality,
            "municipalities": allowed,
            "rows": rows,
            "flags": Flag.choices,
            "statuses": WorkStatus.choices,
            "chosen_flags": filters["flags"],
            "chosen_statuses": filters["statuses"],
            "ratings": RISK_RATINGS,
            "chosen_ratings": filters["ratings"],
            "mine": filters["mine"],
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def work_status(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(WorkItem, pk=item_id)
    try:
        services.set_work_status(
            item=item,
            status=request.POST.get("status", ""),
            changed_by=request.user,
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        if is_forbidden(error):
            raise PermissionDenied(message_of(error)) from error
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("Status updated."))
    return redirect(
        reverse("validation:work_queue") + f"?municipality={item.municipality.inegi_code}"
    )


@login_required
def work_queue_csv(request: HttpRequest) -> HttpResponse:
    municipality, _allowed = _queue_municipality(request)
    require(
        request,
        "validation.export_work_orders",
        municipality,
        message=gettext_noop("Only municipal arborists and staff see the work queue."),
    )
    items, _filters = _queue_items(request, municipality)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="cola-arbolado-{municipality.inegi_code}.csv"'
    )
    write_csv(response, items)
    return response


class PolicyForm(forms.Form):
    """A municipality's consensus policy (validation.models.ConsensusPolicy), with bounds."""

    arborist_decides_alone = forms.BooleanField(
        label=gettext_lazy("A municipal arborist decides alone"),
        help_text=gettext_lazy("When off, arborists' votes count like experts' votes."),
        required=False,
    )
    agreeing_votes = forms.IntegerField(
        label=gettext_lazy("Agreeing expert votes needed"), min_value=1, max_value=20
    )
    minimum_weight = forms.FloatField(
        label=gettext_lazy("Minimum summed weight"),
        help_text=gettext_lazy(
            "Each voter weighs between 0 and 1 (their track record); the agreeing votes' weights "
            "must add up to at least this."
        ),
        min_value=0,
        max_value=20,
    )


@login_required
def policy(request: HttpRequest, code: str) -> HttpResponse:
    """/arbol/treender/reglas/<municipality>/: how the municipality's records are decided."""
    municipality = (
        municipalities_where(request.user, Role.MUNICIPAL_STAFF).filter(inegi_code=code).first()
    )
    if municipality is None or not request.user.has_perm("validation.change_policy", municipality):
        raise PermissionDenied(_("Only municipal staff change how their records are decided."))
    current = services.policy_for(municipality)
    initial = {
        "arborist_decides_alone": current.arborist_decides_alone,
        "agreeing_votes": current.agreeing_votes,
        "minimum_weight": current.minimum_weight,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_policy(by=request.user, municipality=municipality, **form.cleaned_data)
        messages.success(request, _("Saved. The next vote on each record follows these rules."))
        return redirect("validation:policy", code=code)
    return render(
        request,
        "validation/policy.html",
        {"municipality": municipality, "form": form, "own": current.pk is not None},
        status=400 if form.errors else 200,
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    allowed = municipalities_where(request.user, Role.MUNICIPAL_STAFF, Role.ARBORIST)
    code = request.GET.get("municipality")
    municipality = allowed.filter(inegi_code=code).first() if code else allowed.first()
    if municipality is None or not request.user.has_perm("validation.view_dashboard", municipality):
        raise PermissionDenied(_("Only municipal staff and arborists see the dashboard."))
    return render(
        request,
        "validation/dashboard.html",
        {
            "municipality": municipality,
            "municipalities": allowed,
            "can_change_policy": request.user.has_perm("validation.change_policy", municipality),
            # Aggregates over every record (~0.6 s at 40,000 records): a minute old is fine.
            "board": cache.get_or_set(
                f"validation:dashboard:{municipality.pk}",
                lambda: selectors.dashboard(municipality),
                60,
            ),
        },
    )
