"""Pages where municipal staff (and the named moderators of a metropolitan consultation) set a
consultation up: the list of theirs, a new one with its area drawn on the map, and one page for
its details, area, phases, categories and moderators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from metropoli.common.api import require
from metropoli.common.domain_errors import message_of, status_of
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.params import whole_number
from metropoli.territory.models import Municipality, Role
from metropoli.territory.selectors import is_platform_admin, municipalities_where

from . import proceeding_templates, selectors, setup
from .forms import (
    CategoryForm,
    ExternalLayerForm,
    ModeratorForm,
    PhaseForm,
    ProceedingForm,
    TemplateForm,
)
from .models import ICON_CHOICES

SETTERS_UP_ONLY = gettext_noop("Only municipal staff and named moderators set consultations up.")


def _owners(user) -> list[Municipality | None]:
    owners: list[Municipality | None] = list(municipalities_where(user, Role.MUNICIPAL_STAFF))
    if is_platform_admin(user):
        owners.append(None)
    return owners


@login_required
@require_GET
def setup_list(request):
    require(request, "participation.set_up_proceedings", message=SETTERS_UP_ONLY)
    return render(
        request,
        "participation/setup_list.html",
        {
            "items": selectors.proceedings_to_set_up(request.user),
            "can_create": bool(_owners(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def setup_new(request):
    require(request, "participation.set_up_proceedings", message=SETTERS_UP_ONLY)
    owners = _owners(request.user)
    if not owners:
        raise PermissionDenied(_("Only municipal staff open new consultations."))
    form = ProceedingForm(request.POST or None, municipalities=owners)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            by_pk = {str(m.pk): m for m in owners if m is not None}
            owner = by_pk.get(data["owner"]) if data["owner"] else None
            try:
                proceeding = setup.open_proceeding(
                    actor=request.user,
                    municipality=owner,
                    title=data["title"],
                    description=data["description"],
                    area=data["area"],
                    slug=data["slug"],
                    area_note=data["area_note"],
                    template=data["template"],
                )
            except DomainError as error:
                form.add_error(None, message_of(error))
                status = status_of(error)
            else:
                messages.success(
                    request, _("The consultation was created. Now add its phases and categories.")
                )
                return redirect("participation:setup", slug=proceeding.slug)
    return render(
        request,
        "participation/setup_new.html",
        {"form": form, "area_geojson": ""},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def setup_edit(request, slug):
    proceeding = selectors.proceeding(slug)
    require(
        request,
        "participation.change_proceeding",
        proceeding,
        message=gettext_noop("Only the staff and moderators of this consultation can do this."),
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = {
        "details": ProceedingForm(
            request.POST if action == "details" else None,
            editing=True,
            initial={
                "title": proceeding.title,
                "description": proceeding.description,
                "area": proceeding.area.geojson,
                "area_note": proceeding.area_note,
            },
        ),
        "phase": PhaseForm(request.POST if action == "phase" else None),
        "category": CategoryForm(
            request.POST if action == "category" else None,
            request.FILES if action == "category" else None,
        ),
        "moderator": ModeratorForm(request.POST if action == "moderator" else None),
        "layer": ExternalLayerForm(request.POST if action == "layer" else None),
        "template": TemplateForm(request.POST if action == "template" else None),
    }
    status = 200
    if request.method == "POST":
        try:
            done = _act(request, proceeding, action, forms)
        except DomainError as error:
            target = forms.get(action)
            if target is not None and error.on_field in target.fields:
                target.add_error(error.on_field, message_of(error))
            elif target is not None:
                target.add_error(None, message_of(error))
            else:
                messages.error(request, message_of(error))
            status = status_of(error)
        else:
            if done:
                messages.success(request, done)
                return redirect("participation:setup", slug=proceeding.slug)
            status = 400
    return render(
        request,
        "participation/setup_edit.html",
        {
            "proceeding": proceeding,
            "forms": forms,
            "phases": proceeding.phases.all(),
            "categories": proceeding.categories.all(),
            "icons": ICON_CHOICES,
            "moderators": proceeding.moderators.all(),
            "external_layers": proceeding.external_layers.all(),
            "can_name_moderators": proceeding.municipality_id is None
            and request.user.has_perm("participation.name_moderators", proceeding),
            "area_geojson": proceeding.area.geojson,
        },
        status=status,
    )


# action -> (the proceeding's related items, the setup function, its keyword, the message)
REMOVALS = {
    "remove_phase": ("phases", setup.remove_phase, "phase", gettext_noop("The phase was removed.")),
    "remove_category": (
        "categories",
        setup.remove_category,
        "category",
        gettext_noop("The category was removed."),
    ),
    "remove_layer": (
        "external_layers",
        setup.remove_external_layer,
        "layer",
        gettext_noop("The map layer was removed."),
    ),
}


def _act(request, proceeding, action: str, forms) -> str:
    """Carry out one POSTed action; returns the success message, or '' when a form is invalid."""
    user = request.user
    form = forms.get(action)
    if form is not None and not form.is_valid():
        return ""
    data = form.cleaned_data if form is not None else {}
    pk_value = whole_number(request.POST.get("pk")) or 0
    if action == "details":
        setup.update_proceeding(
            actor=user,
            proceeding=proceeding,
            title=data["title"],
            description=data["description"],
            area=data["area"],
            area_note=data["area_note"],
        )
        return _("The consultation was saved.")
    if action == "phase":
        setup.add_phase(
            actor=user,
            proceeding=proceeding,
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            allows_anonymous=data["allows_anonymous"],
        )
        return _("The phase was added.")
    if action == "category":
        upload = data.get("icon_upload")
        setup.add_category(
            actor=user,
            proceeding=proceeding,
            name=data["name"],
            icon=data["icon"],
            colour=data["colour"],
            description=data["description"],
            icon_upload=upload.read() if upload else None,
        )
        return _("The category was added.")
    if action == "layer":
        setup.add_external_layer(actor=user, proceeding=proceeding, **data)
        return _("The map layer was added.")
    if action == "template":
        template = proceeding_templates.save_as_template(actor=user, proceeding=proceeding, **data)
        return _("Saved as the template “%(name)s”: new consultations can start from it.") % {
            "name": template.name
        }
    if action in REMOVALS:
        related, remove, keyword, message = REMOVALS[action]
        item = getattr(proceeding, related).filter(pk=pk_value).first()
        if item is not None:  # a second click finds it gone: nothing to do
            remove(actor=user, **{keyword: item})
        return _(message)
    if action == "moderator":
        setup.name_moderator(actor=user, proceeding=proceeding, email=data["email"])
        return _("The moderator was named.")
    if action == "remove_moderator":
        setup.remove_moderator(actor=user, proceeding=proceeding, user_id=pk_value)
        return _("The moderator was removed.")
    raise DomainError(setup.ParticipationErrorCode.INVALID_ACTION)
