"""The inventory import page for municipal staff: upload, the dry-run report, confirm, progress.

The work itself is in trees/imports.py (task worker) and trees/inventory.py (the one import,
shared with `metropoli trees import`).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from metropoli.common.api import require
from metropoli.common.i18n import gettext_noop
from metropoli.territory.forms import offer_municipalities
from metropoli.territory.models import Role
from metropoli.territory.selectors import municipalities_where

from . import imports
from .models import ImportState, InventoryImport


class ImportForm(forms.Form):
    municipality = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Municipality"))
    file = forms.FileField(
        label=gettext_lazy("Inventory file"),
        help_text=gettext_lazy("CSV (UTF-8), GeoJSON or an OpenTreeMap CSV export."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.geojson,.json"}),
    )
    partial = forms.BooleanField(
        required=False,
        label=gettext_lazy("Import the valid rows even if others have errors"),
    )
    metric = forms.BooleanField(
        required=False,
        label=gettext_lazy("OpenTreeMap file with diameter already in cm and height in m"),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        offer_municipalities(self.fields["municipality"], municipalities)


def _staff_municipalities(user):
    return municipalities_where(user, Role.MUNICIPAL_STAFF)


def _job_for(request, job_id: int) -> InventoryImport:
    job = get_object_or_404(InventoryImport.objects.select_related("municipality"), pk=job_id)
    if not request.user.has_perm("trees.import_trees", job.municipality):
        raise Http404  # another municipality's file: not even its existence is told
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    municipalities = _staff_municipalities(request.user)
    if not municipalities.exists():
        raise PermissionDenied(_("Only municipal staff import inventories."))
    form = ImportForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        municipality = form.cleaned_data["municipality"]
        require(
            request,
            "trees.import_trees",
            municipality,
            message=gettext_noop("Only municipal staff import inventories."),
        )
        try:
            job = imports.start(
                upload=form.cleaned_data["file"],
                municipality=municipality,
                user=request.user,
                partial=form.cleaned_data["partial"],
                metric=form.cleaned_data["metric"],
            )
        except imports.UploadRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("tree_imports:detail", job_id=job.pk)
    recent = InventoryImport.objects.filter(municipality__in=municipalities).select_related(
        "municipality"
    )[:10]
    status = 400 if form.errors else 200
    return render(request, "trees/import.html", {"form": form, "recent": recent}, status=status)


@login_required
@require_GET
def import_detail(request, job_id: int):
    job = _job_for(request, job_id)
    return render(
        request,
        "trees/import_detail.html",
        {"job": job, "percent": _percent(job), "can_confirm": imports.can_confirm(job)},
    )


def _percent(job: InventoryImport) -> int:
    if job.state in (ImportState.DONE, ImportState.CHECKED, ImportState.FAILED):
        return 100
    return min(100, job.done * 100 // max(job.total, 1))


@login_required
@require_GET
def import_status(request, job_id: int):
    job = _job_for(request, job_id)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "percent": _percent(job),
            "rows": job.rows,
            "imported": job.imported,
            "error_count": job.error_count,
        }
    )


@login_required
@require_POST
def import_confirm(request, job_id: int):
    job = _job_for(request, job_id)
    if imports.can_confirm(job):
        imports.confirm(job)
    return redirect("tree_imports:detail", job_id=job.pk)
