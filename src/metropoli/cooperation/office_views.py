"""The office's own pages: who belongs to it (/cooperacion/oficina/) and its networks and awards
(/cooperacion/redes-y-premios/…/), kept here instead of the Django admin (decision 0110)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from metropoli.accounts.forms import PersonForm
from metropoli.common.domain_errors import add_to_form
from metropoli.common.errors import DomainError

from . import office as services
from .forms import AwardForm, NetworkForm
from .models import Award, NetworkMembership
from .rules import cooperation_office_group
from .views import _staff_only


@require_GET
def networks(request):
    return render(
        request,
        "cooperation/networks.html",
        {
            "networks": NetworkMembership.objects.all(),
            "awards": Award.objects.select_related("project"),
            "can_edit": request.user.has_perm("cooperation.edit_recognition"),
        },
    )


@require_http_methods(["GET", "POST"])
def office(request):
    """Who belongs to the cooperation office; its members (and platform administrators) add a
    colleague by e-mail address, inviting them when the address has no active account, or take
    someone out."""
    if (response := _staff_only(request, "cooperation.manage_office")) is not None:
        return response
    form = PersonForm(request.POST or None)
    link = ""
    if request.method == "POST" and form.is_valid():
        added = form.added(
            request,
            partial(services.add_to_office, by=request.user),
            said=lambda added: (
                (
                    _("%(person)s already belonged to the cooperation office.")
                    if added.already
                    else _("%(person)s now belongs to the cooperation office.")
                )
                % {"person": _name(added.person)}
            ),
        )
        if added is not None and not added.link:
            return redirect("cooperation:office")
        if added is not None:  # the link is shown on this answer only, above an empty form
            link, form = added.link, PersonForm()
    # Members, and those invited who have not opened their account yet (closed accounts: no).
    members = cooperation_office_group().user_set.filter(
        Q(is_active=True) | Q(activation_pending=True)
    )
    return render(
        request,
        "cooperation/office.html",
        {
            "form": form,
            "members": members.order_by("display_name", "email"),
            "activation_link": link,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def office_remove(request, user_id: int):
    if (response := _staff_only(request, "cooperation.manage_office")) is not None:
        return response
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None or not services.remove_from_office(by=request.user, person=person):
        messages.info(request, _("That person is not in the office; nothing changed."))
    else:
        messages.success(
            request,
            _("%(person)s no longer belongs to the cooperation office.")
            % {"person": _name(person)},
        )
    return redirect("cooperation:office")


def _name(person) -> str:
    return person.display_name or person.email


@require_http_methods(["GET", "POST"])
def network_edit(request, pk: int | None = None):
    return _recognition_edit(request, NetworkMembership, NetworkForm, services.save_network, pk)


@require_http_methods(["GET", "POST"])
def award_edit(request, pk: int | None = None):
    return _recognition_edit(request, Award, AwardForm, services.save_award, pk)


def _recognition_edit(request, model, form_class, save, pk: int | None):
    """Add, correct or remove one network membership or award (the office's own records)."""
    if (response := _staff_only(request, "cooperation.edit_recognition")) is not None:
        return response
    item = get_object_or_404(model, pk=pk) if pk else None
    if request.method == "POST" and item is not None and "delete" in request.POST:
        services.delete_recognition(by=request.user, item=item)
        messages.success(request, _("“%(name)s” was removed.") % {"name": item})
        return redirect("cooperation:networks")
    form = form_class(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form_class.Meta.fields}
        try:
            save(by=request.user, item=item, **fields)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("cooperation:networks")
    return render(
        request,
        "cooperation/recognition_form.html",
        {"form": form, "item": item, "is_network": model is NetworkMembership},
        status=400 if form.errors else 200,
    )
