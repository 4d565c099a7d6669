"""Fixtures of the cooperation tests: the IATI distribution, the office, a sample project."""

from datetime import date

import pytest

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.testing import IATI_DIR, requires_shared
from metropoli.cooperation import services
from metropoli.cooperation.checks import ProjectInput
from metropoli.cooperation.rules import cooperation_office_group
from metropoli.territory.models import Role

# The IATI distribution (schemas and codelists) is read from ../shared.
needs_iati = requires_shared(
    IATI_DIR / "iati-activities-schema.xsd", IATI_DIR / "codelists", variable="METROPOLI_IATI_DIR"
)


@pytest.fixture(autouse=True)
def _iati_dir(settings):
    settings.METROPOLI_IATI_DIR = str(IATI_DIR)


@pytest.fixture(autouse=True)
def _publisher_fallback(settings):
    # The settings' fallback publisher (decision 0080); tests of the saved one save it.
    settings.COOPERATION_REPORTING_ORG = {
        "ref": "MX-RFC-DEMO-IMEPLAN",
        "type": "11",
        "name": "IMEPLAN",
    }


@pytest.fixture
def office(db):
    user = UserFactory(email="oficina@example.mx")
    user.groups.add(cooperation_office_group())
    return user


@pytest.fixture
def people(guadalajara, zapopan, office):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "citizen": person_with(Role.CITIZEN, guadalajara),
        "staff_elsewhere": person_with(Role.MUNICIPAL_STAFF, zapopan),
        "staff_here": person_with(Role.MUNICIPAL_STAFF, guadalajara),
        "office": office,
        "admin": person_with(Role.PLATFORM_ADMIN, None),
    }


def project_input(**overrides) -> ProjectInput:
    values = {
        "code": "PIMUS",
        "title": "Plan Integral de Movilidad Urbana Sustentable",
        "summary": "Cooperación técnica para el plan de movilidad.",
        "stage": "implementation",
        "modalities": ["technical"],
        "themes": {"mobility": "70", "gender": "30"},
        "municipality_codes": ["14039"],
        "sdg_goals": ["11"],
        "sdg_targets": ["11.2"],
        "planned_start": date(2019, 1, 1),
        "planned_end": date(2020, 12, 31),
        "actual_start": date(2019, 1, 15),
        "is_public": True,
    }
    values.update(overrides)
    return ProjectInput(**values)


@pytest.fixture
def pimus(municipalities):
    project = services.save_project(data=project_input(), by=None)
    eu = services.ensure_organisation(name="Unión Europea – EUROCLIMA+", org_type="40")
    imeplan = services.ensure_organisation(name="IMEPLAN", org_type="11")
    services.add_participation(project=project, organisation=eu, role="funder", by=None)
    services.add_participation(project=project, organisation=imeplan, role="receiver", by=None)
    services.add_amount(
        project=project,
        kind="committed",
        currency="MXN",
        value="12952444.43",
        value_date=date(2018, 8, 1),
        provider=eu,
        by=None,
    )
    return project
