"""The platform administrators' municipality pages (/territorio/municipios/): the list with the
boundary upload, and a form to add a municipality or correct one, its seat placed on a map.
Writes go through territory.municipalities; decision 0112."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, status_of
from metropoli.common.errors import DomainError

from . import municipalities as municipality_services
from .boundary_files import safe_name
from .errors import TerritoryErrorCode
from .forms import BoundaryUploadForm, MunicipalityForm
from .models import Municipality
from .selectors import data_held_for, municipalities_to_set_up
from .services import BoundaryImportError, BoundaryImportReport

# Codes listed in a message about an upload, at most (a national file has 2,400 municipalities).
CODES_SHOWN = 20


def _require_rights(request) -> None:
    require(request, "territory.change_municipality", None, code=TerritoryErrorCode.NOT_ALLOWED)


def _list_page(request, upload_form=None, status=200):
    return render(
        request,
        "territory/municipalities.html",
        {
            "municipalities": municipalities_to_set_up(),
            "upload_form": upload_form or BoundaryUploadForm(),
            "can_import": request.user.has_perm("territory.import_boundaries"),
        },
        status=status,
    )


@login_required
@require_GET
def municipality_list(request):
    _require_rights(request)
    return _list_page(request)


def _form_page(request, form, municipality=None, status=200):
    return render(
        request,
        "territory/municipality_form.html",
        {"form": form, "municipality": municipality},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def municipality_new(request):
    _require_rights(request)
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            municipality = municipality_services.create_municipality(
                created_by=request.user, **form.values()
            )
        except DomainError as error:
            add_to_form(form, error)
            return _form_page(request, form, status=status_of(error))
        messages.success(
            request,
            _("%(name)s (%(code)s) was added to the platform.")
            % {"name": municipality.name, "code": municipality.inegi_code},
        )
        return redirect("territory:municipalities")
    return _form_page(request, form, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def municipality_edit(request, code: str):
    _require_rights(request)
    municipality = Municipality.objects.filter(inegi_code=code).first()
    if municipality is None:
        raise Http404
    form = MunicipalityForm.for_municipality(
        municipality, request.POST or None, code_is_stable=bool(data_held_for(municipality))
    )
    if request.method == "POST" and form.is_valid():
        try:
            municipality = municipality_services.update_municipality(
                municipality=municipality, changed_by=request.user, **form.values()
            )
        except DomainError as error:
            add_to_form(form, error)
            return _form_page(request, form, municipality, status=status_of(error))
        messages.success(
            request, _("The changes to %(name)s were saved.") % {"name": municipality.name}
        )
        return redirect("territory:municipalities")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, municipality, status=status)


def _codes(codes: list[str]) -> str:
    shown = ", ".join(codes[:CODES_SHOWN])
    return shown + (" …" if len(codes) > CODES_SHOWN else "")


def _report_messages(request, report: BoundaryImportReport, file_name: str) -> None:
    names = dict(
        Municipality.objects.filter(inegi_code__in=report.updated).values_list("inegi_code", "name")
    )
    messages.success(
        request,
        _("Boundaries imported from “%(file)s” for %(names)s.")
        % {
            "file": file_name,
            "names": ", ".join(f"{names[code]} ({code})" for code in sorted(report.updated)),
        },
    )
    ignored = sorted(set(report.ignored_codes))
    if ignored:
        messages.info(
            request,
            _(
                "%(count)d features of the file were left out: their codes are not "
                "municipalities of the platform (%(codes)s)."
            )
            % {"count": len(report.ignored_codes), "codes": _codes(ignored)},
        )
    if report.missing_codes:
        missing = _codes(report.missing_codes)
        messages.warning(request, _("Still without boundary: %(codes)s") % {"codes": missing})


@login_required
@require_POST
def boundary_upload(request):
    require(request, "territory.import_boundaries", None, code=TerritoryErrorCode.NOT_ALLOWED)
    form = BoundaryUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        report = municipality_services.import_uploaded_boundaries(
            upload=upload,
            imported_by=request.user,
            code_field=form.cleaned_data["code_field"],
            source_srid=form.cleaned_data["srid"],
        )
    except DomainError as error:
        add_to_form(form, error, "file")
        return _list_page(request, form, status=status_of(error))
    except BoundaryImportError as error:
        form.add_error("file", str(error))
        return _list_page(request, form, status=422)
    _report_messages(request, report, safe_name(upload.name))
    return redirect("territory:municipalities")
