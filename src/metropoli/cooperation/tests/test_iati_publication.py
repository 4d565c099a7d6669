"""IATI 2.03 document built from the AMG demo portfolio: schema validity and mappings."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from metropoli.common.testing import IATI_DIR
from metropoli.cooperation.iati import (
    EXT_NS,
    Activity,
    Modality,
    Money,
    Scheme,
    Stage,
    Text,
    build_activities_xml,
    check_rules,
    load_codelists,
    sectors_from_themes,
    validate_against_schema,
)
from metropoli.cooperation.iati import schema as schema_module
from metropoli.cooperation.iati.demo import (
    CITY_TO_CITY_ABURRA,
    DEMO_ACTIVITIES,
    DEMO_GENERATED_AT,
    DEMO_REPORTING_ORG,
    PIMUS,
)
from metropoli.cooperation.iati.mappings import STAGE_TO_ACTIVITY_STATUS, THEMATIC_AREAS

from .conftest import needs_iati

pytestmark = needs_iati

NS = {"m": EXT_NS}


def _build(*activities: Activity) -> bytes:
    return build_activities_xml(
        DEMO_REPORTING_ORG, activities or DEMO_ACTIVITIES, DEMO_GENERATED_AT
    )


def _activity_el(xml: bytes, identifier: str) -> etree._Element:
    root = etree.fromstring(xml)
    (element,) = root.xpath("iati-activity[iati-identifier=$id]", id=identifier)
    return element


def test_demo_portfolio_validates_against_official_xsd() -> None:
    assert validate_against_schema(_build(), IATI_DIR) == []


def test_demo_portfolio_has_no_rule_violations() -> None:
    codelists = load_codelists(IATI_DIR / "codelists")
    violations = check_rules(
        DEMO_ACTIVITIES,
        codelists,
        reporting_org=DEMO_REPORTING_ORG,
        generated_at=DEMO_GENERATED_AT,
    )
    assert [(v.code, v.activity_identifier, v.field) for v in violations] == []


def test_document_header() -> None:
    root = etree.fromstring(_build())
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2021-06-30T18:00:00+00:00"
    assert len(root.findall("iati-activity")) == 3


def test_pimus_core_iati_mapping() -> None:
    pimus = _activity_el(_build(), PIMUS.identifier)
    assert pimus.get("default-currency") == "MXN"
    assert pimus.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert pimus.findtext("reporting-org/narrative").startswith("Instituto Metropolitano")
    assert pimus.find("activity-status").get("code") == "2"
    roles = [
        (p.findtext("narrative")[:12], p.get("role")) for p in pimus.findall("participating-org")
    ]
    assert roles == [("Unión Europe", "1"), ("Deutsche Ges", "4"), ("Instituto Me", "2")]
    assert pimus.find("activity-date[@type='2']").get("iso-date") == "2019-01-01"
    (tx,) = pimus.findall("transaction")
    assert tx.find("transaction-type").get("code") == "11"
    assert tx.findtext("value") == "12952444.43"
    assert tx.find("value").get("value-date") == "2018-08-01"
    assert tx.find("value").get("currency") is None  # inherits default-currency MXN
    assert [c.get("code") for c in pimus.findall("recipient-country")] == ["MX"]
    assert pimus.find("activity-scope").get("code") == "6"  # nine municipalities of Jalisco
    locations = pimus.findall("location")
    assert len(locations) == 9
    assert locations[0].get("ref") == "INEGI-14039"
    assert locations[0].findtext("point/pos") == "20.6767 -103.3475"
    sdg_goals = [t.get("code") for t in pimus.findall("tag[@vocabulary='2']")]
    sdg_targets = [t.get("code") for t in pimus.findall("tag[@vocabulary='3']")]
    assert sdg_goals == ["11", "13"]
    assert sdg_targets == ["11.2", "13.2"]
    sectors = [
        (s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in pimus.findall("sector")
    ]
    assert sectors == [("1", "21010", "100"), ("99", "mobility", "100")]
    assert pimus.find("default-aid-type").get("code") == "D02"


def test_extension_elements_present() -> None:
    xml = _build()
    root = etree.fromstring(xml)
    assert root.nsmap["metropoli"] == EXT_NS
    pimus = _activity_el(xml, PIMUS.identifier)
    ext = pimus.find("m:cooperation", NS)
    assert ext is not None
    # The extension block must be the last child: the XSD only allows ##other there.
    assert pimus[-1] is ext
    assert ext.find("m:stage", NS).get("code") == "implementation"
    assert ext.find("m:scheme", NS).get("code") == "direct"
    assert ext.find("m:institute-role", NS).get("code") == "receiver"
    instrument = ext.find("m:legal-instrument", NS)
    assert instrument.get("kind") == "convenio"
    assert instrument.get("signed-on") == "2018-08-01"
    assert len(instrument.findall("m:party", NS)) == 3
    assert [m.get("date") for m in ext.findall("m:milestone", NS)] == [
        "2018-05-28",
        "2018-08-01",
        "2019-01-01",
    ]
    receiver = pimus.find(f"participating-org[@{{{EXT_NS}}}role='receiver']")
    assert receiver is not None and receiver.get("role") == "2"
    assert pimus.find("location").get(f"{{{EXT_NS}}}inegi-code") == "14039"

    aburra = _activity_el(xml, CITY_TO_CITY_ABURRA.identifier)
    assert aburra.find("m:cooperation/m:scheme", NS).get("code") == "horizontal"
    assert aburra.find("m:cooperation/m:institute-role", NS).get("code") == "dual"
    assert aburra.find("m:cooperation/m:legal-instrument", NS).get("kind") == "mou"
    scheme_tag = aburra.find(f"tag[@vocabulary='99'][@vocabulary-uri='{EXT_NS}/vocab/scheme']")
    assert scheme_tag.get("code") == "horizontal"
    assert scheme_tag.findtext("narrative").startswith("Cooperación horizontal")
    assert aburra.find("collaboration-type") is None  # no IATI code for South-South
    assert [(c.get("code"), c.get("percentage")) for c in aburra.findall("recipient-country")] == [
        ("MX", "50"),
        ("CO", "50"),
    ]
    assert aburra.find("activity-scope").get("code") == "3"


def test_triangular_and_humanitarian_use_iati_codes() -> None:
    activity = dataclasses.replace(
        CITY_TO_CITY_ABURRA,
        scheme=Scheme.TRIANGULAR,
        modalities=(Modality.HUMANITARIAN,),
    )
    xml = _build(activity)
    element = _activity_el(xml, activity.identifier)
    assert element.find("collaboration-type").get("code") == "8"
    assert element.get("humanitarian") == "1"
    assert element.find("default-aid-type") is None
    assert validate_against_schema(xml, IATI_DIR) == []


def test_legal_instrument_with_url_is_also_a_document_link() -> None:
    (instrument,) = PIMUS.legal_instruments
    activity = dataclasses.replace(
        PIMUS,
        legal_instruments=(
            dataclasses.replace(
                instrument, url="https://metropoli.example/docs/convenio-pimus.pdf"
            ),
        ),
    )
    xml = _build(activity)
    links = _activity_el(xml, PIMUS.identifier).findall("document-link")
    assert [link.find("category").get("code") for link in links] == ["A12", "A11"]
    assert links[1].get("format") == "application/pdf"
    assert validate_against_schema(xml, IATI_DIR) == []


@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_builds_a_valid_document(stage: Stage) -> None:
    xml = _build(dataclasses.replace(PIMUS, stage=stage))
    assert validate_against_schema(xml, IATI_DIR) == []
    element = _activity_el(xml, PIMUS.identifier)
    assert element.find("activity-status").get("code") == STAGE_TO_ACTIVITY_STATUS[stage]
    assert element.find("m:cooperation/m:stage", NS).get("code") == stage.value


def test_missing_value_date_is_a_schema_error() -> None:
    (tx,) = PIMUS.transactions
    broken = dataclasses.replace(
        PIMUS,
        transactions=(dataclasses.replace(tx, amount=Money(value=Decimal(1), value_date=None)),),
    )
    errors = validate_against_schema(_build(broken), IATI_DIR)
    assert len(errors) == 1
    assert "value-date" in errors[0].message
    assert errors[0].line > 0


def test_schema_invalid_document_is_reported() -> None:
    xml = _build()
    root = etree.fromstring(xml)
    activity = root.find("iati-activity")
    activity.remove(activity.find("iati-identifier"))  # required, first in the sequence
    etree.SubElement(activity, "not-iati")  # unqualified elements are not ##other
    errors = validate_against_schema(etree.tostring(root), IATI_DIR)
    assert errors
    assert any("iati-identifier" in e.message for e in errors)


def test_malformed_xml_is_reported_not_raised() -> None:
    errors = validate_against_schema(b"<iati-activities version='2.03'>", IATI_DIR)
    assert len(errors) == 1 and errors[0].type_name == "SYNTAX"


def test_compiled_schema_is_cached() -> None:
    validate_against_schema(_build(), IATI_DIR)
    hits = schema_module._compiled_schema.cache_info().hits
    validate_against_schema(_build(), IATI_DIR)
    assert schema_module._compiled_schema.cache_info().hits == hits + 1


def test_missing_schema_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        validate_against_schema(_build(), tmp_path)


def test_empty_document_is_refused() -> None:
    with pytest.raises(ValueError, match="al menos una actividad"):
        build_activities_xml(DEMO_REPORTING_ORG, [], DEMO_GENERATED_AT)


_text = st.text(min_size=1, max_size=40).filter(lambda s: s.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_text,
    themes=st.lists(st.sampled_from(sorted(THEMATIC_AREAS)), min_size=1, max_size=4, unique=True),
    cuts=st.lists(st.integers(min_value=1, max_value=99), max_size=3, unique=True),
    amount=st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False),
)
def test_arbitrary_titles_splits_and_amounts_stay_valid(
    title: str,
    themes: list[str],
    cuts: list[int],
    amount: Decimal,
) -> None:
    # Split 100 into len(themes) positive parts from random cut points.
    points = sorted(set(cuts))[: len(themes) - 1]
    while len(points) < len(themes) - 1:
        points = sorted({*points, next(i for i in range(1, 100) if i not in points)})
    bounds = [0, *points, 100]
    shares = {t: Decimal(bounds[i + 1] - bounds[i]) for i, t in enumerate(themes)}
    (tx,) = PIMUS.transactions
    activity = dataclasses.replace(
        PIMUS,
        title=Text(title, title),
        sectors=sectors_from_themes(shares),
        transactions=(
            dataclasses.replace(tx, amount=Money(value=amount, value_date=date(2018, 8, 1))),
        ),
    )
    xml = _build(activity)
    assert validate_against_schema(xml, IATI_DIR) == []
    codelists = load_codelists(IATI_DIR / "codelists")
    violations = check_rules(
        [activity], codelists, reporting_org=DEMO_REPORTING_ORG, generated_at=DEMO_GENERATED_AT
    )
    assert [v.code for v in violations if v.code != "text.title_empty"] == []
