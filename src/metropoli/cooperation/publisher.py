"""The institute as IATI publisher: who reports (identifier, type, name), in which default
language and currency. Set by the cooperation office in the interface; the deployment's settings
(METROPOLI_IATI_REPORTING_ORG_REF / _TYPE) are only the fallback until it is saved, and without
either there is no publisher: the IATI export says so instead of inventing one (decision 0080)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metropoli.common.api import require
from metropoli.common.i18n import gettext_noop

from .checks import Errors, currency_codes
from .models import OrganisationType
from .publisher_models import PublisherLanguage, PublisherSettings

# IATI organisation identifiers: a registration agency prefix (XX-YYY), a hyphen, the number.
_IDENTIFIER = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,}-[^\s/&|?]+$")


@dataclass(frozen=True)
class Publisher:
    ref: str
    type: str
    name: str
    language: str = "es"
    currency: str = "MXN"
    from_settings: bool = False


def current() -> Publisher | None:
    """The saved publisher, else the settings' fallback, else None (not configured)."""
    saved = PublisherSettings.objects.filter(pk=1).first()
    if saved is not None:
        return Publisher(
            ref=saved.reporting_org_ref,
            type=saved.reporting_org_type,
            name=saved.reporting_org_name,
            language=saved.default_language,
            currency=saved.default_currency,
        )
    conf = getattr(settings, "COOPERATION_REPORTING_ORG", {}) or {}
    if not conf.get("ref"):
        return None
    return Publisher(
        ref=conf["ref"],
        type=conf.get("type") or OrganisationType.LOCAL_GOVERNMENT,
        name=conf.get("name") or settings.METROPOLI["INSTITUTE_NAME"],
        from_settings=True,
    )


def check(*, ref: str, org_type: str, name: str, language: str, currency: str) -> Errors:
    errors = Errors()
    if not _IDENTIFIER.match(ref):
        errors.add(
            "reporting_org_ref",
            _(
                "“%(value)s” is not an IATI organisation identifier: write the registration "
                "agency's prefix and the number, e.g. MX-RFC-IMP140101AB1."
            )
            % {"value": ref},
        )
    if org_type not in OrganisationType.values:
        errors.add("reporting_org_type", _("Choose a type from the list."))
    if not name.strip():
        errors.add("reporting_org_name", _("The name cannot be empty."))
    if language not in PublisherLanguage.values:
        errors.add("default_language", _("Choose a language from the list."))
    known = currency_codes()
    if not re.fullmatch(r"[A-Z]{3}", currency) or (known is not None and currency not in known):
        errors.add(
            "default_currency",
            _("“%(value)s” is not an ISO 4217 currency code (e.g. MXN, USD, EUR).")
            % {"value": currency},
        )
    return errors


@transaction.atomic
def save(*, ref: str, org_type: str, name: str, language: str, currency: str, by):
    require(
        by,
        "cooperation.change_publisher",
        message=gettext_noop("Only the cooperation office can change the IATI publisher."),
    )
    ref, name, currency = ref.strip().upper(), name.strip(), currency.strip().upper()
    check(
        ref=ref, org_type=org_type, name=name, language=language, currency=currency
    ).raise_if_any()
    saved, _created = PublisherSettings.objects.update_or_create(
        pk=1,
        defaults={
            "reporting_org_ref": ref,
            "reporting_org_type": org_type,
            "reporting_org_name": name,
            "default_language": language,
            "default_currency": currency,
            "updated_by": by,
        },
    )
    return saved


class PublisherForm(forms.Form):
    reporting_org_ref = forms.CharField(
        label=gettext_lazy("Reporting organisation identifier"),
        max_length=100,
        help_text=gettext_lazy(
            "The institute's IATI organisation identifier: the registration agency's prefix "
            "and the number it gave, e.g. MX-RFC-IMP140101AB1."
        ),
    )
    reporting_org_type = forms.ChoiceField(
        label=gettext_lazy("Reporting organisation type"), choices=OrganisationType.choices
    )
    reporting_org_name = forms.CharField(
        label=gettext_lazy("Reporting organisation name"), max_length=200
    )
    default_language = forms.ChoiceField(
        label=gettext_lazy("Default language of the texts"), choices=PublisherLanguage.choices
    )
    default_currency = forms.CharField(
        label=gettext_lazy("Default currency (ISO 4217)"), max_length=3, initial="MXN"
    )

    @staticmethod
    def initial_from(publisher: Publisher | None) -> dict:
        if publisher is None:
            return {
                "reporting_org_type": OrganisationType.LOCAL_GOVERNMENT,
                "reporting_org_name": settings.METROPOLI["INSTITUTE_NAME"],
                "default_language": PublisherLanguage.SPANISH,
                "default_currency": "MXN",
            }
        return {
            "reporting_org_ref": publisher.ref,
            "reporting_org_type": publisher.type,
            "reporting_org_name": publisher.name,
            "default_language": publisher.language,
            "default_currency": publisher.currency,
        }
