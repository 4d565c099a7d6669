"""A realistic sample of IMEPLAN's 2018–2021 cooperation portfolio, for tests and demo seeds.

Provenance (``amg/FACTS.md`` of the shared reference data, ``METROPOLI_SHARED_DIR``): partners,
roles, amounts and month-level dates are [seed]. Marked [demo] are assumptions made only so the
sample is complete: exact days (the source gives months), the 50/50 country split, organisation
types, the web-page URLs and the reporting-organisation identifier, which is a placeholder until
IMEPLAN obtains a real IATI organisation identifier (e.g. MX-RFC-<its RFC>).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from .mappings import sectors_from_themes
from .model import (
    Activity,
    ActivityDates,
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
    Stage,
    Text,
    Transaction,
    TransactionKind,
)

DEMO_REPORTING_ORG_REF = "MX-RFC-DEMO-IMEPLAN"  # [demo] placeholder, not a real RFC
DEMO_GENERATED_AT = datetime(2021, 6, 30, 18, 0, tzinfo=UTC)

IMEPLAN_NAME = Text(
    "Instituto Metropolitano de Planeación del Área Metropolitana de Guadalajara (IMEPLAN)",
    "Metropolitan Planning Institute of the Guadalajara Metropolitan Area (IMEPLAN)",
)
DEMO_REPORTING_ORG = ReportingOrg(ref=DEMO_REPORTING_ORG_REF, type="11", name=IMEPLAN_NAME)
IMEPLAN = Organisation(name=IMEPLAN_NAME, ref=DEMO_REPORTING_ORG_REF, type="11")
EU_EUROCLIMA = Organisation(
    name=Text("Unión Europea – programa EUROCLIMA+", "European Union – EUROCLIMA+ programme"),
    type="40",  # [demo] multilateral
)
GIZ = Organisation(
    name=Text("Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH"),
    type="10",  # [demo] federal government-owned agency
)
VALLE_DE_ABURRA = Organisation(
    name=Text(
        "Área Metropolitana del Valle de Aburrá (Colombia)",
        "Aburrá Valley Metropolitan Area (Colombia)",
    ),
    type="11",
)
MOVIDELNOR = Organisation(
    name=Text("Movidelnor, Ibarra (Ecuador)"),
    type="11",  # [demo] public body of the northern Ecuadorian municipalities
)

# INEGI codes [gen] from FACTS.md; only Guadalajara gets a point (its seat, approximate).
AMG_MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality(
        name="Guadalajara",
        inegi_code="14039",
        point=Point(Decimal("20.6767"), Decimal("-103.3475")),
    ),
    Municipality(name="Zapopan", inegi_code="14120"),
    Municipality(name="San Pedro Tlaquepaque", inegi_code="14098"),
    Municipality(name="Tonalá", inegi_code="14101"),
    Municipality(name="Tlajomulco de Zúñiga", inegi_code="14097"),
    Municipality(name="El Salto", inegi_code="14070"),
    Municipality(name="Juanacatlán", inegi_code="14051"),
    Municipality(name="Ixtlahuacán de los Membrillos", inegi_code="14044"),
    Municipality(name="Zapotlanejo", inegi_code="14124"),
)

PIMUS = Activity(
    identifier=f"{DEMO_REPORTING_ORG_REF}-PIMUS",
    title=Text(
        "Plan Integral de Movilidad Urbana Sustentable (PIMUS) del Área Metropolitana de "
        "Guadalajara",
        "Integrated Sustainable Urban Mobility Plan (PIMUS) of the Guadalajara Metropolitan Area",
    ),
    description=Text(
        "Cooperación técnica de la Unión Europea, a través del programa EUROCLIMA+ e "
        "implementada por la GIZ, para elaborar el plan integral de movilidad urbana "
        "sustentable del Área Metropolitana de Guadalajara.",
        "Technical co-operation from the European Union's EUROCLIMA+ programme, implemented "
        "by GIZ, to prepare the integrated sustainable urban mobility plan of the Guadalajara "
        "Metropolitan Area.",
    ),
    stage=Stage.IMPLEMENTATION,
    participants=(
        Participant(org=EU_EUROCLIMA, role=OrgRole.FUNDER),
        Participant(org=GIZ, role=OrgRole.IMPLEMENTER),
        Participant(org=IMEPLAN, role=OrgRole.RECEIVER),
    ),
    modalities=(Modality.TECHNICAL,),
    scheme=Scheme.DIRECT,
    institute_role=InstituteRole.RECEIVER,
    sectors=sectors_from_themes({"mobility": Decimal(100)}),
    municipalities=AMG_MUNICIPALITIES,
    sdg_goals=("11", "13"),
    sdg_targets=("11.2", "13.2"),
    dates=ActivityDates(
        planned_start=date(2019, 1, 1),  # [demo] day: launch "Jan 2019"
        actual_start=date(2019, 1, 1),
    ),
    transactions=(
        Transaction(
            kind=TransactionKind.INCOMING_COMMITMENT,
            date=date(2018, 8, 1),  # [demo] day: agreement "Aug 2018"
            amount=Money(value=Decimal("12952444.43"), value_date=date(2018, 8, 1)),
            provider=EU_EUROCLIMA,
            receiver=IMEPLAN,
            description=Text(
                "Monto máximo comprometido de la cooperación técnica (hasta).",
                "Maximum committed amount of the technical co-operation.",
            ),
        ),
    ),
    legal_instruments=(
        LegalInstrument(
            kind=LegalInstrumentKind.CONVENIO,
            title=Text(
                "Acuerdo de cooperación técnica EUROCLIMA+ para el PIMUS",
                "EUROCLIMA+ technical co-operation agreement for the PIMUS",
            ),
            signed_on=date(2018, 8, 1),  # [demo] day
            parties=(EU_EUROCLIMA, GIZ, IMEPLAN),
        ),
    ),
    milestones=(
        Milestone(
            date=date(2018, 5, 28),
            title=Text("Misión de EUROCLIMA+ en Guadalajara", "EUROCLIMA+ mission"),
        ),
        Milestone(date=date(2018, 8, 1), title=Text("Firma del acuerdo", "Agreement signed")),
        Milestone(date=date(2019, 1, 1), title=Text("Arranque del PIMUS", "PIMUS launch")),
    ),
    results=(
        Result(
            type=ResultType.OUTPUT,
            title=Text("Plan integral de movilidad elaborado", "Mobility plan prepared"),
            indicators=(
                Indicator(
                    title=Text(
                        "Documento del PIMUS entregado a la Junta de Coordinación Metropolitana"
                    ),
                    measure=IndicatorMeasure.QUALITATIVE,
                    periods=(IndicatorPeriod(start=date(2019, 1, 1), end=date(2020, 12, 31)),),
                ),
            ),
        ),
    ),
    documents=(
        Document(
            url="https://metropoli.example/cooperacion/pimus",  # [demo]
            title=Text("Ficha del proyecto PIMUS", "PIMUS project page"),
        ),
    ),
)

CITY_TO_CITY_ABURRA = Activity(
    identifier=f"{DEMO_REPORTING_ORG_REF}-C2C-ABURRA",
    title=Text(
        "Cooperación ciudad a ciudad con el Área Metropolitana del Valle de Aburrá",
        "City-to-city co-operation with the Aburrá Valley Metropolitan Area",
    ),
    description=Text(
        "Intercambio horizontal de experiencias de gestión y planeación metropolitana entre el "
        "Área Metropolitana de Guadalajara y el Área Metropolitana del Valle de Aburrá "
        "(Colombia), con base en un memorándum de entendimiento vigente desde 2017.",
    ),
    stage=Stage.IMPLEMENTATION,
    participants=(
        Participant(org=VALLE_DE_ABURRA, role=OrgRole.IMPLEMENTER),
        Participant(org=IMEPLAN, role=OrgRole.IMPLEMENTER),
    ),
    modalities=(Modality.DECENTRALISED, Modality.TECHNICAL),
    scheme=Scheme.HORIZONTAL,
    institute_role=InstituteRole.DUAL,
    sectors=sectors_from_themes({"urban_planning": Decimal(100)}),
    recipient_countries=(
        RecipientCountry(code="MX", percentage=Decimal(50)),  # [demo] split
        RecipientCountry(code="CO", percentage=Decimal(50)),
    ),
    sdg_goals=("11", "17"),
    sdg_targets=("11.3", "17.9"),
    dates=ActivityDates(actual_start=date(2017, 1, 1)),  # [demo] day/month: "since 2017"
    legal_instruments=(
        LegalInstrument(
            kind=LegalInstrumentKind.MOU,
            title=Text(
                "Memorándum de entendimiento IMEPLAN – Área Metropolitana del Valle de Aburrá"
            ),
            parties=(IMEPLAN, VALLE_DE_ABURRA),
        ),
    ),
)

CITY_TO_CITY_MOVIDELNOR = Activity(
    identifier=f"{DEMO_REPORTING_ORG_REF}-C2C-MOVIDELNOR",
    title=Text(
        "Asistencia técnica de IMEPLAN a Movidelnor (Ibarra, Ecuador)",
        "IMEPLAN technical assistance to Movidelnor (Ibarra, Ecuador)",
    ),
    description=Text(
        "IMEPLAN comparte su experiencia de planeación de la movilidad metropolitana con "
        "Movidelnor; visita técnica en noviembre de 2019.",
    ),
    stage=Stage.IMPLEMENTATION,
    participants=(
        Participant(org=IMEPLAN, role=OrgRole.IMPLEMENTER),
        Participant(org=MOVIDELNOR, role=OrgRole.RECEIVER),
    ),
    modalities=(Modality.TECHNICAL,),
    scheme=Scheme.HORIZONTAL,
    institute_role=InstituteRole.PROVIDER,
    sectors=sectors_from_themes({"mobility": Decimal(100)}),
    recipient_countries=(RecipientCountry(code="EC"),),
    sdg_targets=("11.2", "17.9"),
    dates=ActivityDates(actual_start=date(2019, 11, 1)),  # [demo] day: visit "Nov 2019"
    milestones=(Milestone(date=date(2019, 11, 1), title=Text("Visita técnica a Ibarra")),),
)

DEMO_ACTIVITIES: tuple[Activity, ...] = (PIMUS, CITY_TO_CITY_ABURRA, CITY_TO_CITY_MOVIDELNOR)
