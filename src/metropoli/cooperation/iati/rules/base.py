"""What every rule family shares: the codes, a violation, the collector that records them.

The codes are one enum so that the whole list of stable codes reads in one place; each family
module holds the messages of its own codes and the checks that raise them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from metropoli.common.i18n import gettext_noop

from ..codelists import Codelists
from ..model import Text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class RuleCode(StrEnum):
    IDENTIFIER_PREFIX = "identifier.prefix"
    IDENTIFIER_EQUALS_ORG = "identifier.equals_org"
    IDENTIFIER_SPACES = "identifier.spaces"
    IDENTIFIER_FORBIDDEN_CHARS = "identifier.forbidden_chars"
    IDENTIFIER_DUPLICATE = "identifier.duplicate"
    REPORTING_ORG_AGENCY = "reporting_org.agency_prefix"
    REPORTING_ORG_SPACES = "reporting_org.spaces"
    REPORTING_ORG_FORBIDDEN_CHARS = "reporting_org.forbidden_chars"
    TITLE_EMPTY = "text.title_empty"
    DESCRIPTION_EMPTY = "text.description_empty"
    PARTICIPANT_MISSING = "participant.missing"
    PARTICIPANT_REF_OR_NAME = "participant.ref_or_name"
    PARTICIPANT_REF_SPACES = "participant.ref_spaces"
    TRANSACTION_ORG_REF_OR_NAME = "transaction.org_ref_or_name"
    DATES_START_MISSING = "dates.start_missing"
    DATES_PLANNED_ORDER = "dates.planned_order"
    DATES_ACTUAL_ORDER = "dates.actual_order"
    DATES_ACTUAL_START_FUTURE = "dates.actual_start_future"
    DATES_ACTUAL_END_FUTURE = "dates.actual_end_future"
    LAST_UPDATED_FUTURE = "dates.last_updated_future"
    STAGE_ACTUAL_START_MISSING = "stage.actual_start_missing"
    STAGE_ACTUAL_END_MISSING = "stage.actual_end_missing"
    TRANSACTION_DATE_FUTURE = "transaction.date_future"
    VALUE_DATE_FUTURE = "value.value_date_future"
    VALUE_DATE_MISSING = "value.value_date_missing"
    BUDGET_PERIOD_ORDER = "budget.period_order"
    BUDGET_PERIOD_TOO_LONG = "budget.period_too_long"
    SECTOR_MISSING = "sector.missing"
    SECTOR_PERCENTAGE_MISSING = "sector.percentage_missing"
    SECTOR_PERCENTAGE_SUM = "sector.percentage_sum"
    SECTOR_SINGLE_NOT_100 = "sector.single_not_100"
    SECTOR_PERCENTAGE_RANGE = "sector.percentage_range"
    SECTOR_NARRATIVE_MISSING = "sector.narrative_missing"
    SECTOR_DAC_MISSING = "sector.dac_missing"
    RECIPIENT_MISSING = "recipient.missing"
    RECIPIENT_PERCENTAGE_MISSING = "recipient.percentage_missing"
    RECIPIENT_PERCENTAGE_SUM = "recipient.percentage_sum"
    RECIPIENT_SINGLE_NOT_100 = "recipient.single_not_100"
    RECIPIENT_PERCENTAGE_RANGE = "recipient.percentage_range"
    LOCATION_INEGI_CODE = "location.inegi_code"
    LOCATION_POINT_RANGE = "location.point_range"
    SDG_GOAL_UNKNOWN = "sdg.goal_unknown"
    SDG_TARGET_UNKNOWN = "sdg.target_unknown"
    LEGAL_SIGNED_FUTURE = "legal_instrument.signed_future"
    LEGAL_DATE_ORDER = "legal_instrument.date_order"
    DOCUMENT_URL = "document.url"
    RESULT_INDICATOR_MISSING = "result.indicator_missing"
    RESULT_PERIOD_ORDER = "result.period_order"
    RESULT_VALUE_MISSING = "result.value_missing"
    RESULT_VALUE_NOT_NUMERIC = "result.value_not_numeric"
    RESULT_VALUE_NOT_ALLOWED = "result.value_not_allowed"
    CODELIST_UNKNOWN = "codelist.unknown"
    CODELIST_WITHDRAWN = "codelist.withdrawn"


# code -> (Spanish message template, severity, IATI ruleset id or None for platform rules).
Rule = tuple[str, Severity, str | None]
_E, _W = Severity.ERROR, Severity.WARNING

# Codelist membership is checked in every family, through ``Collector.codelist``.
MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.CODELIST_UNKNOWN: (
        gettext_noop("El código «%(code)s» no pertenece a la lista de códigos IATI %(codelist)s."),
        _E,
        None,
    ),
    RuleCode.CODELIST_WITHDRAWN: (
        gettext_noop(
            "El código «%(code)s» de la lista IATI %(codelist)s fue retirado; usa uno vigente."
        ),
        _W,
        None,
    ),
}

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class RuleViolation:
    code: RuleCode
    activity_identifier: str  # "" for document-level findings (the reporting organisation)
    field: str  # dataclass path, e.g. "transactions[0].amount.value_date"
    message_template: str
    # dataclasses.field: the attribute `field` above hides the bare name in this class body.
    params: Mapping[str, object] = dataclasses.field(default_factory=dict, hash=False)
    severity: Severity = Severity.ERROR
    iati_rule: str | None = None

    @property
    def message(self) -> str:
        return self.message_template % self.params if self.params else self.message_template


class Collector:
    """Records the violations of one check run; ``identifier`` is the activity being checked."""

    def __init__(self, codelists: Codelists, now: datetime, rules: Mapping[RuleCode, Rule]) -> None:
        self.codelists = codelists
        self.rules = rules
        self.now = now
        self.today = now.date()
        self.violations: list[RuleViolation] = []
        self.identifier = ""

    def add(
        self, rule: RuleCode, path: str, /, *, severity: Severity | None = None, **params: object
    ) -> None:
        # Positional-only so that message parameters may be called "code" or "path".
        self.record(rule, path, params, severity)

    def record(
        self,
        rule: RuleCode,
        path: str,
        params: Mapping[str, object],
        severity: Severity | None = None,
    ) -> None:
        """`add` with the message parameters as one mapping (they may be named "severity")."""
        template, default_severity, iati_rule = self.rules[rule]
        self.violations.append(
            RuleViolation(
                code=rule,
                activity_identifier=self.identifier,
                field=path,
                message_template=template,
                params=dict(params),
                severity=severity or default_severity,
                iati_rule=iati_rule,
            )
        )

    def codelist(self, name: str, code: str | None, path: str) -> None:
        if code is None:
            return
        codelist = self.codelists[name]
        if code not in codelist:
            # Open-ended IATI lists (complete="0") only warrant a warning.
            severity = Severity.ERROR if codelist.complete else Severity.WARNING
            self.add(RuleCode.CODELIST_UNKNOWN, path, severity=severity, code=code, codelist=name)
        elif code in codelist.withdrawn:
            self.add(RuleCode.CODELIST_WITHDRAWN, path, code=code, codelist=name)


def aware(moment: datetime) -> datetime:
    # Naive datetimes are taken as UTC so naive/aware mixes can still be compared.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def blank(text: Text | None) -> bool:
    return text is None or not text.es.strip()


def check_percentages(
    c: Collector,
    items: Sequence[tuple[str, Decimal | None]],
    path: str,
    codes: tuple[RuleCode, RuleCode, RuleCode, RuleCode],
    **params: object,
) -> None:
    """Shared IATI logic for one percentage group (one sector vocabulary, or countries).

    Once a percentage is out of range or missing the sum is meaningless, so the later checks
    are skipped: one mistake yields one violation.
    """
    range_code, missing_code, sum_code, single_code = codes
    out_of_range = False
    for code, pct in items:
        if pct is not None and not (0 <= pct <= HUNDRED):
            c.record(range_code, path, {"code": code, "value": str(pct), **params})
            out_of_range = True
    if out_of_range:
        return
    if len(items) == 1:
        pct = items[0][1]
        if pct is not None and pct != HUNDRED:
            c.record(single_code, path, {"value": str(pct), **params})
        return
    if any(pct is None for _, pct in items):
        c.record(missing_code, path, params)
        return
    total = sum((pct for _, pct in items if pct is not None), Decimal(0))
    if total != HUNDRED:
        c.record(sum_code, path, {"total": str(total), **params})
