"""The cooperation office's IATI publisher page (/cooperacion/publicacion/)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from metropoli.common.domain_errors import add_to_form
from metropoli.common.errors import DomainError

from . import publisher
from .views import _staff_only


@require_http_methods(["GET", "POST"])
def publisher_settings(request):
    if (response := _staff_only(request, "cooperation.change_publisher")) is not None:
        return response
    found = publisher.current()
    form = publisher.PublisherForm(
        request.POST or None, initial=publisher.PublisherForm.initial_from(found)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            publisher.save(
                ref=d["reporting_org_ref"],
                org_type=d["reporting_org_type"],
                name=d["reporting_org_name"],
                language=d["default_language"],
                currency=d["default_currency"],
                by=request.user,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The IATI publisher was saved."))
            return redirect("cooperation:publisher")
    return render(
        request,
        "cooperation/publisher.html",
        {"form": form, "publisher": found},
        status=400 if form.errors else 200,
    )
