"""IATI 2.03 export of the registry: XSD-valid, public projects only, clear 503 without XSD."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from metropoli.cooperation import services
from metropoli.cooperation.iati import EXT_NS, validate_against_schema
from metropoli.cooperation.publication import publish

from .conftest import IATI_DIR, needs_iati, project_input

pytestmark = pytest.mark.django_db
URL = "/api/cooperation/iati-activities.xml"


@pytest.fixture
def internal(municipalities):
    project = services.save_project(data=project_input(code="INTERNO", is_public=False), by=None)
    org = services.ensure_organisation(name="IMEPLAN")
    services.add_participation(project=project, organisation=org, role="receiver", by=None)
    return project


@needs_iati
def test_endpoint_publishes_public_projects_valid_against_the_xsd(client, pimus, internal):
    services.add_milestone(
        project=pimus,
        title="Arranque",
        planned_start=date(2019, 1, 1),
        planned_end=date(2019, 1, 31),
        actual_start=date(2019, 1, 1),
        actual_end=date(2019, 1, 31),
        by=None,
    )
    services.add_legal_instrument(
        project=pimus,
        kind="convenio",
        title="Acuerdo",
        signed_on=date(2018, 8, 1),
        by=None,
    )
    services.add_result(
        project=pimus,
        result_type="output",
        title="Plan elaborado",
        indicator="Plan entregado",
        period_start=date(2019, 1, 1),
        period_end=date(2020, 12, 31),
        target="1",
        actual="1",
        by=None,
    )
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert validate_against_schema(response.content, IATI_DIR) == []
    root = etree.fromstring(response.content)
    assert root.get("version") == "2.03"
    identifiers = root.xpath("//iati-identifier/text()")
    assert identifiers == ["MX-RFC-DEMO-IMEPLAN-PIMUS"]  # the internal project is not published
    activity = root.find("iati-activity")
    assert activity.find("activity-status").get("code") == "2"
    assert activity.find("transaction/value").text == "12952444.43"
    assert activity.find("transaction/value").get("value-date") == "2018-08-01"
    assert sorted(s.get("percentage") for s in activity.findall("sector[@vocabulary='99']")) == [
        "30.00",
        "70.00",
    ]
    assert activity.find("location").get(f"{{{EXT_NS}}}inegi-code") == "14039"
    ext = activity.find(f"{{{EXT_NS}}}cooperation")
    assert ext.find(f"{{{EXT_NS}}}stage").get("code") == "implementation"
    assert ext.find(f"{{{EXT_NS}}}legal-instrument").get("kind") == "convenio"


@needs_iati
def test_project_breaking_an_iati_rule_is_left_out_and_named(client, pimus, municipalities):
    services.save_project(
        data=project_input(
            code="SINFECHA",
            planned_start=None,
            planned_end=None,
            actual_start=None,
            stage="exploration",
        ),
        by=None,
    )
    response = client.get(URL)
    assert response.status_code == 200
    assert response["X-IATI-Excluded"] == "SINFECHA"
    assert etree.fromstring(response.content).xpath("//iati-identifier/text()") == [
        "MX-RFC-DEMO-IMEPLAN-PIMUS"
    ]


def test_without_the_iati_distribution_the_endpoint_says_how_to_install_it(client, pimus, settings):
    settings.METROPOLI_IATI_DIR = ""
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "iati_schema_missing"
    assert "METROPOLI_IATI_DIR" in body["message"]


@needs_iati
def test_nothing_public_is_a_404(client, internal):
    response = client.get(URL)
    assert response.status_code == 404
    assert response.json()["code"] == "nothing_to_publish"


@needs_iati
def test_command_writes_a_valid_file(pimus, tmp_path):
    out = tmp_path / "iati.xml"
    call_command("cooperation", "export-iati", str(out))
    assert validate_against_schema(out.read_bytes(), IATI_DIR) == []


def test_command_without_distribution_fails_clearly(pimus, tmp_path, settings):
    settings.METROPOLI_IATI_DIR = str(tmp_path / "missing")
    with pytest.raises(CommandError, match="METROPOLI_IATI_DIR"):
        call_command("cooperation", "export-iati", str(tmp_path / "iati.xml"))


@needs_iati
def test_demo_portfolio_publishes_and_loads_idempotently(municipalities):
    from metropoli.cooperation import demo
    from metropoli.cooperation.models import Award, NetworkMembership, Opportunity, Project

    demo.load()
    counts = (Project.objects.count(), Opportunity.objects.count(), Award.objects.count())
    demo.load()
    assert (Project.objects.count(), Opportunity.objects.count(), Award.objects.count()) == counts
    assert counts[0] == 18 and NetworkMembership.objects.count() == 8
    result = publish()
    assert "PIMUS" in result.published and "C2C-ABURRA" in result.published
    assert "VIVIENDA-LOCAL" not in result.published + list(result.excluded)  # not public
    assert validate_against_schema(result.xml, IATI_DIR) == []


def test_the_demo_brings_a_publisher_so_its_iati_file_opens(client, municipalities, settings):
    from metropoli.cooperation import demo, publisher

    settings.COOPERATION_REPORTING_ORG = {"ref": "", "type": "11", "name": "IMEPLAN"}
    assert publisher.current() is None  # a new deployment: no publisher until the office saves
    demo.load()
    saved = publisher.current()
    assert (saved.ref, saved.from_settings) == (demo.DEMO_PUBLISHER_REF, False)
    assert "demostración" in saved.name
    response = client.get("/api/cooperation/iati-activities.xml")
    assert response.status_code == 200
    assert b'ref="MX-RFC-DEMO-IMEPLAN"' in response.content
