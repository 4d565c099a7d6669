"""Participating organisations and the organisations of transactions."""

from __future__ import annotations

from collections.abc import Mapping

from metropoli.common.i18n import gettext_noop

from ..mappings import ORG_ROLE_TO_IATI
from ..model import Activity, Organisation
from .base import Collector, Rule, RuleCode, Severity, blank

_E, _W = Severity.ERROR, Severity.WARNING

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.PARTICIPANT_MISSING: (
        gettext_noop("La actividad debe tener al menos una organización participante."),
        _E,
        None,
    ),
    RuleCode.PARTICIPANT_REF_OR_NAME: (
        gettext_noop("La organización participante necesita un identificador o un nombre."),
        _E,
        "6.10.1",
    ),
    RuleCode.PARTICIPANT_REF_SPACES: (
        gettext_noop(
            "El identificador de la organización participante no debe empezar ni terminar con "
            "espacios."
        ),
        _W,
        "1.8.1",
    ),
    RuleCode.TRANSACTION_ORG_REF_OR_NAME: (
        gettext_noop("La organización de la transacción necesita un identificador o un nombre."),
        _E,
        "6.9.1/6.9.2",
    ),
}


def check_org(c: Collector, org: Organisation, path: str, missing: RuleCode) -> None:
    if not (org.ref and org.ref.strip()) and blank(org.name):
        c.add(missing, path)
    c.codelist("OrganisationType", org.type, f"{path}.type")


def check_participants(c: Collector, activity: Activity) -> None:
    if not activity.participants:
        c.add(RuleCode.PARTICIPANT_MISSING, "participants")
    for i, participant in enumerate(activity.participants):
        path = f"participants[{i}]"
        check_org(c, participant.org, f"{path}.org", RuleCode.PARTICIPANT_REF_OR_NAME)
        if participant.org.ref and participant.org.ref != participant.org.ref.strip():
            c.add(RuleCode.PARTICIPANT_REF_SPACES, f"{path}.org.ref")
        c.codelist("OrganisationRole", ORG_ROLE_TO_IATI[participant.role], f"{path}.role")
