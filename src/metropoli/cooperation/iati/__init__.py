"""IATI 2.03 publication of the international-cooperation registry (pure Python, no Django).

Typical use::

    codelists = load_codelists(iati_dir / "codelists")
    problems = check_rules(activities, codelists, reporting_org=org, generated_at=now)
    xml = build_activities_xml(org, activities, now)
    schema_errors = validate_against_schema(xml, iati_dir)

See docs/cooperation-iati.md for every mapping and for the extension namespace.
"""

from .builder import build_activities_xml
from .codelists import Codelist, CodelistMissingError, Codelists, load_codelists
from .mappings import EXT_NS, EXT_PREFIX, THEMATIC_AREAS, sectors_from_themes
from .model import (
    Activity,
    ActivityDates,
    Baseline,
    Budget,
    BudgetStatus,
    BudgetType,
    Document,
    Indicator,
    IndicatorMeasure,
    IndicatorPeriod,
    InstituteRole,
    LegalInstrument,
    LegalInstrumentKind,
    Milestone,
    Modality,
    Money,
    Municipality,
    Organisation,
    OrgRole,
    Participant,
    Point,
    RecipientCountry,
    ReportingOrg,
    Result,
    ResultType,
    Scheme,
    SectorShare,
    Stage,
    Text,
    Transaction,
    TransactionKind,
)
from .rules import RuleCode, RuleViolation, Severity, check_rules
from .schema import SchemaError, validate_against_schema

__all__ = [
    "EXT_NS",
    "EXT_PREFIX",
    "THEMATIC_AREAS",
    "Activity",
    "ActivityDates",
    "Baseline",
    "Budget",
    "BudgetStatus",
    "BudgetType",
    "Codelist",
    "CodelistMissingError",
    "Codelists",
    "Document",
    "Indicator",
    "IndicatorMeasure",
    "IndicatorPeriod",
    "InstituteRole",
    "LegalInstrument",
    "LegalInstrumentKind",
    "Milestone",
    "Modality",
    "Money",
    "Municipality",
    "OrgRole",
    "Organisation",
    "Participant",
    "Point",
    "RecipientCountry",
    "ReportingOrg",
    "Result",
    "ResultType",
    "RuleCode",
    "RuleViolation",
    "SchemaError",
    "Scheme",
    "SectorShare",
    "Severity",
    "Stage",
    "Text",
    "Transaction",
    "TransactionKind",
    "build_activities_xml",
    "check_rules",
    "load_codelists",
    "sectors_from_themes",
    "validate_against_schema",
]
