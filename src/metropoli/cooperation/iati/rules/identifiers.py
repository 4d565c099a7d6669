"""Identifiers: the activity's and the reporting organisation's."""

from __future__ import annotations

import re
from collections.abc import Mapping

from metropoli.common.i18n import gettext_noop

from ..model import Activity, ReportingOrg
from .base import Collector, Rule, RuleCode, Severity, blank

_E, _W = Severity.ERROR, Severity.WARNING

# IATI rates some identifier rules as warnings; we make them errors because we mint the ids.
MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.IDENTIFIER_PREFIX: (
        gettext_noop(
            "El identificador «%(identifier)s» debe empezar con el identificador de la "
            "organización informante «%(prefix)s» seguido de un guion."
        ),
        _E,
        "1.1.21",
    ),
    RuleCode.IDENTIFIER_EQUALS_ORG: (
        gettext_noop(
            "El identificador de la actividad no puede ser igual al de la organización informante."
        ),
        _E,
        "1.1.3",
    ),
    RuleCode.IDENTIFIER_SPACES: (
        gettext_noop("El identificador no debe empezar ni terminar con espacios."),
        _E,
        "1.3.1",
    ),
    RuleCode.IDENTIFIER_FORBIDDEN_CHARS: (
        gettext_noop("El identificador «%(value)s» no debe contener los símbolos /, &, | ni ?."),
        _E,
        "1.3.13",
    ),
    RuleCode.IDENTIFIER_DUPLICATE: (
        gettext_noop("El identificador «%(identifier)s» está repetido en el documento."),
        _E,
        None,
    ),
    RuleCode.REPORTING_ORG_AGENCY: (
        gettext_noop(
            "El identificador de la organización informante «%(value)s» debe empezar con un "
            "prefijo de agencia de registro reconocido por IATI (p. ej. MX-RFC-, XI-IATI-)."
        ),
        _W,
        "1.14.8",
    ),
    RuleCode.REPORTING_ORG_SPACES: (
        gettext_noop(
            "El identificador de la organización informante no debe empezar ni terminar con "
            "espacios."
        ),
        _W,
        "1.14.1",
    ),
    RuleCode.REPORTING_ORG_FORBIDDEN_CHARS: (
        gettext_noop(
            "El identificador de la organización informante no debe contener /, &, | ni ?."
        ),
        _W,
        "1.14.13",
    ),
}

_FORBIDDEN_ID_CHARS = re.compile(r"[/&|?]")


def check_reporting_org(c: Collector, org: ReportingOrg) -> None:
    if org.ref != org.ref.strip():
        c.add(RuleCode.REPORTING_ORG_SPACES, "reporting_org.ref")
    if _FORBIDDEN_ID_CHARS.search(org.ref):
        c.add(RuleCode.REPORTING_ORG_FORBIDDEN_CHARS, "reporting_org.ref")
    agencies = c.codelists["OrganisationRegistrationAgency"].codes
    if not any(org.ref.startswith(agency + "-") for agency in agencies):
        c.add(RuleCode.REPORTING_ORG_AGENCY, "reporting_org.ref", value=org.ref)
    c.codelist("OrganisationType", org.type, "reporting_org.type")
    if blank(org.name):
        c.add(RuleCode.PARTICIPANT_REF_OR_NAME, "reporting_org.name")


def check_identifier(c: Collector, activity: Activity, org: ReportingOrg, seen: set[str]) -> None:
    identifier = activity.identifier
    if identifier in seen:
        c.add(RuleCode.IDENTIFIER_DUPLICATE, "identifier", identifier=identifier)
    seen.add(identifier)
    if identifier != identifier.strip():
        c.add(RuleCode.IDENTIFIER_SPACES, "identifier")
    if identifier.strip() == org.ref.strip():
        c.add(RuleCode.IDENTIFIER_EQUALS_ORG, "identifier")
    elif not identifier.startswith(org.ref + "-"):
        c.add(RuleCode.IDENTIFIER_PREFIX, "identifier", identifier=identifier, prefix=org.ref)
    if _FORBIDDEN_ID_CHARS.search(identifier):
        c.add(RuleCode.IDENTIFIER_FORBIDDEN_CHARS, "identifier", value=identifier)
