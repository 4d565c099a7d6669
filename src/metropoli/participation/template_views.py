"""The consultation templates' pages, for who sets consultations up: every template (they are
shared by all municipalities) with its phases and categories; and, for who may change one
(`participation.change_template`: the staff of the municipality that saved it, platform
administrators), a page to rename it, correct its description, remove a phase or a category,
or delete it. Writes go through proceeding_templates.py; decision 0114.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from metropoli.common import stale
from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, message_of, status_of
from metropoli.common.errors import DomainError

from . import proceeding_templates, selectors
from .errors import ParticipationErrorCode
from .forms import TemplateForm
from .models import ICON_CHOICES, PhaseKind, ProceedingTemplate
from .services import HEX_COLOUR
from .setup_views import SETTERS_UP_ONLY

ICONS = {name for name, _label in ICON_CHOICES}
# action -> the part of the template a "remove" button takes one item from
REMOVALS = {"remove_phase": "phases", "remove_category": "categories"}


class TemplateItemForm(forms.Form):
    """Which phase or category: its place in the list the page showed."""

    index = forms.IntegerField(min_value=0, max_value=999)


def _items(value) -> list[dict]:
    """A template's list, one entry per place (the remove buttons name places)."""
    return (
        [item if isinstance(item, dict) else {} for item in value]
        if isinstance(value, list)
        else []
    )


def _shown(template: ProceedingTemplate) -> ProceedingTemplate:
    """The template with its phases and categories as the pages show them. The lists are JSON
    (an administrator may have written anything in them): unknown icons and colours are shown
    as the defaults, and anything but a list as none."""
    kinds = dict(PhaseKind.choices)
    template.shown_phases = [
        {
            "label": kinds.get(item.get("kind"), item.get("kind", "")),
            "days": days if isinstance(days := item.get("days"), int) else 0,
            "allows_anonymous": bool(item.get("allows_anonymous")),
        }
        for item in _items(template.phases)
    ]
    template.shown_categories = [
        {
            "name": item.get("name", ""),
            "description": item.get("description", ""),
            "colour": colour if HEX_COLOUR.match(colour := str(item.get("colour", ""))) else "",
            "icon_url": static(
                f"participation/icons/{item['icon'] if item.get('icon') in ICONS else 'idea'}.svg"
            ),
        }
        for item in _items(template.categories)
    ]
    return template


@login_required
@require_GET
def template_list(request):
    require(request, "participation.set_up_proceedings", message=SETTERS_UP_ONLY)
    items = [_shown(template) for template in selectors.proceeding_templates()]
    for template in items:
        template.can_change = request.user.has_perm("participation.change_template", template)
    return render(request, "participation/template_list.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk: int):
    template = selectors.proceeding_template(pk)
    if template is None:
        if request.method == "POST":  # deleted meanwhile, or a second click on "Delete"
            messages.info(request, _("That template no longer exists."))
            return redirect("participation:templates")
        raise Http404
    require(
        request,
        "participation.change_template",
        template,
        message=proceeding_templates.OWNERS_ONLY,
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = TemplateForm(
        request.POST if action == "save" else None,
        initial={"name": template.name, "description": template.description},
    )
    # The version the person saw; the page shows it again with a form sent back with its
    # errors (the person's values), else the template as it is now.
    seen = stale.seen_version(request.POST)
    version = seen if form.is_bound else stale.form_version(template)
    notice, status = "", 200
    if request.method == "POST":
        try:
            done = _act(request, template, action, form, seen)
        except DomainError as error:
            status = status_of(error)
            if stale.is_edited_meanwhile(error):  # the page again, as the template is now
                template = selectors.proceeding_template(pk) or template
                form = TemplateForm(
                    initial={"name": template.name, "description": template.description}
                )
                version, notice = stale.form_version(template), message_of(error)
            elif action == "save":
                add_to_form(form, error)
            else:
                notice = message_of(error)
        else:
            if done:
                messages.success(request, done)
                if action == "delete":
                    return redirect("participation:templates")
                return redirect("participation:template", pk=template.pk)
            status = 400
    return render(
        request,
        "participation/template_edit.html",
        {"template": _shown(template), "form": form, "version": version, "notice": notice},
        status=status,
    )


def _act(request, template: ProceedingTemplate, action: str, form, seen: str) -> str:
    """Carry out one POSTed action; returns the success message, or '' when a form is invalid."""
    if action == "save":
        if not form.is_valid():
            return ""
        proceeding_templates.change_template(
            actor=request.user, template=template, seen_version=seen, **form.cleaned_data
        )
        return _("The template was saved.")
    if action in REMOVALS:
        item = TemplateItemForm(request.POST)
        if not item.is_valid():
            raise DomainError(ParticipationErrorCode.UNKNOWN_TEMPLATE_ITEM)
        removed = proceeding_templates.remove_template_item(
            actor=request.user,
            template=template,
            part=REMOVALS[action],
            index=item.cleaned_data["index"],
            seen_version=seen,
        )
        if action == "remove_phase":
            label = dict(PhaseKind.choices).get(removed.get("kind"), removed.get("kind", ""))
            return _("The phase “%(name)s” was removed from the template.") % {"name": label}
        return _("The category “%(name)s” was removed from the template.") % {
            "name": removed.get("name", "")
        }
    if action == "delete":
        name = proceeding_templates.delete_template(
            actor=request.user, template=template, seen_version=seen
        )
        return _(
            "The template “%(name)s” was deleted. The consultations started from it keep "
            "their phases and categories."
        ) % {"name": name}
    raise DomainError(ParticipationErrorCode.INVALID_ACTION)
