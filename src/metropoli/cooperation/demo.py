"""Demo data: IMEPLAN's real 2018–2021 cooperation portfolio, networks and awards.

Facts come from the institute's public report (partners, roles, modalities, amounts, month
dates). Values we had to choose are marked in each record's provenance note:
[gen] = general knowledge or an assumption (exact days where the source gives a month, SDG
alignment, beneficiary municipalities of metropolitan projects, stage as of 2021, organisation
types); [demo] = an example made up so the pipeline has upcoming deadlines.
Idempotent: existing records (matched by code / name) are left as the office edited them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from metropoli.accounts.demo import DEMO_PASSWORD
from metropoli.accounts.models import User

from . import services
from .checks import ProjectInput
from .models import (
    Award,
    NetworkMembership,
    Opportunity,
    Project,
)
from .rules import cooperation_office_group

AMG = ["14039", "14120", "14098", "14101", "14097", "14070", "14051", "14044", "14124"]
OFFICE_EMAIL = "cooperacion@demo.metropoli.mx"

ORGS = {
    "IMEPLAN": ("IMEPLAN", "Metropolitan Planning Institute (IMEPLAN)", "", "11", "MX"),
    "EU": ("Unión Europea – EUROCLIMA+", "European Union – EUROCLIMA+", "", "40", ""),
    "GIZ": ("GIZ", "Deutsche Gesellschaft für Internationale Zusammenarbeit", "", "10", "DE"),
    "C40CFF": ("C40 Cities Finance Facility", "", "", "21", ""),
    "C40": ("C40 Cities", "", "", "21", ""),
    "SETRAN": ("Secretaría de Transporte de Jalisco (SETRAN)", "", "", "11", "MX"),
    "UKPF": (
        "Embajada Británica – Prosperity Fund (Future Cities)",
        "British Embassy – Prosperity Fund (Future Cities)",
        "",
        "10",
        "GB",
    ),
    "IUC": (
        "UE – International Urban Cooperation (IUC)",
        "EU International Urban Cooperation",
        "",
        "40",
        "",
    ),
    "HAMBURG": (
        "Ciudad Libre y Hanseática de Hamburgo",
        "Free and Hanseatic City of Hamburg",
        "",
        "11",
        "DE",
    ),
    "GDL": ("Gobierno de Guadalajara", "City of Guadalajara", "", "11", "MX"),
    "ZAP": ("Gobierno de Zapopan", "City of Zapopan", "", "11", "MX"),
    "AMEXCID": (
        "AMEXCID",
        "Mexican Agency for International Development Cooperation",
        "",
        "10",
        "MX",
    ),
    # [gen] IATI identifiers from OECD DAC channel codes.
    "UNHCR": ("ACNUR", "UNHCR", "XM-DAC-41121", "40", ""),
    "IOM": ("OIM", "International Organization for Migration", "XM-DAC-47066", "40", ""),
    "ISCN": ("International Smart Cities Network", "", "", "21", ""),
    "BMI": (
        "Ministerio Federal del Interior, Construcción y Comunidad de Alemania",
        "German Federal Ministry of the Interior, Building and Community",
        "",
        "10",
        "DE",
    ),
    "ABURRA": (
        "Área Metropolitana del Valle de Aburrá",
        "Aburrá Valley Metropolitan Area",
        "",
        "11",
        "CO",
    ),
    "AMB": ("Área Metropolitana de Barcelona", "Barcelona Metropolitan Area", "", "11", "ES"),
    "MOVIDELNOR": ("Movidelnor (Ibarra)", "Movidelnor (Ibarra, Ecuador)", "", "11", "EC"),
}


@dataclass
class DemoProject:
    data: ProjectInput
    partners: list[tuple[str, str]]  # (org key, role)
    amounts: list[tuple[str, str, date, str]] = field(default_factory=list)
    milestones: list[tuple[str, date, date, bool]] = field(default_factory=list)
    instruments: list[tuple[str, str, date | None, list[str]]] = field(default_factory=list)


def _p(code, title, summary, stage, themes, modalities, *, title_en="", **kw) -> ProjectInput:
    return ProjectInput(
        code=code,
        title=title,
        summary=summary,
        stage=stage,
        themes=themes,
        modalities=modalities,
        title_en=title_en,
        is_public=kw.pop("is_public", True),
        municipality_codes=kw.pop("municipality_codes", AMG),
        **kw,
    )


PROJECTS = [
    DemoProject(
        _p(
            "PIMUS",
            "Plan Integral de Movilidad Urbana Sustentable (PIMUS)",
            "Cooperación técnica de la Unión Europea (EUROCLIMA+), implementada por la GIZ, para "
            "elaborar el plan integral de movilidad urbana sustentable del Área Metropolitana "
            "de Guadalajara.",
            "implementation",
            {"mobility": 100},
            ["technical"],
            title_en="Integrated Sustainable Urban Mobility Plan (PIMUS)",
            sdg_goals=["11", "13"],
            sdg_targets=["11.2", "13.2"],
            planned_start=date(2019, 1, 1),
            actual_start=date(2019, 1, 1),
            provenance="Source: 2018–2021 report. [gen] days of month, SDGs, stage as of 2021.",
        ),
        [("EU", "funder"), ("GIZ", "implementer"), ("IMEPLAN", "receiver")],
        amounts=[("committed", "12952444.43", date(2018, 8, 1), "EU")],
        milestones=[
            ("Misión EUROCLIMA+", date(2018, 5, 28), date(2018, 5, 28), True),
            ("Firma del acuerdo", date(2018, 8, 1), date(2018, 8, 31), True),
            ("Arranque del PIMUS", date(2019, 1, 1), date(2019, 1, 31), True),
        ],
        instruments=[
            (
                "convenio",
                "Acuerdo de cooperación técnica EUROCLIMA+ para el PIMUS",
                date(2018, 8, 1),
                ["EU", "GIZ", "IMEPLAN"],
            ),
        ],
    ),
    DemoProject(
        _p(
            "PERIBUS",
            "Ruta eléctrica / Sistema Integrado Peribús",
            "Estudios para una ruta eléctrica del Sistema Integrado Peribús con el C40 Cities "
            "Finance Facility y la GIZ; después con la SETRAN. Seis estudios entre abril de "
            "2020 y enero de 2021.",
            "closed",
            {"mobility": 80, "climate": 20},
            ["technical"],
            title_en="Electric route / Peribús Integrated System",
            sdg_goals=["11", "13"],
            sdg_targets=["11.2", "13.2"],
            planned_start=date(2020, 4, 1),
            planned_end=date(2021, 1, 31),
            actual_start=date(2020, 4, 1),
            actual_end=date(2021, 1, 31),
            provenance="Source: 2018–2021 report. [gen] days of month, SDGs, theme split.",
        ),
        [
            ("C40CFF", "funder"),
            ("GIZ", "implementer"),
            ("SETRAN", "receiver"),
            ("IMEPLAN", "receiver"),
        ],
        amounts=[("committed", "16187025.00", date(2019, 1, 14), "C40CFF")],
        milestones=[
            ("Postulación al C40 CFF", date(2018, 4, 1), date(2018, 4, 30), True),
            ("Selección", date(2019, 1, 14), date(2019, 1, 14), True),
            ("Seis estudios", date(2020, 4, 1), date(2021, 1, 31), True),
        ],
    ),
    DemoProject(
        _p(
            "PARABUSES",
            "Parabuses, datos y diseño urbano para la inclusión",
            "Asistencia técnica, estudios de prefactibilidad y fortalecimiento de capacidades del "
            "programa Future Cities del Prosperity Fund británico (bolsa del programa de hasta "
            "237.5 millones de pesos). Preseleccionado en septiembre de 2018; ganador a mediados "
            "de 2019.",
            "implementation",
            {"mobility": 60, "gender": 40},
            ["technical"],
            title_en="Bus stops, data and urban design for inclusion",
            sdg_goals=["5", "11"],
            sdg_targets=["11.2", "5.5"],
            planned_start=date(2019, 7, 1),
            provenance="Source: 2018–2021 report. [gen] start day, SDGs, theme split.",
        ),
        [("UKPF", "funder"), ("IMEPLAN", "receiver")],
        milestones=[
            ("Preselección", date(2018, 9, 1), date(2018, 9, 30), True),
            ("Proyecto ganador", date(2019, 6, 1), date(2019, 7, 31), True),
        ],
    ),
    DemoProject(
        _p(
            "TARIFA-SOCIAL",
            "Política tarifaria para la inclusión social",
            "Diagnóstico para una tarifa social del transporte público, con el programa Future "
            "Cities del Prosperity Fund británico. Decidido el 24 de febrero de 2020.",
            "implementation",
            {"mobility": 50, "gender": 50},
            ["technical"],
            title_en="Fare policy for social inclusion",
            sdg_goals=["10", "11"],
            sdg_targets=["11.2", "10.2"],
            planned_start=date(2020, 2, 24),
            provenance="Source: 2018–2021 report. [gen] SDGs, theme split.",
        ),
        [("UKPF", "funder"), ("IMEPLAN", "receiver")],
    ),
    DemoProject(
        _p(
            "HAMBURGO",
            "Plan integral de cooperación con Hamburgo (DIPAS, mesa interactiva)",
            "Cooperación descentralizada con la Ciudad de Hamburgo dentro del programa "
            "International Urban Cooperation de la UE: transferencia de DIPAS, la mesa "
            "interactiva de participación ciudadana.",
            "closed",
            {"citizen_participation": 100},
            ["technical", "decentralised"],
            title_en="Cooperation plan with Hamburg (DIPAS interactive table)",
            scheme="horizontal",
            sdg_goals=["11", "16", "17"],
            sdg_targets=["11.3", "16.7", "17.17"],
            countries=["MX", "DE"],
            planned_start=date(2018, 3, 1),
            actual_start=date(2018, 3, 1),
            actual_end=date(2020, 1, 16),
            provenance="Source: 2018–2021 report. [gen] days of month, SDGs, country split.",
        ),
        [
            ("IUC", "funder"),
            ("HAMBURG", "implementer"),
            ("GIZ", "implementer"),
            ("IMEPLAN", "receiver"),
        ],
        amounts=[("committed", "1079370.37", date(2018, 3, 1), "IUC")],
        milestones=[
            ("Visita marzo 2018", date(2018, 3, 1), date(2018, 3, 31), True),
            ("Visita mayo 2018", date(2018, 5, 1), date(2018, 5, 31), True),
            ("Visita junio 2019", date(2019, 6, 1), date(2019, 6, 30), True),
            ("Visita agosto 2019", date(2019, 8, 1), date(2019, 8, 31), True),
            ("Transferencia de DIPAS", date(2020, 1, 16), date(2020, 1, 16), True),
        ],
    ),
    DemoProject(
        _p(
            "ARBOL-IOT",
            "Árbol IoT",
            "Plataforma ciudadana para inventariar y valorar el arbolado urbano, iniciada con el "
            "programa TICA de la GIZ y Guadalajara; convenio con Zapopan en abril de 2019.",
            "implementation",
            {"urban_trees": 100},
            ["technical"],
            title_en="Tree IoT",
            sdg_goals=["11", "15"],
            sdg_targets=["11.7", "15.2"],
            municipality_codes=["14039", "14120"],
            planned_start=date(2017, 9, 1),
            actual_start=date(2017, 9, 1),
            planned_end=date(2021, 12, 31),
            provenance="Source: 2018–2021 report. [gen] days of month, SDGs.",
        ),
        [
            ("GIZ", "funder"),
            ("GDL", "implementer"),
            ("ZAP", "implementer"),
            ("IMEPLAN", "accountable"),
        ],
        milestones=[
            ("Inicio con GIZ TICA", date(2017, 9, 1), date(2017, 9, 30), True),
            ("Piloto Lomas de Polanco", date(2018, 9, 1), date(2018, 9, 30), True),
            ("Redesarrollo", date(2018, 10, 1), date(2019, 3, 31), True),
            ("Convenio con Zapopan", date(2019, 4, 1), date(2019, 4, 30), True),
            ("Piloto Zapopan", date(2019, 6, 1), date(2019, 6, 30), True),
            ("Nueva versión", date(2020, 6, 1), date(2021, 12, 31), False),
        ],
        instruments=[
            (
                "convenio",
                "Convenio de colaboración con Zapopan para Árbol IoT",
                date(2019, 4, 1),
                ["ZAP", "IMEPLAN"],
            ),
        ],
    ),
    DemoProject(
        _p(
            "NATURALEZA-COHESION",
            "La naturaleza en la ciudad como fuente de cohesión social",
            "Cooperación técnica con la AMEXCID sobre espacios verdes urbanos y cohesión social.",
            "implementation",
            {"urban_green_space": 100},
            ["technical"],
            sdg_goals=["11"],
            sdg_targets=["11.7"],
            provenance="Source: 2018–2021 report (no dates). [gen] SDGs, stage.",
        ),
        [("AMEXCID", "funder"), ("IMEPLAN", "receiver")],
    ),
    DemoProject(
        _p(
            "VIVIENDA-LOCAL",
            "Soluciones locales de vivienda e involucramiento del sector privado",
            "Cooperación técnica en vivienda. El socio no es legible en la fuente.",
            "exploration",
            {"housing": 100},
            ["technical"],
            sdg_goals=["11"],
            sdg_targets=["11.1"],
            is_public=False,
            provenance="Source: 2018–2021 report; partner not legible. [gen] SDGs, stage.",
        ),
        [("IMEPLAN", "receiver")],
    ),
    DemoProject(
        _p(
            "PROFIL",
            "PROFIL: integración local de personas refugiadas y migrantes",
            "Colaboración con el ACNUR y la GIZ para la integración local de personas "
            "refugiadas y migrantes.",
            "implementation",
            {"migration": 100},
            ["technical"],
            sdg_goals=["10"],
            sdg_targets=["10.7"],
            provenance="Source: 2018–2021 report (no dates). [gen] SDGs, stage, modality.",
        ),
        [("UNHCR", "funder"), ("GIZ", "implementer"), ("IMEPLAN", "receiver")],
    ),
    DemoProject(
        _p(
            "OIM",
            "Vinculación con la Organización Internacional para las Migraciones",
            "Estudios con la OIM sobre migración en el Área Metropolitana de Guadalajara.",
            "linkage",
            {"migration": 100},
            ["technical"],
            sdg_goals=["10"],
            sdg_targets=["10.7"],
            provenance="Source: 2018–2021 report (no dates). [gen] SDGs, stage.",
        ),
        [("IOM", "implementer"), ("IMEPLAN", "receiver")],
    ),
    DemoProject(
        _p(
            "JUSTICIA-CIVICA",
            "Escalamiento del modelo de justicia cívica",
            "Asistencia técnica para escalar el modelo de justicia cívica a escala metropolitana.",
            "proposal",
            {"civic_justice": 100},
            ["technical"],
            sdg_goals=["16"],
            sdg_targets=["16.3"],
            provenance="Source: 2018–2021 report (partner not named). [gen] SDGs, stage.",
        ),
        [("IMEPLAN", "receiver")],
    ),
    DemoProject(
        _p(
            "COEXISTENCIA",
            "Proyectos de coexistencia pacífica",
            "Colaboración en proyectos de coexistencia pacífica con población migrante.",
            "exploration",
            {"migration": 100},
            ["technical"],
            sdg_goals=["16"],
            sdg_targets=["16.1"],
            is_public=False,
            provenance="Source: 2018–2021 report (no partner, no dates). [gen] SDGs, stage.",
        ),
        [("IMEPLAN", "receiver")],
    ),
    DemoProject(
        _p(
            "ACNUR-INFRA",
            "Donación del ACNUR de infraestructura de salud pública",
            "Donación de infraestructura para la salud pública.",
            "closed",
            {"infrastructure": 100},
            ["humanitarian"],
            sdg_goals=["3"],
            sdg_targets=["3.d"],
            actual_start=date(2020, 5, 1),
            actual_end=date(2020, 12, 31),
            provenance="Source: 2018–2021 report. [gen] dates (2020, pandemic), SDGs.",
        ),
        [("UNHCR", "funder"), ("IMEPLAN", "receiver")],
    ),
    DemoProject(
        _p(
            "PACMETRO",
            "PACmetro: Plan de Acción Climática Metropolitano",
            "Cooperación técnica de C40 (con financiamiento del Reino Unido) para el plan de "
            "acción climática del Área Metropolitana de Guadalajara; presentado en diciembre "
            "de 2020.",
            "closed",
            {"climate": 100},
            ["technical"],
            title_en="PACmetro: Metropolitan Climate Action Plan",
            sdg_goals=["11", "13"],
            sdg_targets=["13.2", "11.6"],
            planned_start=date(2019, 1, 1),
            actual_start=date(2019, 1, 1),
            actual_end=date(2021, 12, 31),
            provenance="Source: 2018–2021 report. [gen] days of month, SDGs.",
        ),
        [("C40", "funder"), ("IMEPLAN", "receiver")],
        milestones=[
            ("Elaboración del plan", date(2019, 1, 1), date(2020, 11, 30), True),
            ("Presentación del PACmetro", date(2020, 12, 1), date(2020, 12, 31), True),
        ],
    ),
    DemoProject(
        _p(
            "MI-MERCADO",
            "Mi Mercado AMG",
            "Desarrollo tecnológico para los mercados municipales; ganador de "
            "#SolutionsForCities 2020; implementación en 2021.",
            "implementation",
            {"economy": 100},
            ["technical"],
            title_en="My Market AMG",
            sdg_goals=["8", "11"],
            sdg_targets=["8.3", "11.3"],
            municipality_codes=["14039", "14120"],
            planned_start=date(2021, 1, 1),
            actual_start=date(2021, 1, 1),
            provenance="Source: 2018–2021 report. [gen] days, SDGs, municipalities.",
        ),
        [("GIZ", "implementer"), ("ISCN", "funder"), ("BMI", "funder"), ("IMEPLAN", "receiver")],
        milestones=[
            ("Premio #SolutionsForCities", date(2020, 12, 1), date(2020, 12, 31), True),
            ("Implementación", date(2021, 1, 1), date(2021, 12, 31), False),
        ],
    ),
    DemoProject(
        _p(
            "C2C-ABURRA",
            "Cooperación ciudad a ciudad con el Área Metropolitana del Valle de Aburrá",
            "Intercambio horizontal de experiencias de gestión y planeación metropolitana con "
            "base en un memorándum de entendimiento vigente desde 2017.",
            "implementation",
            {"urban_planning": 100},
            ["decentralised", "technical"],
            scheme="horizontal",
            institute_role="dual",
            countries=["MX", "CO"],
            sdg_goals=["11", "17"],
            sdg_targets=["11.3", "17.9"],
            actual_start=date(2017, 1, 1),
            provenance="Source: 2018–2021 report. [gen] day/month of start, SDGs.",
        ),
        [("ABURRA", "implementer"), ("IMEPLAN", "implementer")],
        instruments=[
            (
                "mou",
                "Memorándum de entendimiento IMEPLAN – Valle de Aburrá",
                None,
                ["IMEPLAN", "ABURRA"],
            ),
        ],
    ),
    DemoProject(
        _p(
            "C2C-BARCELONA",
            "Cooperación con el Área Metropolitana de Barcelona",
            "Relación ciudad a ciudad desde 2019; postulaciones conjuntas a la convocatoria de "
            "la UE «Local Authorities: Partnerships for Sustainable Cities» en 2020 y 2021.",
            "proposal",
            {"urban_planning": 100},
            ["decentralised"],
            scheme="horizontal",
            institute_role="dual",
            countries=["MX", "ES"],
            sdg_goals=["11", "17"],
            sdg_targets=["11.a", "17.17"],
            actual_start=date(2019, 1, 1),
            provenance="Source: 2018–2021 report. [gen] day/month of start, SDGs.",
        ),
        [("AMB", "implementer"), ("IMEPLAN", "implementer")],
    ),
    DemoProject(
        _p(
            "C2C-MOVIDELNOR",
            "Asistencia técnica de IMEPLAN a Movidelnor (Ibarra, Ecuador)",
            "IMEPLAN comparte su experiencia de planeación de la movilidad metropolitana con "
            "Movidelnor; visita técnica en noviembre de 2019.",
            "closed",
            {"mobility": 100},
            ["technical"],
            scheme="horizontal",
            institute_role="provider",
            countries=["EC"],
            municipality_codes=[],
            sdg_goals=["11", "17"],
            sdg_targets=["11.2", "17.9"],
            actual_start=date(2019, 11, 1),
            actual_end=date(2019, 11, 30),
            provenance="Source: 2018–2021 report. [gen] days of the visit, SDGs.",
        ),
        [("IMEPLAN", "implementer"), ("MOVIDELNOR", "receiver")],
        milestones=[("Visita técnica a Ibarra", date(2019, 11, 1), date(2019, 11, 30), True)],
    ),
]

NETWORKS = [
    ("METROPOLIS", "Guadalajara", 1987, ""),
    ("Resilient Cities Network (R-Cities)", "Guadalajara", 2016, ""),
    ("C40 Cities", "Guadalajara", 2018, "junio de 2018"),
    (
        "Pacto Global de Alcaldes por el Clima y la Energía (GCoM)",
        "IMEPLAN",
        2018,
        "facilitador nacional desde agosto de 2018",
    ),
    ("WRI Cities4Forests", "Área Metropolitana de Guadalajara", 2018, ""),
    (
        "WWF Alianza para la Acción Climática (ACA-GDL)",
        "Área Metropolitana de Guadalajara",
        2018,
        "",
    ),
    (
        "Lincoln Institute – red de altos funcionarios de planeación",
        "IMEPLAN",
        2019,
        "sede de la 3.ª reunión, 11–13 de marzo de 2020",
    ),
    ("CGLU – Comunidad de Innovación Urbana", "IMEPLAN", 2020, ""),
]

AWARDS = [
    (
        "WWF One Planet City Challenge",
        2018,
        "won",
        "Ganador nacional entre 12 ciudades",
        "",
        None,
        None,
    ),
    (
        "Guangzhou Award for Urban Innovation",
        2018,
        "won",
        "Premio en efectivo",
        "MXN",
        Decimal("361000"),
        None,
    ),
    (
        "#SolutionsForCities",
        2020,
        "won",
        "Categoría «Best Digital Solution for Vibrant Urban & Local Centres» (diciembre de 2020)",
        "",
        None,
        "MI-MERCADO",
    ),
    (
        "One Tree Planted (donación a Tonalá)",
        2020,
        "won",
        "Donación; [gen] año",
        "USD",
        Decimal("1000"),
        None,
    ),
]


def _historical_opportunities():
    return [
        (
            "call",
            "C40 Cities Finance Facility",
            "C40",
            date(2018, 4, 30),
            "won",
            "PERIBUS",
            "Movilidad eléctrica. [gen] día",
        ),
        (
            "call",
            "Prosperity Fund – Future Cities",
            "Embajada Británica",
            date(2018, 9, 1),
            "won",
            "PARABUSES",
            "Movilidad e inclusión. [gen] día",
        ),
        (
            "call",
            "UE Local Authorities: Partnerships for Sustainable Cities 2020",
            "Unión Europea",
            date(2020, 6, 30),
            "submitted",
            "C2C-BARCELONA",
            "Con el Área Metropolitana de Barcelona. [gen] fecha y estado",
        ),
        (
            "call",
            "UE Local Authorities: Partnerships for Sustainable Cities 2021",
            "Unión Europea",
            date(2021, 6, 30),
            "submitted",
            "C2C-BARCELONA",
            "Con el Área Metropolitana de Barcelona. [gen] fecha y estado",
        ),
        (
            "award",
            "#SolutionsForCities 2020",
            "International Smart Cities Network",
            date(2020, 10, 31),
            "won",
            "MI-MERCADO",
            "Mercados digitales. [gen] fecha límite",
        ),
        (
            "event",
            "3.ª reunión de la red de altos funcionarios de planeación (Lincoln Institute)",
            "Lincoln Institute of Land Policy",
            date(2020, 3, 11),
            "won",
            None,
            "IMEPLAN fue sede, 11–13 de marzo de 2020",
        ),
    ]


def _example_opportunities(today: date):
    # [demo] upcoming examples so the calendar and the reminders have something to show.
    return [
        (
            "call",
            "[demo] Convocatoria de ejemplo: movilidad de bajas emisiones",
            "Fondo de ejemplo",
            today + timedelta(days=6),
            "preparing",
            "Movilidad y clima",
        ),
        (
            "event",
            "[demo] Foro de ejemplo sobre ciudades metropolitanas",
            "Red de ejemplo",
            today + timedelta(days=20),
            "identified",
            "Gobernanza metropolitana",
        ),
        (
            "award",
            "[demo] Premio de ejemplo a la innovación urbana",
            "Premio de ejemplo",
            today + timedelta(days=45),
            "identified",
            "Innovación y datos abiertos",
        ),
    ]


@transaction.atomic
def load(stdout=None) -> None:
    group = cooperation_office_group()
    officer = User.objects.filter(email=OFFICE_EMAIL).first()
    if officer is None:
        officer = User.objects.create_user(
            OFFICE_EMAIL, DEMO_PASSWORD, display_name="Oficina de Cooperación"
        )
    officer.groups.add(group)

    orgs = {
        key: services.ensure_organisation(
            name=name, name_en=name_en, iati_ref=ref, org_type=org_type, country=country
        )
        for key, (name, name_en, ref, org_type, country) in ORGS.items()
    }
    created = 0
    for demo in PROJECTS:
        if Project.objects.filter(code=demo.data.code).exists():
            continue
        created += 1
        project = services.save_project(data=demo.data, by=None)
        for key, role in demo.partners:
            services.add_participation(project=project, organisation=orgs[key], role=role, by=None)
        for kind, value, value_date, provider in demo.amounts:
            services.add_amount(
                project=project,
                kind=kind,
                currency="MXN",
                value=value,
                value_date=value_date,
                provider=orgs[provider],
                description="Monto máximo (hasta)",
                is_ceiling=True,
                by=None,
            )
        previous = None
        for title, start, end, achieved in demo.milestones:
            # Milestones of the demo follow each other: each depends on the previous one.
            previous = services.add_milestone(
                project=project,
                title=title,
                planned_start=start,
                planned_end=end,
                actual_start=start if achieved else None,
                actual_end=end if achieved else None,
                depends_on=[previous] if previous else [],
                by=None,
            )
        for kind, title, signed_on, parties in demo.instruments:
            services.add_legal_instrument(
                project=project,
                kind=kind,
                title=title,
                signed_on=signed_on,
                parties=[orgs[k] for k in parties],
                by=None,
            )
    for network, member, since, note in NETWORKS:
        NetworkMembership.objects.get_or_create(
            network=network,
            defaults={
                "member": member,
                "since": since,
                "since_note": note,
                "focal_point": "Dirección de Cooperación (IMEPLAN)",
            },
        )
    projects = {p.code: p for p in Project.objects.all()}
    for name, year, status, detail, currency, value, project_code in AWARDS:
        Award.objects.get_or_create(
            name=name,
            year=year,
            defaults={
                "status": status,
                "detail": detail,
                "currency": currency,
                "value": value,
                "project": projects.get(project_code) if project_code else None,
            },
        )
    for kind, title, organiser, deadline, status, code, fit in _historical_opportunities():
        Opportunity.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "organiser": organiser,
                "deadline": deadline,
                "status": status,
                "project": projects.get(code) if code else None,
                "agenda_fit": fit,
                "owner": officer,
            },
        )
    if not Opportunity.objects.filter(title__startswith="[demo]").exists():
        for kind, title, organiser, deadline, status, fit in _example_opportunities(
            timezone.localdate()
        ):
            Opportunity.objects.create(
                kind=kind,
                title=title,
                organiser=organiser,
                deadline=deadline,
                status=status,
                agenda_fit=fit,
                owner=officer,
            )
    if stdout is not None:
        stdout.write(
            f"cooperation: {created} projects created; cooperation office account {OFFICE_EMAIL}"
        )
