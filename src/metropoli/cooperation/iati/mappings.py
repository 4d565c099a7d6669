"""How platform concepts map onto IATI 2.03 codes and onto our extension namespace.

Every table here is documented in ``docs/cooperation-iati.md``; change both together.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .model import (
    BudgetStatus,
    BudgetType,
    IndicatorMeasure,
    InstituteRole,
    LegalInstrumentKind,
    Modality,
    OrgRole,
    ResultType,
    Scheme,
    SectorShare,
    Stage,
    Text,
    TransactionKind,
)

IATI_VERSION = "2.03"

# Our own namespace for what IATI cannot express. The ".example" host is reserved (RFC 2606)
# so the URI can never collide with a real one; it is versioned so a breaking change to the
# extension gets a new URI instead of silently changing meaning (see
# docs/decisions/0025-iati-extension-namespace.md).
EXT_NS = "https://metropoli.example/ns/iati-ext/1"
EXT_PREFIX = "metropoli"

# Vocabulary-99 ("reporting organisation") URIs for tags and sectors, rooted in EXT_NS so a
# consumer who finds the tag can also find the extension documentation.
VOCAB_URI_SCHEME = f"{EXT_NS}/vocab/scheme"
VOCAB_URI_MODALITY = f"{EXT_NS}/vocab/modality"
VOCAB_URI_INSTITUTE_ROLE = f"{EXT_NS}/vocab/institute-role"
VOCAB_URI_THEME = f"{EXT_NS}/vocab/theme"

REPORTING_ORG_VOCABULARY = "99"
TAG_VOCABULARY_SDG_GOAL = "2"
TAG_VOCABULARY_SDG_TARGET = "3"
SECTOR_VOCABULARY_DAC5 = "1"

# IATI ActivityStatus. All pre-agreement stages are "pipeline" for IATI; the finer stage is
# kept in the extension element so nothing is lost. An agreement that has not started yet
# is still pipeline: IATI's "2 Implementation" means work is under way.
STAGE_TO_ACTIVITY_STATUS: Mapping[Stage, str] = {
    Stage.EXPLORATION: "1",
    Stage.LINKAGE: "1",
    Stage.PROPOSAL: "1",
    Stage.NEGOTIATION: "1",
    Stage.AGREEMENT: "1",
    Stage.IMPLEMENTATION: "2",
    Stage.CLOSED: "4",
    Stage.NOT_PURSUED: "5",
}

# IATI 2.03 OrganisationRole has no "receiver" (1 Funding, 2 Accountable, 3 Extending,
# 4 Implementing). The receiving institution owns the outcome (e.g. IMEPLAN owns PIMUS), which
# is IATI's "Accountable"; the exact platform role travels in the metropoli:role attribute.
ORG_ROLE_TO_IATI: Mapping[OrgRole, str] = {
    OrgRole.FUNDER: "1",
    OrgRole.ACCOUNTABLE: "2",
    OrgRole.RECEIVER: "2",
    OrgRole.IMPLEMENTER: "4",
}

TRANSACTION_KIND_TO_IATI: Mapping[TransactionKind, str] = {
    TransactionKind.INCOMING_FUNDS: "1",
    TransactionKind.OUTGOING_COMMITMENT: "2",
    TransactionKind.DISBURSEMENT: "3",
    TransactionKind.EXPENDITURE: "4",
    TransactionKind.INCOMING_COMMITMENT: "11",
    TransactionKind.OUTGOING_PLEDGE: "12",
    TransactionKind.INCOMING_PLEDGE: "13",
}

BUDGET_STATUS_TO_IATI: Mapping[BudgetStatus, str] = {
    BudgetStatus.INDICATIVE: "1",
    BudgetStatus.COMMITTED: "2",
}
BUDGET_TYPE_TO_IATI: Mapping[BudgetType, str] = {
    BudgetType.ORIGINAL: "1",
    BudgetType.REVISED: "2",
}

RESULT_TYPE_TO_IATI: Mapping[ResultType, str] = {
    ResultType.OUTPUT: "1",
    ResultType.OUTCOME: "2",
    ResultType.IMPACT: "3",
    ResultType.OTHER: "9",
}
INDICATOR_MEASURE_TO_IATI: Mapping[IndicatorMeasure, str] = {
    IndicatorMeasure.UNIT: "1",
    IndicatorMeasure.PERCENTAGE: "2",
    IndicatorMeasure.NOMINAL: "3",
    IndicatorMeasure.ORDINAL: "4",
    IndicatorMeasure.QUALITATIVE: "5",
}

# Only triangular co-operation has an IATI CollaborationType (8). Bilateral/multilateral codes
# describe a donor's channel, which the receiving institute cannot assert, so the other
# schemes emit no collaboration-type and live in the extension + a vocabulary-99 tag.
SCHEME_TO_COLLABORATION_TYPE: Mapping[Scheme, str] = {Scheme.TRIANGULAR: "8"}

# OECD DAC aid type (vocabulary 1). Only technical co-operation has an unambiguous code
# (D02 "Other technical assistance"); humanitarian is flagged with @humanitarian instead.
MODALITY_TO_DEFAULT_AID_TYPE: Mapping[Modality, str] = {Modality.TECHNICAL: "D02"}

SCHEME_LABELS: Mapping[Scheme, Text] = {
    Scheme.DIRECT: Text("Cooperación directa", "Direct co-operation"),
    Scheme.HORIZONTAL: Text(
        "Cooperación horizontal (Sur-Sur / ciudad a ciudad)",
        "Horizontal co-operation (South-South / city-to-city)",
    ),
    Scheme.TRIANGULAR: Text("Cooperación triangular", "Triangular co-operation"),
}
MODALITY_LABELS: Mapping[Modality, Text] = {
    Modality.TECHNICAL: Text("Cooperación técnica", "Technical co-operation"),
    Modality.FINANCIAL: Text("Cooperación financiera", "Financial co-operation"),
    Modality.EDUCATIONAL_CULTURAL: Text(
        "Cooperación educativa y cultural", "Educational and cultural co-operation"
    ),
    Modality.HUMANITARIAN: Text("Ayuda humanitaria", "Humanitarian aid"),
    Modality.DECENTRALISED: Text("Cooperación descentralizada", "Decentralised co-operation"),
}
INSTITUTE_ROLE_LABELS: Mapping[InstituteRole, Text] = {
    InstituteRole.RECEIVER: Text("El instituto recibe cooperación", "The institute receives"),
    InstituteRole.PROVIDER: Text("El instituto ofrece cooperación", "The institute provides"),
    InstituteRole.DUAL: Text(
        "El instituto ofrece y recibe cooperación (dual)", "The institute provides and receives"
    ),
}
LEGAL_INSTRUMENT_LABELS: Mapping[LegalInstrumentKind, Text] = {
    LegalInstrumentKind.CONVENIO: Text("Convenio", "Agreement"),
    LegalInstrumentKind.MOU: Text("Memorándum de entendimiento", "Memorandum of understanding"),
    LegalInstrumentKind.LETTER: Text("Carta", "Letter"),
}

# Thematic areas of the AMG portfolio -> (OECD DAC 5-digit purpose code, Spanish/English name).
# This is a proposal to be confirmed by the cooperation team: DAC codes describe purposes of
# aid, so the closest purpose was chosen for each platform theme.
THEMATIC_AREAS: Mapping[str, tuple[str, Text]] = {
    "mobility": ("21010", Text("Movilidad", "Mobility")),
    "gender": ("15170", Text("Género", "Gender")),
    "citizen_participation": ("15150", Text("Participación ciudadana", "Citizen participation")),
    "urban_trees": ("41010", Text("Arbolado urbano", "Urban trees")),
    "urban_green_space": ("43030", Text("Espacio verde urbano", "Urban green space")),
    "urban_planning": ("43030", Text("Planeación urbana", "Urban planning")),
    "housing": ("16030", Text("Vivienda", "Housing")),
    "migration": ("15190", Text("Migración", "Migration")),
    "civic_justice": ("15130", Text("Justicia cívica", "Civic justice")),
    "infrastructure": ("12230", Text("Infraestructura de salud", "Health infrastructure")),
    "climate": ("41010", Text("Acción climática", "Climate action")),
    "economy": ("25010", Text("Economía local", "Local economy")),
}


def sectors_from_themes(themes: Mapping[str, Decimal]) -> tuple[SectorShare, ...]:
    """Turn ``{theme: percentage}`` into DAC (vocabulary 1) and platform (vocabulary 99) sectors.

    Both vocabularies are emitted because IATI asks for DAC codes alongside any own vocabulary
    (rule 102.1.1) while our own themes keep the platform's finer meaning. Themes that share a
    DAC code are merged so the DAC percentages still add up to 100.
    """
    dac: dict[str, Decimal] = {}
    own: list[SectorShare] = []
    for theme, percentage in themes.items():
        try:
            dac_code, label = THEMATIC_AREAS[theme]
        except KeyError:
            raise ValueError(f"Área temática desconocida: {theme!r}") from None
        dac[dac_code] = dac.get(dac_code, Decimal(0)) + Decimal(percentage)
        own.append(
            SectorShare(
                code=theme,
                vocabulary=REPORTING_ORG_VOCABULARY,
                vocabulary_uri=VOCAB_URI_THEME,
                percentage=Decimal(percentage),
                name=label,
            )
        )
    dac_shares = tuple(
        SectorShare(code=code, vocabulary=SECTOR_VOCABULARY_DAC5, percentage=pct)
        for code, pct in dac.items()
    )
    return dac_shares + tuple(own)
