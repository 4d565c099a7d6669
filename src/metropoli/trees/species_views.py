"""The species catalogue in the product: a public list with search, and for who may keep it
(trees.change_species: the staff and arborists of any municipality, platform administrators)
a form to add a species and to correct one. Writes go through the services
(`species.create_species`, `species.update_species`); decision 0107.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from metropoli.common import stale
from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, message_of
from metropoli.common.errors import DomainError

from . import selectors
from . import species as species_services
from .errors import SpeciesErrorCode
from .forms import SpeciesForm
from .models import Species

CATALOGUE_PAGE_SIZE = 30


class CatalogueSearch(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Scientific or common name"), required=False, max_length=80
    )


@require_GET
def catalogue(request):
    search = CatalogueSearch(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.species_with_tree_counts(query), CATALOGUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "trees/species_list.html",
        {
            "search": search if search.is_bound else CatalogueSearch(),
            "query": query,
            "page": page,
            "can_change": request.user.has_perm("trees.change_species"),
        },
    )


def _species_or_404(code: str) -> Species:
    species = Species.objects.filter(code=code).first()
    if species is None:
        raise Http404
    return species


def _back_to_catalogue(species: Species):
    """The catalogue, searched for the species just saved: the person sees it in the list."""
    return redirect(reverse("trees:species") + "?" + urlencode({"q": species.code}))


def _form_page(request, form, species=None, status=200, stale_notice=""):
    """The form; an edit carries the version it was opened from (the one the person saw when
    the form comes back with its errors), decision 0114."""
    if species is None:
        version = ""
    elif form.is_bound:
        version = stale.seen_version(form.data)
    else:
        version = stale.form_version(species)
    return render(
        request,
        "trees/species_form.html",
        {
            "form": form,
            "species": species,
            "version": version,
            "stale": stale_notice,
            "tree_count": species.trees.count() if species else 0,
            "history": selectors.species_history(species.pk) if species else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_species(request):
    require(request, "trees.change_species", None, code=SpeciesErrorCode.NOT_ALLOWED)
    form = SpeciesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            species = species_services.create_species(
                created_by=request.user, **form.species_values()
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, _("%(name)s was added to the catalogue.") % {"name": species.display_name}
            )
            return _back_to_catalogue(species)
    return _form_page(request, form, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit_species(request, species_code: str):
    species = _species_or_404(species_code)
    require(request, "trees.change_species", None, code=SpeciesErrorCode.NOT_ALLOWED)
    form = SpeciesForm.for_species(species, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            species = species_services.update_species(
                species=species,
                changed_by=request.user,
                changes=form.species_values(),
                seen_version=stale.seen_version(request.POST),
            )
        except DomainError as error:
            if stale.is_edited_meanwhile(error):  # the form again, as the species is now
                species.refresh_from_db()
                fresh = SpeciesForm.for_species(species)
                return _form_page(request, fresh, species, 409, stale_notice=message_of(error))
            add_to_form(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return _back_to_catalogue(species)
    return _form_page(request, form, species, status=400 if request.method == "POST" else 200)
