"""Plain dataclasses describing what the platform knows about a cooperation project.

These are the contract between the Django layer (which maps its models onto them) and the
IATI builder/rule checker. They are frozen so a built document can never drift from the
data that was checked, and they hold raw codes (currency, organisation type, sector...)
as strings on purpose: codelist membership is a *rule* reported with a Spanish message,
not a crash at construction time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class Stage(StrEnum):
    """Life-cycle stage of a cooperation project as the institute tracks it."""

    EXPLORATION = "exploration"
    LINKAGE = "linkage"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    AGREEMENT = "agreement"
    IMPLEMENTATION = "implementation"
    CLOSED = "closed"
    NOT_PURSUED = "not_pursued"


class OrgRole(StrEnum):
    FUNDER = "funder"
    IMPLEMENTER = "implementer"
    RECEIVER = "receiver"
    ACCOUNTABLE = "accountable"


class Modality(StrEnum):
    TECHNICAL = "technical"
    FINANCIAL = "financial"
    EDUCATIONAL_CULTURAL = "educational_cultural"
    HUMANITARIAN = "humanitarian"
    DECENTRALISED = "decentralised"


class Scheme(StrEnum):
    DIRECT = "direct"
    HORIZONTAL = "horizontal"  # South-South / city-to-city between peers
    TRIANGULAR = "triangular"


class InstituteRole(StrEnum):
    """Whether the institute receives or offers cooperation in this project."""

    RECEIVER = "receiver"
    PROVIDER = "provider"
    # Horizontal (South-South) co-operation is usually reciprocal: both peers offer and
    # receive. AMEXCID's registry calls this role "dual".
    DUAL = "dual"


class TransactionKind(StrEnum):
    INCOMING_COMMITMENT = "incoming_commitment"
    INCOMING_FUNDS = "incoming_funds"
    INCOMING_PLEDGE = "incoming_pledge"
    OUTGOING_COMMITMENT = "outgoing_commitment"
    OUTGOING_PLEDGE = "outgoing_pledge"
    DISBURSEMENT = "disbursement"
    EXPENDITURE = "expenditure"


class BudgetStatus(StrEnum):
    INDICATIVE = "indicative"
    COMMITTED = "committed"


class BudgetType(StrEnum):
    ORIGINAL = "original"
    REVISED = "revised"


class LegalInstrumentKind(StrEnum):
    CONVENIO = "convenio"  # binding agreement (convenio de colaboración / financiamiento)
    MOU = "mou"  # memorandum of understanding / carta de intención
    LETTER = "letter"  # letter of agreement, award or acceptance


class ResultType(StrEnum):
    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"
    OTHER = "other"


class IndicatorMeasure(StrEnum):
    UNIT = "unit"
    PERCENTAGE = "percentage"
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    QUALITATIVE = "qualitative"


@dataclass(frozen=True, slots=True)
class Text:
    """A human text, Spanish first (the platform's working language), English optional."""

    es: str
    en: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Organisation:
    name: Text
    ref: str | None = None  # IATI organisation identifier, only when actually known
    type: str | None = None  # IATI OrganisationType code, e.g. "11" local government


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportingOrg:
    ref: str
    type: str
    name: Text


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    org: Organisation
    role: OrgRole
    activity_id: str | None = None  # the partner's own IATI activity, if it publishes one


@dataclass(frozen=True, slots=True, kw_only=True)
class SectorShare:
    code: str
    vocabulary: str = "1"  # IATI SectorVocabulary; 1 = OECD DAC 5-digit purpose codes
    percentage: Decimal | None = None
    name: Text | None = None  # required by IATI for vocabularies 98/99
    vocabulary_uri: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecipientCountry:
    code: str = "MX"
    percentage: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Point:
    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Municipality:
    """A beneficiary municipality, published as an IATI ``location``."""

    name: str
    inegi_code: str  # five digits: two for the state, three for the municipality
    point: Point | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Money:
    value: Decimal
    value_date: date | None  # IATI requires it (exchange-rate date); None is reported
    currency: str | None = None  # None = the activity's default currency


@dataclass(frozen=True, slots=True, kw_only=True)
class Transaction:
    kind: TransactionKind
    date: date
    amount: Money
    provider: Organisation | None = None
    receiver: Organisation | None = None
    description: Text | None = None
    ref: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    period_start: date
    period_end: date
    amount: Money
    status: BudgetStatus = BudgetStatus.INDICATIVE
    type: BudgetType = BudgetType.ORIGINAL


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityDates:
    planned_start: date | None = None
    actual_start: date | None = None
    planned_end: date | None = None
    actual_end: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LegalInstrument:
    kind: LegalInstrumentKind
    title: Text
    signed_on: date | None = None
    parties: tuple[Organisation, ...] = ()
    reference: str | None = None  # registry / folio number of the instrument
    valid_until: date | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Milestone:
    date: date
    title: Text
    achieved: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    year: int
    value: str | None = None
    iso_date: date | None = None
    comment: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorPeriod:
    start: date
    end: date
    target: str | None = None
    actual: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    title: Text
    measure: IndicatorMeasure
    description: Text | None = None
    ascending: bool | None = None
    baseline: Baseline | None = None
    periods: tuple[IndicatorPeriod, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    type: ResultType
    title: Text
    description: Text | None = None
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    url: str
    title: Text
    category: str = "A12"  # IATI DocumentCategory; A12 = activity web page
    format: str = "text/html"  # IATI FileFormat (a MIME type)
    language: str = "es"
    document_date: date | None = None
    description: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    identifier: str
    title: Text
    description: Text
    stage: Stage
    participants: tuple[Participant, ...]
    modalities: tuple[Modality, ...] = ()
    scheme: Scheme = Scheme.DIRECT
    institute_role: InstituteRole = InstituteRole.RECEIVER
    sectors: tuple[SectorShare, ...] = ()
    recipient_countries: tuple[RecipientCountry, ...] = field(
        default_factory=lambda: (RecipientCountry(code="MX"),)
    )
    municipalities: tuple[Municipality, ...] = ()
    sdg_goals: tuple[str, ...] = ()
    sdg_targets: tuple[str, ...] = ()  # "11.2", "13.b"...
    dates: ActivityDates = field(default_factory=ActivityDates)
    transactions: tuple[Transaction, ...] = ()
    budgets: tuple[Budget, ...] = ()
    legal_instruments: tuple[LegalInstrument, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    results: tuple[Result, ...] = ()
    documents: tuple[Document, ...] = ()
    objectives: Text | None = None
    default_currency: str = "MXN"
    default_language: str = "es"  # "es" or "en": texts are Spanish first, English optional
    last_updated: datetime | None = None
