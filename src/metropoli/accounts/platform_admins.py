"""Platform administrators' own pages for what only the Django admin did (decision 0117):
/cuentas/roles/plataforma lists who administers the platform, adds one (an active account, or an
address invited as on /cuentas/roles: accounts.invitations) and takes one out; /cuentas/reabrir
reopens a closed account by its address (accounts.reopening).

Every role write is territory's `grant_role`/`revoke_role` (decision 0089), which check
`territory.manage_platform_administrators` and never leave the platform without an active
platform administrator. Django superusers (`metropoli createsuperuser`) are platform
administrators too: listed, counted, and left as they are (the server made them).
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, is_forbidden, message_of, status_of
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.territory import services
from metropoli.territory.models import Role
from metropoli.territory.selectors import platform_administrators

from . import invitations, reopening
from .forms import PersonForm, ReopenForm

_REFUSED = gettext_noop("Only platform administrators manage platform administrators.")


def _may_manage(request) -> None:
    require(request, "territory.manage_platform_administrators", message=_REFUSED)


def _page(request, form, *, link: str = "", status: int = 200):
    return render(
        request,
        "accounts/platform_admins.html",
        {
            "form": form,
            "administrators": platform_administrators().order_by("display_name", "email"),
            "activation_link": link,
        },
        status=status,
    )


def _name(person) -> str:
    return person.display_name or person.email


@login_required
@require_http_methods(["GET", "POST"])
def administrators(request):
    _may_manage(request)
    form = PersonForm(request.POST or None)
    link = ""
    if request.method == "POST" and form.is_valid():
        added = form.added(
            request,
            partial(
                invitations.give_role,
                granted_by=request.user,
                role=Role.PLATFORM_ADMIN,
                municipality=None,
            ),
            said=lambda added: (
                _("%(person)s is now a platform administrator.") % {"person": _name(added.person)}
            ),
        )
        if added is not None and not added.link:
            return redirect("accounts:platform_admins")
        if added is not None:  # the link is shown on this answer only, above an empty form
            link, form = added.link, PersonForm()
    return _page(request, form, link=link, status=400 if form.errors else 200)


@login_required
@require_POST
def remove(request, user_id: int):
    _may_manage(request)
    person = platform_administrators().filter(pk=user_id).first()
    if person is None:  # taken out already (a second click, a colleague), or never one
        messages.info(request, _("That person is not a platform administrator; nothing changed."))
        return redirect("accounts:platform_admins")
    if person.is_superuser:  # the server made them; the page shows no button for them
        messages.error(
            request,
            _(
                "%(person)s is a Django superuser, made on the server; this page does not change "
                "that."
            )
            % {"person": _name(person)},
        )
        return _page(request, PersonForm(), status=409)
    try:
        taken = services.revoke_role(
            revoked_by=request.user, user=person, role=Role.PLATFORM_ADMIN, municipality=None
        )
    except DomainError as error:
        if is_forbidden(error):
            raise
        messages.error(request, message_of(error))  # the last one, or oneself
        return _page(request, PersonForm(), status=status_of(error))
    if taken:
        messages.success(
            request,
            _("%(person)s is no longer a platform administrator.") % {"person": _name(person)},
        )
    else:
        messages.info(request, _("That person is not a platform administrator; nothing changed."))
    return redirect("accounts:platform_admins")


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request):
    require(
        request,
        "accounts.reopen_account",
        message=gettext_noop("Only platform administrators reopen closed accounts."),
    )
    form = ReopenForm(request.POST or None)
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            person = reopening.reopen_account(
                reopened_by=request.user,
                email=form.cleaned_data["email"],
                idempotency=form.idempotency(request),
            )
        except DomainError as error:
            status = status_of(error)
            if not form.show_reused_key(error):
                if error.on_field not in form.fields:
                    raise  # a limit: the edge answers it
                add_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "The account of %(email)s was reopened: a link to choose a new password went "
                    "to that address."
                )
                % {"email": person.email},
            )
            return redirect("accounts:reopen")
    return render(
        request, "accounts/reopen.html", {"form": form}, status=status if form.errors else 200
    )
