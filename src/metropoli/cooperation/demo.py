"""Demo data: IMEPLAN's real 2018–2021 cooperation portfolio, networks and awards.

Facts come from the institute's public report (partners, roles, modalities, amounts, month
dates). Values we had to choose (general knowledge or an assumption: exact days where the source
gives a month, SDG alignment, beneficiary municipalities of metropolitan projects, stage as of
2021, organisation types) are named in words, in Spanish, in each record's provenance note or
detail (“Supuestos de la demostración: …”), never as a bare marker; the upcoming opportunities
are examples made up so the pipeline has deadlines, and say so in their titles.
Idempotent: existing records (matched by code / name) are left as the office edited them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from metropoli.accounts.demo import DEMO_PASSWORD
from metropoli.accounts.models import User

from . import publisher, services
from .checks import ProjectInput
from .demo_records import AWARDS, NETWORKS, ORGS, example_opportunities, historical_opportunities
from .models import (
    Award,
    NetworkMembership,
    Opportunity,
    OrganisationType,
    Project,
)
from .publisher_models import PublisherSettings
from .rules import cooperation_office_group

AMG = ["14039", "14120", "14098", "14101", "14097", "14070", "14051", "14044", "14124"]
OFFICE_EMAIL = "cooperacion@demo.metropoli.mx"


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


def _provenance(assumptions: str, note: str = "") -> str:
    """The source, and the values the demo had to assume, in words."""
    source = f"Fuente: informe de cooperación 2018–2021{note}."
    return f"{source} Supuestos de la demostración: {assumptions}."


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
            provenance=_provenance("días del mes, ODS, etapa a 2021"),
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
            provenance=_provenance("días del mes, ODS, reparto temático"),
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
            provenance=_provenance("día de inicio, ODS, reparto temático"),
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
            provenance=_provenance("ODS, reparto temático"),
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
            provenance=_provenance("días del mes, ODS, reparto por país"),
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
            provenance=_provenance("días del mes, ODS"),
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
            provenance=_provenance("ODS, etapa", " (sin fechas)"),
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
            provenance=_provenance("ODS, etapa", "; el socio no es legible"),
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
            provenance=_provenance("ODS, etapa, modalidad", " (sin fechas)"),
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
            provenance=_provenance("ODS, etapa", " (sin fechas)"),
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
            provenance=_provenance("ODS, etapa", " (no nombra al socio)"),
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
            provenance=_provenance("ODS, etapa", " (sin socio ni fechas)"),
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
            provenance=_provenance("fechas (2020, pandemia), ODS"),
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
            provenance=_provenance("días del mes, ODS"),
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
            provenance=_provenance("días, ODS, municipios"),
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
            provenance=_provenance("día y mes de inicio, ODS"),
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
            provenance=_provenance("día y mes de inicio, ODS"),
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
            provenance=_provenance("días de la visita, ODS"),
        ),
        [("IMEPLAN", "implementer"), ("MOVIDELNOR", "receiver")],
        milestones=[("Visita técnica a Ibarra", date(2019, 11, 1), date(2019, 11, 30), True)],
    ),
]


# Mexico's RFC registration agency, then a number that reads as a demo to anyone.
DEMO_PUBLISHER_REF = "MX-RFC-DEMO-IMEPLAN"


@transaction.atomic
def load(stdout=None) -> None:
    group = cooperation_office_group()
    officer = User.objects.filter(email=OFFICE_EMAIL).first()
    if officer is None:
        officer = User.objects.create_user(
            OFFICE_EMAIL, DEMO_PASSWORD, display_name="Oficina de Cooperación"
        )
    officer.groups.add(group)
    if publisher.current() is None:
        # The demo publishes under an identifier that says it is one (no agency gave it), so
        # that its IATI file opens; a real office saves its own on /cooperacion/publicacion/
        # (decision 0080). Only the demo does this: a new deployment starts with none.
        PublisherSettings.objects.create(
            pk=1,
            reporting_org_ref=DEMO_PUBLISHER_REF,
            reporting_org_type=OrganisationType.LOCAL_GOVERNMENT,
            reporting_org_name=f"{settings.METROPOLI['INSTITUTE_NAME']} (demostración)",
        )

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
    for kind, title, organiser, deadline, status, code, fit in historical_opportunities():
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
    examples = example_opportunities(timezone.localdate())
    if not Opportunity.objects.filter(title__in=[example[1] for example in examples]).exists():
        for kind, title, organiser, deadline, status, fit in examples:
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
