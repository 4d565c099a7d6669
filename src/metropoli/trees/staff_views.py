"""The staff's pages: edit a tree (fields, place on the map, photos), remove it with a reason,
and look after planting sites. Every write checks its named permission on the tree or site
(trees/rules.py) and goes through a service; a refusal is shown on the form in the reader's
language.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from metropoli.common import stale
from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, message_of
from metropoli.common.errors import DomainError
from metropoli.common.ratelimit import limit_photo_uploads
from metropoli.common.stale import form_version

from . import editing, photo_uploads, sites
from .forms import PhotoForm, PlantForm, RemoveTreeForm, SiteForm, TreeEditForm
from .models import PlantingSite, Tree

SITES_PAGE_SIZE = 50


def _tree_or_404(tree_id: int) -> Tree:
    tree = (
        Tree.objects.select_related("site", "site__municipality", "species")
        .filter(pk=tree_id)
        .first()
    )
    if tree is None:
        raise Http404
    return tree


# What the person saw travels with the form (common/stale.py, decision 0114).
STALE = gettext_lazy(stale.STALE)


def _edit_page(request, tree, form, photo_form, status=200, stale=False):
    return render(
        request,
        "trees/edit.html",
        {
            "tree": tree,
            "version": form_version(tree, tree.site),
            "stale": STALE if stale else None,
            "form": form,
            "photo_form": photo_form,
            "photos": tree.photos.all(),
            "can_add_photo": request.user.has_perm("trees.add_photo", tree),
            "can_remove_photo": request.user.has_perm("trees.delete_photo", tree),
            "can_delete": request.user.has_perm("trees.delete_tree", tree),
            "can_change_species": request.user.has_perm("trees.change_species"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_tree(request, tree_id: int):
    tree = _tree_or_404(tree_id)
    require(request, "trees.change_tree", tree)
    if request.method == "POST":
        form = TreeEditForm.for_tree(tree, request.POST)
        # Stale before invalid (the form was filled in over an old version); the service checks
        # again under the tree's lock, for two saves sent at once.
        if stale.is_stale(stale.seen_version(request.POST), tree, tree.site):
            return _edit_page(
                request, tree, TreeEditForm.for_tree(tree), PhotoForm(), status=409, stale=True
            )
        if form.is_valid():
            try:
                editing.change_tree(
                    tree=tree,
                    changed_by=request.user,
                    changes=form.changes(),
                    seen_version=stale.seen_version(request.POST),
                )
            except DomainError as error:
                if stale.is_edited_meanwhile(error):
                    tree = _tree_or_404(tree_id)
                    fresh = TreeEditForm.for_tree(tree)
                    return _edit_page(request, tree, fresh, PhotoForm(), status=409, stale=True)
                add_to_form(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("trees:tree", tree_id=tree.pk)
        return _edit_page(request, tree, form, PhotoForm(), status=400)
    return _edit_page(request, tree, TreeEditForm.for_tree(tree), PhotoForm())


@login_required
@require_POST
def add_photo(request, tree_id: int):
    tree = _tree_or_404(tree_id)
    require(request, "trees.add_photo", tree)
    photo_form = PhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        try:
            limit_photo_uploads(request)
            limit = settings.TREES_PHOTO_MAX_BYTES
            data = photo_form.cleaned_data["photo"].read(limit + 1)
            photo_uploads.add_photo_once(
                tree=tree, data=data, uploaded_by=request.user, idempotency=None
            )
        except DomainError as error:
            add_to_form(photo_form, error, "photo")
        else:
            messages.success(request, _("The photo was added."))
            return redirect("trees:edit", tree_id=tree.pk)
    return _edit_page(request, tree, TreeEditForm.for_tree(tree), photo_form, status=400)


@login_required
@require_POST
def remove_photo(request, tree_id: int, photo_id: int):
    tree = _tree_or_404(tree_id)
    require(request, "trees.delete_photo", tree)
    try:
        editing.remove_photo(tree=tree, photo_id=photo_id, removed_by=request.user)
    except DomainError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("The photo was removed."))
    return redirect("trees:edit", tree_id=tree.pk)


@login_required
@require_http_methods(["GET", "POST"])
def remove_tree(request, tree_id: int):
    tree = _tree_or_404(tree_id)
    require(request, "trees.delete_tree", tree)
    form = RemoveTreeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site_id = editing.remove_tree(
                tree=tree, removed_by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_to_form(form, error, "reason")
        else:
            messages.success(request, _("Tree %(id)s was removed.") % {"id": tree_id})
            if request.user.has_perm("trees.change_site", tree.site):
                return redirect("trees:site", site_id=site_id)
            return redirect("trees:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "trees/remove.html", {"tree": tree, "form": form}, status=status)


# --- planting sites ----------------------------------------------------------------------------


def _site_or_404(site_id: int) -> PlantingSite:
    return get_object_or_404(PlantingSite.objects.select_related("municipality"), pk=site_id)


@login_required
def site_list(request):
    if not sites.looks_after_any(request.user):
        raise PermissionDenied
    page = Paginator(sites.empty_sites(request.user), SITES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "trees/sites.html", {"page": page})


@login_required
def site_page(request, site_id: int):
    site = _site_or_404(site_id)
    require(request, "trees.change_site", site)
    return render(
        request,
        "trees/site.html",
        {
            "site": site,
            "tree": sites.standing_tree(site),
            "history": sites.site_history(site.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_site(request):
    if not sites.looks_after_any(request.user):
        raise PermissionDenied
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = sites.create_site(created_by=request.user, **form.site_values())
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The planting site was saved."))
            return redirect("trees:site", site_id=site.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "trees/site_form.html", {"form": form, "site": None}, status=status)


def _stale_site_page(request, site):
    fresh = SiteForm(initial=SiteForm.site_initial(site))
    context = {"form": fresh, "site": site, "version": form_version(site), "stale": STALE}
    return render(request, "trees/site_form.html", context, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def edit_site(request, site_id: int):
    site = _site_or_404(site_id)
    require(request, "trees.change_site", site)
    tree = sites.standing_tree(site)
    if tree is not None:  # a site with a tree is edited with its tree: one form, one history
        return redirect("trees:edit", tree_id=tree.pk)
    form = SiteForm(request.POST or None, initial=SiteForm.site_initial(site))
    if request.method == "POST" and stale.is_stale(stale.seen_version(request.POST), site):
        return _stale_site_page(request, site)
    if request.method == "POST" and form.is_valid():
        try:
            sites.update_site(
                site=site,
                changed_by=request.user,
                changes=form.changes(),
                seen_version=stale.seen_version(request.POST),
            )
        except DomainError as error:
            if stale.is_edited_meanwhile(error):
                return _stale_site_page(request, _site_or_404(site_id))
            add_to_form(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("trees:site", site_id=site.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "site": site, "version": form_version(site)}
    return render(request, "trees/site_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plant_tree(request, site_id: int):
    site = _site_or_404(site_id)
    require(request, "trees.change_site", site)
    require(request, "trees.add_tree", None)
    standing = sites.standing_tree(site)
    if standing is not None:
        messages.error(request, _("A tree already stands on this planting site."))
        return redirect("trees:tree", tree_id=standing.pk)
    form = PlantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tree = sites.plant_tree(site=site, planted_by=request.user, **form.tree_values())
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The tree was planted in the site."))
            return redirect("trees:tree", tree_id=tree.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "trees/plant.html", {"form": form, "site": site}, status=status)
