"""Rule checks on the dataclasses before publishing, following IATI's 2.03 ruleset.

The checks implement the subset of ``rulesets/standard.json`` (IATI-Rulesets, version-2.03)
that applies to what ``build_activities_xml`` can emit, plus codelist membership and a few
platform rules (marked ``iati_rule=None``). They run on the dataclasses rather than on the
XML so that each violation can name the platform field to fix.

Codes are stable API: the Django layer may key on them. Messages are Spanish (es-MX)
templates marked with ``gettext_noop`` and formatted with ``%(name)s`` parameters.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from urllib.parse import urlsplit

from .codelists import Codelists
from .i18n import gettext_noop
from .mappings import (
    BUDGET_STATUS_TO_IATI,
    BUDGET_TYPE_TO_IATI,
    MODALITY_TO_DEFAULT_AID_TYPE,
    ORG_ROLE_TO_IATI,
    REPORTING_ORG_VOCABULARY,
    SCHEME_TO_COLLABORATION_TYPE,
    SECTOR_VOCABULARY_DAC5,
    STAGE_TO_ACTIVITY_STATUS,
    TAG_VOCABULARY_SDG_GOAL,
    TAG_VOCABULARY_SDG_TARGET,
    TRANSACTION_KIND_TO_IATI,
)
from .model import (
    Activity,
    IndicatorMeasure,
    Money,
    Organisation,
    RecipientCountry,
    ReportingOrg,
    SectorShare,
    Stage,
    Text,
)


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


_E, _W = Severity.ERROR, Severity.WARNING

# code -> (Spanish message template, severity, IATI ruleset id or None for platform rules).
# IATI rates some identifier rules as warnings; we make them errors because we mint the ids.
RULES: Mapping[RuleCode, tuple[str, Severity, str | None]] = {
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
    RuleCode.TITLE_EMPTY: (gettext_noop("El título no puede estar vacío."), _E, "4.3.1"),
    RuleCode.DESCRIPTION_EMPTY: (gettext_noop("La descripción no puede estar vacía."), _E, "4.4.1"),
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
    RuleCode.DATES_START_MISSING: (
        gettext_noop("La actividad debe tener fecha de inicio planeada o real."),
        _E,
        "6.11.1",
    ),
    RuleCode.DATES_PLANNED_ORDER: (
        gettext_noop(
            "La fecha de inicio planeada (%(start)s) debe ser anterior a la fecha de término "
            "planeada (%(end)s)."
        ),
        _E,
        "11.1.2",
    ),
    RuleCode.DATES_ACTUAL_ORDER: (
        gettext_noop(
            "La fecha de inicio real (%(start)s) debe ser anterior a la fecha de término real "
            "(%(end)s)."
        ),
        _E,
        "11.1.3",
    ),
    RuleCode.DATES_ACTUAL_START_FUTURE: (
        gettext_noop("La fecha de inicio real (%(date)s) no puede estar en el futuro (%(now)s)."),
        _E,
        "11.1.4",
    ),
    RuleCode.DATES_ACTUAL_END_FUTURE: (
        gettext_noop("La fecha de término real (%(date)s) no puede estar en el futuro (%(now)s)."),
        _E,
        "11.1.5",
    ),
    RuleCode.LAST_UPDATED_FUTURE: (
        gettext_noop("La fecha de última actualización (%(date)s) no puede estar en el futuro."),
        _E,
        "11.1.1",
    ),
    RuleCode.STAGE_ACTUAL_START_MISSING: (
        gettext_noop("Un proyecto en la etapa «%(stage)s» debe registrar su fecha de inicio real."),
        _W,
        None,
    ),
    RuleCode.STAGE_ACTUAL_END_MISSING: (
        gettext_noop("Un proyecto cerrado debe registrar su fecha de término real."),
        _W,
        None,
    ),
    RuleCode.TRANSACTION_DATE_FUTURE: (
        gettext_noop("La fecha de la transacción (%(date)s) no puede estar en el futuro."),
        _E,
        "11.2.1",
    ),
    RuleCode.VALUE_DATE_FUTURE: (
        gettext_noop("La fecha valor (%(date)s) de la transacción no puede estar en el futuro."),
        _E,
        "11.2.2",
    ),
    RuleCode.VALUE_DATE_MISSING: (
        gettext_noop("Todo monto necesita una fecha valor (fecha del tipo de cambio)."),
        _E,
        None,
    ),
    RuleCode.BUDGET_PERIOD_ORDER: (
        gettext_noop(
            "El inicio del periodo del presupuesto (%(start)s) debe ser anterior a su fin "
            "(%(end)s)."
        ),
        _E,
        "8.6.3",
    ),
    RuleCode.BUDGET_PERIOD_TOO_LONG: (
        gettext_noop(
            "El periodo del presupuesto (%(start)s a %(end)s) no puede durar más de un año."
        ),
        _E,
        "7.5.3",
    ),
    RuleCode.SECTOR_MISSING: (
        gettext_noop("La actividad debe declarar al menos un sector (área temática)."),
        _E,
        "6.2.2",
    ),
    RuleCode.SECTOR_PERCENTAGE_MISSING: (
        gettext_noop(
            "Con varios sectores en el vocabulario %(vocabulary)s, cada uno debe tener porcentaje."
        ),
        _E,
        "2.1.1",
    ),
    RuleCode.SECTOR_PERCENTAGE_SUM: (
        gettext_noop(
            "Los porcentajes de los sectores del vocabulario %(vocabulary)s suman %(total)s; "
            "deben sumar 100."
        ),
        _E,
        "2.1.2",
    ),
    RuleCode.SECTOR_SINGLE_NOT_100: (
        gettext_noop(
            "Con un solo sector en el vocabulario %(vocabulary)s, el porcentaje debe omitirse "
            "o ser 100 (es %(value)s)."
        ),
        _E,
        "2.1.4",
    ),
    RuleCode.SECTOR_PERCENTAGE_RANGE: (
        gettext_noop("El porcentaje del sector %(code)s (%(value)s) debe estar entre 0 y 100."),
        _E,
        "12.3.1",
    ),
    RuleCode.SECTOR_NARRATIVE_MISSING: (
        gettext_noop("El sector propio %(code)s (vocabulario %(vocabulary)s) necesita un nombre."),
        _E,
        "2.2.1",
    ),
    RuleCode.SECTOR_DAC_MISSING: (
        gettext_noop(
            "Además de los sectores propios, declare al menos un sector del CAD de la OCDE "
            "(vocabulario 1)."
        ),
        _W,
        "102.1.1",
    ),
    RuleCode.RECIPIENT_MISSING: (
        gettext_noop("La actividad debe declarar al menos un país receptor."),
        _E,
        "3.7.1",
    ),
    RuleCode.RECIPIENT_PERCENTAGE_MISSING: (
        gettext_noop("Con varios países receptores, cada uno debe tener porcentaje."),
        _E,
        "3.1.1",
    ),
    RuleCode.RECIPIENT_PERCENTAGE_SUM: (
        gettext_noop("Los porcentajes de los países receptores suman %(total)s; deben sumar 100."),
        _E,
        "3.1.2",
    ),
    RuleCode.RECIPIENT_SINGLE_NOT_100: (
        gettext_noop(
            "Con un solo país receptor, el porcentaje debe omitirse o ser 100 (es %(value)s)."
        ),
        _E,
        "3.1.4",
    ),
    RuleCode.RECIPIENT_PERCENTAGE_RANGE: (
        gettext_noop("El porcentaje del país %(code)s (%(value)s) debe estar entre 0 y 100."),
        _E,
        "12.1.1",
    ),
    RuleCode.LOCATION_INEGI_CODE: (
        gettext_noop(
            "La clave INEGI del municipio «%(name)s» debe tener cinco dígitos (es «%(value)s»)."
        ),
        _E,
        None,
    ),
    RuleCode.LOCATION_POINT_RANGE: (
        gettext_noop(
            "Las coordenadas del municipio «%(name)s» están fuera de rango (latitud ±90, "
            "longitud ±180)."
        ),
        _E,
        None,
    ),
    RuleCode.SDG_GOAL_UNKNOWN: (
        gettext_noop("«%(code)s» no es un Objetivo de Desarrollo Sostenible (1 a 17)."),
        _E,
        None,
    ),
    RuleCode.SDG_TARGET_UNKNOWN: (
        gettext_noop(
            "«%(code)s» no es una meta válida de los Objetivos de Desarrollo Sostenible "
            "(p. ej. 11.2)."
        ),
        _E,
        None,
    ),
    RuleCode.LEGAL_SIGNED_FUTURE: (
        gettext_noop("La fecha de firma del instrumento (%(date)s) no puede estar en el futuro."),
        _E,
        None,
    ),
    RuleCode.LEGAL_DATE_ORDER: (
        gettext_noop(
            "La vigencia del instrumento (%(end)s) no puede terminar antes de su firma (%(start)s)."
        ),
        _E,
        None,
    ),
    RuleCode.DOCUMENT_URL: (
        gettext_noop(
            "La dirección del documento debe ser un URL http(s) absoluto (es «%(value)s»)."
        ),
        _E,
        None,
    ),
    RuleCode.RESULT_INDICATOR_MISSING: (
        gettext_noop("Cada resultado debe tener al menos un indicador."),
        _E,
        None,
    ),
    RuleCode.RESULT_PERIOD_ORDER: (
        gettext_noop(
            "El inicio del periodo del indicador (%(start)s) debe ser anterior a su fin (%(end)s)."
        ),
        _E,
        "8.6.1",
    ),
    RuleCode.RESULT_VALUE_MISSING: (
        gettext_noop("Un indicador cuantitativo necesita un valor de línea base."),
        _E,
        "8.8.1",
    ),
    RuleCode.RESULT_VALUE_NOT_NUMERIC: (
        gettext_noop("El valor «%(value)s» de un indicador cuantitativo debe ser numérico."),
        _W,
        "8.8.2/8.9.2/8.10.2",
    ),
    RuleCode.RESULT_VALUE_NOT_ALLOWED: (
        gettext_noop("Un indicador cualitativo no lleva valor numérico (se recibió «%(value)s»)."),
        _W,
        "8.8.3/8.9.3/8.10.3",
    ),
    RuleCode.CODELIST_UNKNOWN: (
        gettext_noop("El código «%(code)s» no pertenece a la lista de códigos IATI %(codelist)s."),
        _E,
        None,
    ),
    RuleCode.CODELIST_WITHDRAWN: (
        gettext_noop(
            "El código «%(code)s» de la lista IATI %(codelist)s fue retirado; use uno vigente."
        ),
        _W,
        None,
    ),
}

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

SECTOR_VOCABULARY_CODELIST: Mapping[str, str] = {
    "1": "Sector",
    "2": "SectorCategory",
    "7": "UNSDG-Goals",
    "8": "UNSDG-Targets",
}

_FORBIDDEN_ID_CHARS = re.compile(r"[/&|?]")
_INEGI_MUNICIPALITY = re.compile(r"^\d{5}$")
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class RuleViolation:
    code: RuleCode
    activity_identifier: str  # "" for document-level findings (the reporting organisation)
    field: str  # dataclass path, e.g. "transactions[0].amount.value_date"
    message_template: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    severity: Severity = Severity.ERROR
    iati_rule: str | None = None

    @property
    def message(self) -> str:
        return self.message_template % self.params if self.params else self.message_template


class _Collector:
    def __init__(self, codelists: Codelists, now: datetime) -> None:
        self.codelists = codelists
        self.now = now
        self.today = now.date()
        self.violations: list[RuleViolation] = []
        self.identifier = ""

    def add(
        self, rule: RuleCode, path: str, /, *, severity: Severity | None = None, **params: object
    ) -> None:
        # Positional-only so that message parameters may be called "code" or "path".
        template, default_severity, iati_rule = RULES[rule]
        self.violations.append(
            RuleViolation(
                code=rule,
                activity_identifier=self.identifier,
                field=path,
                message_template=template,
                params=params,
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


def _aware(moment: datetime) -> datetime:
    # Naive datetimes are taken as UTC so naive/aware mixes can still be compared.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _blank(text: Text | None) -> bool:
    return text is None or not text.es.strip()


def _one_year_after(start: date) -> date:
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _check_reporting_org(c: _Collector, org: ReportingOrg) -> None:
    if org.ref != org.ref.strip():
        c.add(RuleCode.REPORTING_ORG_SPACES, "reporting_org.ref")
    if _FORBIDDEN_ID_CHARS.search(org.ref):
        c.add(RuleCode.REPORTING_ORG_FORBIDDEN_CHARS, "reporting_org.ref")
    agencies = c.codelists["OrganisationRegistrationAgency"].codes
    if not any(org.ref.startswith(agency + "-") for agency in agencies):
        c.add(RuleCode.REPORTING_ORG_AGENCY, "reporting_org.ref", value=org.ref)
    c.codelist("OrganisationType", org.type, "reporting_org.type")
    if _blank(org.name):
        c.add(RuleCode.PARTICIPANT_REF_OR_NAME, "reporting_org.name")


def _check_identifier(c: _Collector, activity: Activity, org: ReportingOrg, seen: set[str]) -> None:
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


def _check_org(c: _Collector, org: Organisation, path: str, missing: RuleCode) -> None:
    if not (org.ref and org.ref.strip()) and _blank(org.name):
        c.add(missing, path)
    c.codelist("OrganisationType", org.type, f"{path}.type")


def _check_participants(c: _Collector, activity: Activity) -> None:
    if not activity.participants:
        c.add(RuleCode.PARTICIPANT_MISSING, "participants")
    for i, participant in enumerate(activity.participants):
        path = f"participants[{i}]"
        _check_org(c, participant.org, f"{path}.org", RuleCode.PARTICIPANT_REF_OR_NAME)
        if participant.org.ref and participant.org.ref != participant.org.ref.strip():
            c.add(RuleCode.PARTICIPANT_REF_SPACES, f"{path}.org.ref")
        c.codelist("OrganisationRole", ORG_ROLE_TO_IATI[participant.role], f"{path}.role")


def _check_dates(c: _Collector, activity: Activity) -> None:
    d = activity.dates
    if d.planned_start is None and d.actual_start is None:
        c.add(RuleCode.DATES_START_MISSING, "dates.planned_start")
    if d.planned_start and d.planned_end and d.planned_start > d.planned_end:
        c.add(
            RuleCode.DATES_PLANNED_ORDER,
            "dates.planned_end",
            start=d.planned_start.isoformat(),
            end=d.planned_end.isoformat(),
        )
    if d.actual_start and d.actual_end and d.actual_start > d.actual_end:
        c.add(
            RuleCode.DATES_ACTUAL_ORDER,
            "dates.actual_end",
            start=d.actual_start.isoformat(),
            end=d.actual_end.isoformat(),
        )
    if d.actual_start and d.actual_start > c.today:
        c.add(
            RuleCode.DATES_ACTUAL_START_FUTURE,
            "dates.actual_start",
            date=d.actual_start.isoformat(),
            now=c.today.isoformat(),
        )
    if d.actual_end and d.actual_end > c.today:
        c.add(
            RuleCode.DATES_ACTUAL_END_FUTURE,
            "dates.actual_end",
            date=d.actual_end.isoformat(),
            now=c.today.isoformat(),
        )
    if activity.last_updated and _aware(activity.last_updated) > _aware(c.now):
        c.add(RuleCode.LAST_UPDATED_FUTURE, "last_updated", date=activity.last_updated.isoformat())
    # IATI guidance: an activity in implementation (or closed) has actually started.
    if activity.stage in (Stage.IMPLEMENTATION, Stage.CLOSED) and d.actual_start is None:
        c.add(RuleCode.STAGE_ACTUAL_START_MISSING, "dates.actual_start", stage=activity.stage.value)
    if activity.stage is Stage.CLOSED and d.actual_end is None:
        c.add(RuleCode.STAGE_ACTUAL_END_MISSING, "dates.actual_end")


def _check_money(c: _Collector, money: Money, path: str, *, transaction: bool) -> None:
    c.codelist("Currency", money.currency, f"{path}.currency")
    if money.value_date is None:
        c.add(RuleCode.VALUE_DATE_MISSING, f"{path}.value_date")
    elif transaction and money.value_date > c.today:
        c.add(RuleCode.VALUE_DATE_FUTURE, f"{path}.value_date", date=money.value_date.isoformat())


def _check_finance(c: _Collector, activity: Activity) -> None:
    c.codelist("Currency", activity.default_currency, "default_currency")
    for i, tx in enumerate(activity.transactions):
        path = f"transactions[{i}]"
        c.codelist("TransactionType", TRANSACTION_KIND_TO_IATI[tx.kind], f"{path}.kind")
        if tx.date > c.today:
            c.add(RuleCode.TRANSACTION_DATE_FUTURE, f"{path}.date", date=tx.date.isoformat())
        _check_money(c, tx.amount, f"{path}.amount", transaction=True)
        if tx.provider is not None:
            _check_org(c, tx.provider, f"{path}.provider", RuleCode.TRANSACTION_ORG_REF_OR_NAME)
        if tx.receiver is not None:
            _check_org(c, tx.receiver, f"{path}.receiver", RuleCode.TRANSACTION_ORG_REF_OR_NAME)
    for i, budget in enumerate(activity.budgets):
        path = f"budgets[{i}]"
        c.codelist("BudgetStatus", BUDGET_STATUS_TO_IATI[budget.status], f"{path}.status")
        c.codelist("BudgetType", BUDGET_TYPE_TO_IATI[budget.type], f"{path}.type")
        start, end = budget.period_start, budget.period_end
        if start > end:
            c.add(
                RuleCode.BUDGET_PERIOD_ORDER,
                f"{path}.period_end",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        elif end > _one_year_after(start):
            c.add(
                RuleCode.BUDGET_PERIOD_TOO_LONG,
                f"{path}.period_end",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        _check_money(c, budget.amount, f"{path}.amount", transaction=False)


def _check_percentages(
    c: _Collector,
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
            c.add(range_code, path, code=code, value=str(pct), **params)
            out_of_range = True
    if out_of_range:
        return
    if len(items) == 1:
        pct = items[0][1]
        if pct is not None and pct != HUNDRED:
            c.add(single_code, path, value=str(pct), **params)
        return
    if any(pct is None for _, pct in items):
        c.add(missing_code, path, **params)
        return
    total = sum((pct for _, pct in items if pct is not None), Decimal(0))
    if total != HUNDRED:
        c.add(sum_code, path, total=str(total), **params)


def _check_sectors(c: _Collector, sectors: Sequence[SectorShare]) -> None:
    if not sectors:
        c.add(RuleCode.SECTOR_MISSING, "sectors")
        return
    by_vocabulary: dict[str, list[tuple[int, SectorShare]]] = defaultdict(list)
    for i, sector in enumerate(sectors):
        by_vocabulary[sector.vocabulary].append((i, sector))
        c.codelist("SectorVocabulary", sector.vocabulary, f"sectors[{i}].vocabulary")
        codelist = SECTOR_VOCABULARY_CODELIST.get(sector.vocabulary)
        if codelist is not None:
            c.codelist(codelist, sector.code, f"sectors[{i}].code")
        if sector.vocabulary in ("98", "99") and _blank(sector.name):
            c.add(
                RuleCode.SECTOR_NARRATIVE_MISSING,
                f"sectors[{i}].name",
                code=sector.code,
                vocabulary=sector.vocabulary,
            )
    for vocabulary, group in by_vocabulary.items():
        _check_percentages(
            c,
            [(s.code, s.percentage) for _, s in group],
            f"sectors[vocabulary={vocabulary}].percentage",
            (
                RuleCode.SECTOR_PERCENTAGE_RANGE,
                RuleCode.SECTOR_PERCENTAGE_MISSING,
                RuleCode.SECTOR_PERCENTAGE_SUM,
                RuleCode.SECTOR_SINGLE_NOT_100,
            ),
            vocabulary=vocabulary,
        )
    if SECTOR_VOCABULARY_DAC5 not in by_vocabulary:
        c.add(RuleCode.SECTOR_DAC_MISSING, "sectors")


def _check_geography(
    c: _Collector, countries: Sequence[RecipientCountry], activity: Activity
) -> None:
    if not countries:
        c.add(RuleCode.RECIPIENT_MISSING, "recipient_countries")
    for i, country in enumerate(countries):
        c.codelist("Country", country.code, f"recipient_countries[{i}].code")
    if countries:
        _check_percentages(
            c,
            [(country.code, country.percentage) for country in countries],
            "recipient_countries.percentage",
            (
                RuleCode.RECIPIENT_PERCENTAGE_RANGE,
                RuleCode.RECIPIENT_PERCENTAGE_MISSING,
                RuleCode.RECIPIENT_PERCENTAGE_SUM,
                RuleCode.RECIPIENT_SINGLE_NOT_100,
            ),
        )
    for i, municipality in enumerate(activity.municipalities):
        path = f"municipalities[{i}]"
        if not _INEGI_MUNICIPALITY.match(municipality.inegi_code):
            c.add(
                RuleCode.LOCATION_INEGI_CODE,
                f"{path}.inegi_code",
                name=municipality.name,
                value=municipality.inegi_code,
            )
        point = municipality.point
        if point is not None and not (
            -90 <= point.latitude <= 90 and -180 <= point.longitude <= 180
        ):
            c.add(RuleCode.LOCATION_POINT_RANGE, f"{path}.point", name=municipality.name)


def _check_classifications(c: _Collector, activity: Activity) -> None:
    c.codelist("ActivityStatus", STAGE_TO_ACTIVITY_STATUS[activity.stage], "stage")
    c.codelist("TagVocabulary", TAG_VOCABULARY_SDG_GOAL, "sdg_goals")
    c.codelist("TagVocabulary", TAG_VOCABULARY_SDG_TARGET, "sdg_targets")
    c.codelist("TagVocabulary", REPORTING_ORG_VOCABULARY, "scheme")
    goals = c.codelists["UNSDG-Goals"]
    targets = c.codelists["UNSDG-Targets"]
    for i, goal in enumerate(activity.sdg_goals):
        if goal not in goals:
            c.add(RuleCode.SDG_GOAL_UNKNOWN, f"sdg_goals[{i}]", code=goal)
    for i, target in enumerate(activity.sdg_targets):
        if target not in targets:
            c.add(RuleCode.SDG_TARGET_UNKNOWN, f"sdg_targets[{i}]", code=target)
    collaboration = SCHEME_TO_COLLABORATION_TYPE.get(activity.scheme)
    c.codelist("CollaborationType", collaboration, "scheme")
    for modality in activity.modalities:
        c.codelist("AidType", MODALITY_TO_DEFAULT_AID_TYPE.get(modality), "modalities")


def _check_texts(c: _Collector, activity: Activity) -> None:
    if _blank(activity.title):
        c.add(RuleCode.TITLE_EMPTY, "title")
    if _blank(activity.description):
        c.add(RuleCode.DESCRIPTION_EMPTY, "description")
    if activity.objectives is not None and _blank(activity.objectives):
        c.add(RuleCode.DESCRIPTION_EMPTY, "objectives")


def _check_url(c: _Collector, url: str, path: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        c.add(RuleCode.DOCUMENT_URL, path, value=url)


def _check_documents_and_instruments(c: _Collector, activity: Activity) -> None:
    for i, doc in enumerate(activity.documents):
        path = f"documents[{i}]"
        if _blank(doc.title):
            c.add(RuleCode.TITLE_EMPTY, f"{path}.title")
        _check_url(c, doc.url, f"{path}.url")
        c.codelist("DocumentCategory", doc.category, f"{path}.category")
        c.codelist("FileFormat", doc.format, f"{path}.format")
        c.codelist("Language", doc.language, f"{path}.language")
    for i, instrument in enumerate(activity.legal_instruments):
        path = f"legal_instruments[{i}]"
        if _blank(instrument.title):
            c.add(RuleCode.TITLE_EMPTY, f"{path}.title")
        if instrument.url is not None:
            _check_url(c, instrument.url, f"{path}.url")
        if instrument.signed_on and instrument.signed_on > c.today:
            c.add(
                RuleCode.LEGAL_SIGNED_FUTURE,
                f"{path}.signed_on",
                date=instrument.signed_on.isoformat(),
            )
        if (
            instrument.signed_on
            and instrument.valid_until
            and instrument.valid_until < instrument.signed_on
        ):
            c.add(
                RuleCode.LEGAL_DATE_ORDER,
                f"{path}.valid_until",
                start=instrument.signed_on.isoformat(),
                end=instrument.valid_until.isoformat(),
            )
        for j, party in enumerate(instrument.parties):
            _check_org(c, party, f"{path}.parties[{j}]", RuleCode.PARTICIPANT_REF_OR_NAME)


def _is_number(value: str) -> bool:
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _check_indicator_value(
    c: _Collector, value: str | None, measure: IndicatorMeasure, path: str, *, required: bool
) -> None:
    if measure is IndicatorMeasure.QUALITATIVE:
        if value is not None:
            c.add(RuleCode.RESULT_VALUE_NOT_ALLOWED, path, value=value)
    elif value is None:
        if required:
            c.add(RuleCode.RESULT_VALUE_MISSING, path)
    elif not _is_number(value):
        c.add(RuleCode.RESULT_VALUE_NOT_NUMERIC, path, value=value)


def _check_results(c: _Collector, activity: Activity) -> None:
    for i, result in enumerate(activity.results):
        path = f"results[{i}]"
        if _blank(result.title):
            c.add(RuleCode.TITLE_EMPTY, f"{path}.title")
        if not result.indicators:
            c.add(RuleCode.RESULT_INDICATOR_MISSING, f"{path}.indicators")
        for j, indicator in enumerate(result.indicators):
            ipath = f"{path}.indicators[{j}]"
            if _blank(indicator.title):
                c.add(RuleCode.TITLE_EMPTY, f"{ipath}.title")
            if indicator.baseline is not None:
                _check_indicator_value(
                    c,
                    indicator.baseline.value,
                    indicator.measure,
                    f"{ipath}.baseline.value",
                    required=True,
                )
            for k, period in enumerate(indicator.periods):
                ppath = f"{ipath}.periods[{k}]"
                if period.start > period.end:
                    c.add(
                        RuleCode.RESULT_PERIOD_ORDER,
                        f"{ppath}.end",
                        start=period.start.isoformat(),
                        end=period.end.isoformat(),
                    )
                # target/actual are only emitted when set, so absence is not a violation.
                _check_indicator_value(
                    c, period.target, indicator.measure, f"{ppath}.target", required=False
                )
                _check_indicator_value(
                    c, period.actual, indicator.measure, f"{ppath}.actual", required=False
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
    c = _Collector(codelists, generated_at or datetime.now(UTC))
    _check_reporting_org(c, reporting_org)
    seen: set[str] = set()
    for activity in activities:
        c.identifier = activity.identifier
        _check_identifier(c, activity, reporting_org, seen)
        _check_texts(c, activity)
        _check_participants(c, activity)
        _check_dates(c, activity)
        _check_geography(c, activity.recipient_countries, activity)
        _check_sectors(c, activity.sectors)
        _check_classifications(c, activity)
        _check_finance(c, activity)
        _check_documents_and_instruments(c, activity)
        _check_results(c, activity)
    return c.violations
