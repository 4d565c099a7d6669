"""/cuentas/roles: municipal staff give and take the roles of their municipality in the browser
(arborist, municipal staff); platform administrators do so everywhere. Certified experts are
named on their own page, which records why (/arbol/aprende/certificaciones/).

Before, roles were granted only in the Django admin, which only platform administrators may
open: municipal staff, who hold the permission (territory.manage_roles), had nowhere to use it.
Every grant and revocation goes through territory's services, which check that permission for
the municipality concerned; this page only offers what the person may do.
Decision: docs/decisions/0105-roles-granted-in-the-browser.md. An address without an active
account is invited (accounts.invitations): the role goes to the new account at once, and works
once the person chooses a password (decision 0113).
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from metropoli.common.api import Forbidden
from metropoli.common.errors import CommonErrorCode
from metropoli.common.i18n import gettext_noop
from metropoli.territory import services
from metropoli.territory.forms import offer_municipalities
from metropoli.territory.models import Role, RoleAssignment
from metropoli.territory.selectors import municipalities_where

from . import invitations
from .forms import PersonForm

# The roles given here. A citizen's role comes with the account; a certified expert's from the
# certification page (learning), which records the reason; a platform administrator is made with
# `metropoli createsuperuser` or by another one on /cuentas/roles/plataforma (platform_admins.py).
GRANTED_HERE = (Role.ARBORIST, Role.MUNICIPAL_STAFF)


class GrantForm(PersonForm):
    field_order = ["email", "role", "municipality", "display_name", "how"]

    role = forms.ChoiceField(
        label=gettext_lazy("Role to give"), choices=[(r.value, r.label) for r in GRANTED_HERE]
    )
    municipality = forms.ModelChoiceField(label=gettext_lazy("Municipality"), queryset=None)

    def __init__(self, *args, managed, **kwargs):
        super().__init__(*args, **kwargs)
        offer_municipalities(self.fields["municipality"], managed)


def _managed(request):
    managed = municipalities_where(request.user, Role.MUNICIPAL_STAFF).order_by("name")
    if not managed.exists():
        raise Forbidden(
            CommonErrorCode.PERMISSION_DENIED,
            gettext_noop("Only municipal staff can manage roles."),
        )
    return managed


@login_required
@require_http_methods(["GET", "POST"])
def roles(request):
    managed = _managed(request)
    form = GrantForm(request.POST or None, managed=managed)
    link = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role, municipality = Role(data["role"]), data["municipality"]
        added = form.added(
            request,
            partial(
                invitations.give_role,
                granted_by=request.user,
                role=role,
                municipality=municipality,
            ),
            said=lambda added: (
                _("%(person)s is now %(role)s in %(municipality)s.")
                % {
                    "person": added.person.display_name or added.person.email,
                    "role": role.label.lower(),
                    "municipality": municipality.name,
                }
            ),
        )
        if added is not None and not added.link:
            return redirect("accounts:roles")
        if added is not None:  # the link is shown on this answer only, above an empty form
            link, form = added.link, GrantForm(managed=managed)
    assignments = (
        RoleAssignment.objects.filter(municipality__in=managed, role__in=GRANTED_HERE)
        .select_related("user", "municipality")
        .order_by("municipality__name", "role", "user__display_name", "user__email")
    )
    return render(
        request,
        "accounts/roles.html",
        # One municipality: its name is in every row, so it takes no column (phones).
        {
            "form": form,
            "assignments": assignments,
            "several": managed.count() > 1,
            "activation_link": link,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def revoke(request, assignment_id: int):
    managed = _managed(request)
    assignment = (
        RoleAssignment.objects.select_related("user", "municipality")
        .filter(pk=assignment_id, municipality__in=managed, role__in=GRANTED_HERE)
        .first()
    )
    if assignment is None:
        # Taken back already (a second click, another colleague), or not one of ours.
        messages.info(request, _("That role is no longer held; nothing changed."))
        return redirect("accounts:roles")
    services.revoke_role(
        revoked_by=request.user,
        user=assignment.user,
        role=assignment.role,
        municipality=assignment.municipality,
    )
    messages.success(
        request,
        _("%(person)s is no longer %(role)s in %(municipality)s.")
        % {
            "person": assignment.user.display_name or assignment.user.email,
            "role": assignment.get_role_display().lower(),
            "municipality": assignment.municipality.name,
        },
    )
    return redirect("accounts:roles")
