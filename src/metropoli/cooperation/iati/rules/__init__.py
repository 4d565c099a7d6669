"""Rule checks on the dataclasses before publishing, following IATI's 2.03 ruleset.

The checks implement the subset of ``rulesets/standard.json`` (IATI-Rulesets, version-2.03)
that applies to what ``build_activities_xml`` can emit, plus codelist membership and a few
platform rules (marked ``iati_rule=None``). They run on the dataclasses rather than on the
XML so that each violation can name the platform field to fix.

Codes are stable API: the Django layer may key on them. Messages are Spanish (es-MX)
templates marked with ``gettext_noop`` and formatted with ``%(name)s`` parameters.

One module per rule family (``identifiers``, ``texts``, ``organisations``, ``dates``,
``finance``, ``geography``, ``sectors``, ``classifications``, ``documents``, ``results``), each
with the messages of its codes and its checks; ``base`` holds the codes, the violation and the
collector. This module assembles the rule table and runs the families in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from ..codelists import Codelists
from ..model import Activity, ReportingOrg
from . import (
    base,
    classifications,
    dates,
    documents,
    finance,
    geography,
    identifiers,
    organisations,
    results,
    sectors,
    texts,
)
from .base import Collector, Rule, RuleCode, RuleViolation, Severity
from .classifications import check_classifications
from .dates import check_dates
from .documents import check_documents_and_instruments
from .finance import check_finance
from .geography import check_geography
from .identifiers import check_identifier, check_reporting_org
from .organisations import check_participants
from .results import check_results
from .sectors import check_sectors
from .texts import check_texts

__all__ = [
    "REQUIRED_CODELISTS",
    "RULES",
    "RuleCode",
    "RuleViolation",
    "Severity",
    "check_rules",
]

_FAMILIES = (
    base,
    identifiers,
    texts,
    organisations,
    dates,
    finance,
    sectors,
    geography,
    classifications,
    documents,
    results,
)


def _rule_table() -> dict[RuleCode, Rule]:
    """Every family's messages, in the order of ``RuleCode``; each code in exactly one family."""
    merged: dict[RuleCode, Rule] = {}
    for family in _FAMILIES:
        for code, rule in family.MESSAGES.items():
            if code in merged:
                raise RuntimeError(f"{code} has a message in two rule families")
            merged[code] = rule
    missing = set(RuleCode) - set(merged)
    if missing:
        raise RuntimeError(f"no message for {sorted(missing)}")
    return {code: merged[code] for code in RuleCode}


RULES: Mapping[RuleCode, Rule] = _rule_table()

REQUIRED_CODELISTS: tuple[str, ...] = (
    "ActivityStatus",
    "AidType",
    "BudgetStatus",
    "BudgetType",
    "CollaborationType",
    "Country",
    "Currency",
    "DocumentCategory",
    "FileFormat",
    "Language",
    "OrganisationRegistrationAgency",
    "OrganisationRole",
    "OrganisationType",
    "Sector",
    "SectorCategory",
    "SectorVocabulary",
    "TagVocabulary",
    "TransactionType",
    "UNSDG-Goals",
    "UNSDG-Targets",
)


def check_rules(
    activities: Iterable[Activity],
    codelists: Codelists,
    *,
    reporting_org: ReportingOrg,
    generated_at: datetime | None = None,
) -> list[RuleViolation]:
    """Check ``activities`` as they would be published by ``reporting_org`` at ``generated_at``.

    ``reporting_org`` is required because identifiers must carry its prefix; ``generated_at``
    (default: now, UTC) is the "now" of the "not in the future" rules, so a document can be
    re-checked exactly as it was generated.
    """
    codelists.require(REQUIRED_CODELISTS)
    c = Collector(codelists, generated_at or datetime.now(UTC), RULES)
    check_reporting_org(c, reporting_org)
    seen: set[str] = set()
    for activity in activities:
        c.identifier = activity.identifier
        check_identifier(c, activity, reporting_org, seen)
        check_texts(c, activity)
        check_participants(c, activity)
        check_dates(c, activity)
        check_geography(c, activity.recipient_countries, activity)
        check_sectors(c, activity.sectors)
        check_classifications(c, activity)
        check_finance(c, activity)
        check_documents_and_instruments(c, activity)
        check_results(c, activity)
    return c.violations
