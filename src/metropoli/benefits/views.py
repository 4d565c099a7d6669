"""Pages: the summary for any filter, a tree's benefits card, and the municipal settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, message_of
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.territory.models import Municipality
from metropoli.trees.filters import parse as parse_filters
from metropoli.trees.models import Condition, Species, ValidationState

from . import data, results, selectors, services, species_filter
from .charts import bar_chart
from .forms import OverrideForm, SettingsForm
from .models import BenefitStatus, SpeciesOverride
from .presentation import bucket_payload, tree_payload
from .units import IMPERIAL, METRIC, unit_system

CHART_ROWS = 12
# Filters of the tree map that the summary's form has no field for: carried along unchanged.
CARRIED_FILTERS = ("bbox", "recorded_by", "since", "until")


def _toggle_query(request, system: str) -> str:
    params = request.GET.copy()
    params["units"] = IMPERIAL if system == METRIC else METRIC
    return params.urlencode()


def summary(request):
    system = unit_system(request.GET.get("units"))
    context = {
        "units": system,
        "toggle_query": _toggle_query(request, system),
        "municipalities": Municipality.objects.filter(active=True),
        "conditions": Condition.choices,
        "validation_states": ValidationState.choices,
        "species_options": species_filter.species_with_trees(),
        "params": request.GET,
        "species_text": request.GET.get("species", ""),
        "carried": [(k, request.GET[k]) for k in CARRIED_FILTERS if request.GET.get(k)],
        "installed": data.data_installed(),
        "install_message": data.install_message(),
    }
    if request.user.is_authenticated:
        context["editable"] = [
            m
            for m in context["municipalities"]
            if request.user.has_perm("benefits.change_settings", m)
        ]
    try:
        # Species come as names or codes; the tree filters (and the map link) take codes.
        params = request.GET.copy()
        params["species"] = species_filter.resolve(request.GET.get("species", ""))
        filters = parse_filters(params)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "benefits/summary.html", context, status=400)
    context["map_url"] = reverse("trees:home") + f"?{filters.query_string()}"
    if filters.species_ids:
        chosen = Species.objects.filter(pk__in=filters.species_ids).order_by("scientific_name")
        context["species_chosen"] = chosen
        # Codes (from the map's link) are shown as names; they resolve back to the same codes.
        names = [str(s) for s in chosen] + (["unknown"] if filters.unknown_species else [])
        context["species_text"] = ", ".join(names)
    if not context["installed"]:
        return render(request, "benefits/summary.html", context, status=503)
    result = selectors.summarise(filters)
    totals = bucket_payload(result.overall, system)
    species = [bucket_payload(b, system) for b in result.by_species]
    municipalities = [bucket_payload(b, system) for b in result.by_municipality]
    estimate = None
    if 0 < totals["computed"] < totals["total"]:
        estimate = totals["money_yearly"] * totals["total"] / totals["computed"]
    labels = dict(BenefitStatus.choices) | {"pending": _("Waiting to be computed")}
    context.update(
        reasons=[(labels.get(k, k), n) for k, n in totals["not_computed"].items()],
        totals=totals,
        by_species=species,
        by_municipality=municipalities,
        estimate=estimate,
        chart_species=mark_safe(  # noqa: S308 - built with html.escape
            bar_chart(
                [(b["label"], b["money_yearly"]) for b in species[:CHART_ROWS]],
                title=_("Yearly value by species (MXN)"),
                unit="MXN",
            )
        ),
        chart_municipalities=mark_safe(  # noqa: S308 - built with html.escape
            bar_chart(
                [(b["label"], b["money_yearly"]) for b in municipalities],
                title=_("Yearly value by municipality (MXN)"),
                unit="MXN",
            )
        ),
    )
    return render(request, "benefits/summary.html", context)


def tree_context(request, tree) -> dict:
    system = unit_system(request.GET.get("units") if request is not None else None)
    context = {"tree": tree, "units": system, "install_message": data.install_message()}
    if not data.data_installed():
        context["installed"] = False
        return context
    benefit, stored = selectors.current_benefit(tree)
    context.update(installed=True, benefit=tree_payload(tree.pk, benefit, system, stored=stored))
    return context


def tree_card(request, tree_id: int):
    """The benefits block of one tree as an HTML fragment (for the map sidebar)."""
    tree = selectors.tree_for_benefits(tree_id)
    if tree is None:
        raise Http404(_("There is no tree %(id)s.") % {"id": tree_id})
    return render(request, "benefits/_tree_benefits.html", tree_context(request, tree))


def _municipality_for_staff(request, code: str) -> Municipality:
    municipality = Municipality.objects.filter(inegi_code=code).first()
    if municipality is None:
        raise Http404(_("Unknown municipality."))
    require(
        request,
        "benefits.change_settings",
        municipality,
        message=gettext_noop("Only the municipality's staff can change these settings."),
    )
    return municipality


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request, code: str):
    municipality = _municipality_for_staff(request, code)
    current = results.settings_of(municipality)
    if not data.data_installed():
        return render(
            request,
            "benefits/settings.html",
            {
                "municipality": municipality,
                "installed": False,
                "install_message": data.install_message(),
            },
            status=503,
        )
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        rates = None
        if not form.cleaned_data["use_defaults"]:
            rates = {name: form.cleaned_data[name] for name in data.RATE_FIELDS}
        try:
            services.update_settings(
                municipality=municipality,
                region=form.cleaned_data["region"],
                rates=rates,
                changed_by=request.user,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, _("Settings saved. The benefits are being recomputed in the background.")
            )
            return redirect("benefits:settings", code=code)
    return render(
        request,
        "benefits/settings.html",
        {
            "municipality": municipality,
            "installed": True,
            "settings": current,
            "form": form,
            "override_form": OverrideForm(),
            "overrides": SpeciesOverride.objects.filter(municipality=municipality)
            .select_related("species")
            .order_by("species__scientific_name"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def override_add(request, code: str):
    municipality = _municipality_for_staff(request, code)
    form = OverrideForm(request.POST)
    if form.is_valid():
        species = Species.objects.filter(code=form.cleaned_data["species"].strip()).first()
        if species is None:
            messages.error(request, _("Unknown species code."))
        else:
            try:
                services.set_species_override(
                    municipality=municipality,
                    species=species,
                    itree_code=form.cleaned_data["itree_code"],
                    changed_by=request.user,
                )
            except DomainError as error:
                messages.error(request, message_of(error))
            else:
                messages.success(request, _("Species mapping saved."))
    else:
        messages.error(request, _("Give a species code and an i-Tree code."))
    return redirect("benefits:settings", code=code)


@login_required
@require_POST
def override_delete(request, code: str, species_code: str):
    municipality = _municipality_for_staff(request, code)
    species = Species.objects.filter(code=species_code).first()
    if species is not None:
        services.delete_species_override(
            municipality=municipality, species=species, changed_by=request.user
        )
        messages.success(request, _("Species mapping removed."))
    return redirect("benefits:settings", code=code)
