"""The IATI publisher set in the interface, the IATI check per project, the history in words
and thematic areas named in Spanish (issue 18)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from lxml import etree

from metropoli.common.errors import DomainError
from metropoli.cooperation import publisher, services
from metropoli.cooperation.checks import parse_themes
from metropoli.cooperation.models import OrganisationType
from metropoli.cooperation.publication import PublisherNotSet, publish, review

from .conftest import IATI_DIR, needs_iati, project_input

pytestmark = pytest.mark.django_db


def _save(by, **overrides):
    values = {
        "ref": "MX-RFC-IMP140101AB1",
        "org_type": "11",
        "name": "Instituto Metropolitano de Planeación",
        "language": "es",
        "currency": "MXN",
    }
    values.update(overrides)
    return publisher.save(by=by, **values)


def test_spanish_names_of_areas_are_understood_and_unknown_ones_list_the_valid_ones(
    municipalities,
):
    assert parse_themes("economia-local:100") == {"economy": "100"}
    assert parse_themes("Economía local: 60, Movilidad: 40") == {"economy": "60", "mobility": "40"}
    with pytest.raises(DomainError) as refused:
        services.save_project(data=project_input(themes={"turismo": "100"}), by=None)
    problem = refused.value.details[0]["problem"]
    assert "“turismo”" in problem and "Economía local (economy)" in problem


def test_organisation_types_are_iatis_whole_codelist():
    codes = set(
        etree.parse(str(IATI_DIR / "codelists" / "OrganisationType.xml")).xpath(
            "//codelist-item/code/text()"
        )
    )
    assert set(OrganisationType.values) == codes


def test_the_office_saves_the_publisher_and_bad_values_are_refused(office, people):
    with pytest.raises(DomainError) as refused:
        _save(office, ref="IMEPLAN", currency="PESOS", org_type="99")
    fields = {d["field"] for d in refused.value.details}
    assert fields == {"reporting_org_ref", "default_currency", "reporting_org_type"}
    with pytest.raises(PermissionDenied):
        _save(people["citizen"])
    _save(office)
    saved = publisher.current()
    assert (saved.ref, saved.currency, saved.from_settings) == ("MX-RFC-IMP140101AB1", "MXN", False)


def test_without_publisher_nor_fallback_the_export_says_what_is_missing(client, pimus, settings):
    settings.COOPERATION_REPORTING_ORG = {"ref": "", "type": "11", "name": "IMEPLAN"}
    with pytest.raises(PublisherNotSet):
        publish()
    response = client.get("/api/cooperation/iati-activities.xml")
    assert response.status_code == 503
    assert response.json()["code"] == "iati_publisher_missing"
    assert "publicador IATI" in review(pimus).unavailable


@needs_iati
def test_publication_follows_the_saved_publisher(pimus, office):
    services.add_amount(
        project=pimus,
        kind="disbursed",
        currency="USD",
        value="1000",
        value_date=date(2019, 5, 1),
        by=None,
    )
    _save(office, currency="USD", language="en")
    result = publish()
    root = etree.fromstring(result.xml)
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == "MX-RFC-IMP140101AB1-PIMUS"
    assert activity.get("default-currency") == "USD"
    assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert activity.find("reporting-org").get("ref") == "MX-RFC-IMP140101AB1"
    values = {v.text: v.get("currency") for v in activity.findall("transaction/value")}
    assert values == {"12952444.43": "MXN", "1000.00": None}


@needs_iati
def test_the_iati_check_of_one_project_is_in_spanish(client, pimus, office):
    assert review(pimus).errors == []
    alone = services.save_project(data=project_input(code="SOLO", is_public=False), by=None)
    found = review(alone)
    assert found.unavailable == "" and found.errors
    client.force_login(office)
    page = client.get("/cooperacion/proyecto/SOLO/").content.decode()
    assert "Revisión IATI antes de publicar" in page
    assert found.errors[0] in page


def test_the_history_is_told_in_words(client, pimus, office):
    services.save_project(
        data=project_input(stage="agreement", themes={"mobility": "100"}), by=office, project=pimus
    )
    org = services.ensure_organisation(name="GIZ")
    services.add_participation(project=pimus, organisation=org, role="implementer", by=office)
    client.force_login(office)
    page = client.get("/cooperacion/proyecto/PIMUS/").content.decode()
    assert "Agregó a GIZ como implementador." in page
    assert "partners (implementer)" not in page and "GIZ (implementer)" not in page
    assert "Cambió áreas temáticas de “Movilidad 70 %, Género 30 %” a “Movilidad 100 %”." in page


def test_the_office_group_exists_after_migrate():
    # A new installation's administrator adds people to it in the admin (transfer manual).
    from django.contrib.auth.models import Group

    from metropoli.cooperation.rules import COOPERATION_OFFICE_GROUP

    assert Group.objects.filter(name=COOPERATION_OFFICE_GROUP).exists()


@pytest.mark.django_db(transaction=True)
def test_the_office_group_comes_back_after_a_flush():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from metropoli.cooperation.rules import COOPERATION_OFFICE_GROUP

    call_command("flush", interactive=False, verbosity=0)
    assert Group.objects.filter(name=COOPERATION_OFFICE_GROUP).exists()
