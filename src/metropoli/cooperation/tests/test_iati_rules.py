"""Rule checks and codelists: each broken sample yields exactly the expected violation."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from metropoli.common.testing import IATI_DIR
from metropoli.cooperation.iati import (
    Activity,
    ActivityDates,
    Baseline,
    Budget,
    CodelistMissingError,
    Codelists,
    Indicator,
    IndicatorMeasure,
    IndicatorPeriod,
    Money,
    Organisation,
    RecipientCountry,
    Result,
    ResultType,
    RuleCode,
    SectorShare,
    Severity,
    Stage,
    Text,
    check_rules,
    load_codelists,
)
from metropoli.cooperation.iati.codelists import fallback_sdg_goals, fallback_sdg_targets
from metropoli.cooperation.iati.demo import (
    CITY_TO_CITY_ABURRA,
    DEMO_GENERATED_AT,
    DEMO_REPORTING_ORG,
    PIMUS,
)
from metropoli.cooperation.iati.rules import RULES

from .conftest import needs_iati

pytestmark = needs_iati


@pytest.fixture(scope="module")
def codelists() -> Codelists:
    return load_codelists(IATI_DIR / "codelists")


def _codes(activity: Activity, codelists: Codelists) -> list[RuleCode]:
    violations = check_rules(
        [activity], codelists, reporting_org=DEMO_REPORTING_ORG, generated_at=DEMO_GENERATED_AT
    )
    return [v.code for v in violations]


def _with_tx_amount(activity: Activity, amount: Money) -> Activity:
    (tx,) = activity.transactions
    return dataclasses.replace(activity, transactions=(dataclasses.replace(tx, amount=amount),))


D = Decimal

BROKEN: dict[str, tuple[Activity, RuleCode]] = {
    "planned end before start": (
        dataclasses.replace(
            PIMUS,
            dates=ActivityDates(
                planned_start=date(2019, 1, 1),
                planned_end=date(2018, 12, 31),
                actual_start=date(2019, 1, 1),
            ),
        ),
        RuleCode.DATES_PLANNED_ORDER,
    ),
    "actual end before start": (
        dataclasses.replace(
            PIMUS, dates=ActivityDates(actual_start=date(2019, 1, 1), actual_end=date(2018, 6, 1))
        ),
        RuleCode.DATES_ACTUAL_ORDER,
    ),
    "actual start in the future": (
        dataclasses.replace(PIMUS, dates=ActivityDates(actual_start=date(2021, 7, 1))),
        RuleCode.DATES_ACTUAL_START_FUTURE,
    ),
    "no start date": (
        dataclasses.replace(PIMUS, stage=Stage.PROPOSAL, dates=ActivityDates()),
        RuleCode.DATES_START_MISSING,
    ),
    "unknown SDG target": (
        dataclasses.replace(PIMUS, sdg_targets=("11.2", "11.9")),
        RuleCode.SDG_TARGET_UNKNOWN,
    ),
    "malformed SDG target": (
        dataclasses.replace(PIMUS, sdg_targets=("11,2",)),
        RuleCode.SDG_TARGET_UNKNOWN,
    ),
    "unknown SDG goal": (
        dataclasses.replace(PIMUS, sdg_goals=("18",)),
        RuleCode.SDG_GOAL_UNKNOWN,
    ),
    "single sector over 100": (
        dataclasses.replace(PIMUS, sectors=(SectorShare(code="21010", percentage=D(120)),)),
        RuleCode.SECTOR_PERCENTAGE_RANGE,
    ),
    "sectors not summing to 100": (
        dataclasses.replace(
            PIMUS,
            sectors=(
                SectorShare(code="21010", percentage=D(60)),
                SectorShare(code="43030", percentage=D(30)),
            ),
        ),
        RuleCode.SECTOR_PERCENTAGE_SUM,
    ),
    "sectors summing over 100": (
        dataclasses.replace(
            PIMUS,
            sectors=(
                SectorShare(code="21010", percentage=D("70.5")),
                SectorShare(code="43030", percentage=D("30")),
            ),
        ),
        RuleCode.SECTOR_PERCENTAGE_SUM,
    ),
    "single sector not 100": (
        dataclasses.replace(PIMUS, sectors=(SectorShare(code="21010", percentage=D(80)),)),
        RuleCode.SECTOR_SINGLE_NOT_100,
    ),
    "sector without percentage among several": (
        dataclasses.replace(
            PIMUS, sectors=(SectorShare(code="21010", percentage=D(100)), SectorShare(code="43030"))
        ),
        RuleCode.SECTOR_PERCENTAGE_MISSING,
    ),
    "unknown DAC sector": (
        dataclasses.replace(PIMUS, sectors=(SectorShare(code="99999"),)),
        RuleCode.CODELIST_UNKNOWN,
    ),
    "own sector without name": (
        dataclasses.replace(
            PIMUS,
            sectors=(SectorShare(code="21010"), SectorShare(code="mobility", vocabulary="99")),
        ),
        RuleCode.SECTOR_NARRATIVE_MISSING,
    ),
    "no sector": (dataclasses.replace(PIMUS, sectors=()), RuleCode.SECTOR_MISSING),
    "only own-vocabulary sectors": (
        dataclasses.replace(
            PIMUS, sectors=(SectorShare(code="mobility", vocabulary="99", name=Text("Movilidad")),)
        ),
        RuleCode.SECTOR_DAC_MISSING,
    ),
    "recipient countries not summing to 100": (
        dataclasses.replace(
            CITY_TO_CITY_ABURRA,
            recipient_countries=(
                RecipientCountry(code="MX", percentage=D(50)),
                RecipientCountry(code="CO", percentage=D(40)),
            ),
        ),
        RuleCode.RECIPIENT_PERCENTAGE_SUM,
    ),
    "recipient country over 100": (
        dataclasses.replace(
            CITY_TO_CITY_ABURRA,
            recipient_countries=(
                RecipientCountry(code="MX", percentage=D(150)),
                RecipientCountry(code="CO", percentage=D(50)),
            ),
        ),
        RuleCode.RECIPIENT_PERCENTAGE_RANGE,
    ),
    "no recipient country": (
        dataclasses.replace(PIMUS, recipient_countries=()),
        RuleCode.RECIPIENT_MISSING,
    ),
    "unknown currency": (
        _with_tx_amount(PIMUS, Money(value=D(1), value_date=date(2018, 8, 1), currency="ZZZ")),
        RuleCode.CODELIST_UNKNOWN,
    ),
    "missing value date": (
        _with_tx_amount(PIMUS, Money(value=D(1), value_date=None)),
        RuleCode.VALUE_DATE_MISSING,
    ),
    "value date in the future": (
        _with_tx_amount(PIMUS, Money(value=D(1), value_date=date(2022, 1, 1))),
        RuleCode.VALUE_DATE_FUTURE,
    ),
    "identifier without the organisation prefix": (
        dataclasses.replace(PIMUS, identifier="PIMUS-2018"),
        RuleCode.IDENTIFIER_PREFIX,
    ),
    "identifier equal to the organisation": (
        dataclasses.replace(PIMUS, identifier=DEMO_REPORTING_ORG.ref),
        RuleCode.IDENTIFIER_EQUALS_ORG,
    ),
    "identifier with a slash": (
        dataclasses.replace(PIMUS, identifier=f"{DEMO_REPORTING_ORG.ref}-PIMUS/2018"),
        RuleCode.IDENTIFIER_FORBIDDEN_CHARS,
    ),
    "unknown organisation type": (
        dataclasses.replace(
            PIMUS,
            participants=(
                dataclasses.replace(
                    PIMUS.participants[0], org=Organisation(name=Text("Unión Europea"), type="99")
                ),
                *PIMUS.participants[1:],
            ),
        ),
        RuleCode.CODELIST_UNKNOWN,
    ),
    "participant without ref or name": (
        dataclasses.replace(
            PIMUS,
            participants=(
                dataclasses.replace(PIMUS.participants[0], org=Organisation(name=Text(" "))),
                *PIMUS.participants[1:],
            ),
        ),
        RuleCode.PARTICIPANT_REF_OR_NAME,
    ),
    "empty title": (dataclasses.replace(PIMUS, title=Text("  ")), RuleCode.TITLE_EMPTY),
    "budget longer than a year": (
        dataclasses.replace(
            PIMUS,
            budgets=(
                Budget(
                    period_start=date(2019, 1, 1),
                    period_end=date(2020, 6, 30),
                    amount=Money(value=D(1000), value_date=date(2019, 1, 1)),
                ),
            ),
        ),
        RuleCode.BUDGET_PERIOD_TOO_LONG,
    ),
    "budget ending before it starts": (
        dataclasses.replace(
            PIMUS,
            budgets=(
                Budget(
                    period_start=date(2019, 12, 31),
                    period_end=date(2019, 1, 1),
                    amount=Money(value=D(1000), value_date=date(2019, 1, 1)),
                ),
            ),
        ),
        RuleCode.BUDGET_PERIOD_ORDER,
    ),
    "closed without actual end": (
        dataclasses.replace(PIMUS, stage=Stage.CLOSED),
        RuleCode.STAGE_ACTUAL_END_MISSING,
    ),
    "quantitative baseline without value": (
        dataclasses.replace(
            PIMUS,
            results=(
                Result(
                    type=ResultType.OUTPUT,
                    title=Text("Estudios entregados"),
                    indicators=(
                        Indicator(
                            title=Text("Número de estudios"),
                            measure=IndicatorMeasure.UNIT,
                            baseline=Baseline(year=2018),
                        ),
                    ),
                ),
            ),
        ),
        RuleCode.RESULT_VALUE_MISSING,
    ),
    "indicator period reversed": (
        dataclasses.replace(
            PIMUS,
            results=(
                Result(
                    type=ResultType.OUTPUT,
                    title=Text("Plan"),
                    indicators=(
                        Indicator(
                            title=Text("Plan entregado"),
                            measure=IndicatorMeasure.QUALITATIVE,
                            periods=(
                                IndicatorPeriod(start=date(2020, 1, 1), end=date(2019, 1, 1)),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        RuleCode.RESULT_PERIOD_ORDER,
    ),
    "legal instrument signed in the future": (
        dataclasses.replace(
            PIMUS,
            legal_instruments=(
                dataclasses.replace(PIMUS.legal_instruments[0], signed_on=date(2022, 1, 1)),
            ),
        ),
        RuleCode.LEGAL_SIGNED_FUTURE,
    ),
    "relative document URL": (
        dataclasses.replace(
            PIMUS, documents=(dataclasses.replace(PIMUS.documents[0], url="/cooperacion/pimus"),)
        ),
        RuleCode.DOCUMENT_URL,
    ),
    "INEGI code with four digits": (
        dataclasses.replace(
            PIMUS, municipalities=(dataclasses.replace(PIMUS.municipalities[0], inegi_code="1439"),)
        ),
        RuleCode.LOCATION_INEGI_CODE,
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_sample_gives_exactly_the_expected_code(case: str, codelists: Codelists) -> None:
    activity, expected = BROKEN[case]
    assert _codes(activity, codelists) == [expected]


def test_violation_details_name_activity_field_and_message(codelists: Codelists) -> None:
    activity = _with_tx_amount(
        PIMUS, Money(value=D(1), value_date=date(2018, 8, 1), currency="ZZZ")
    )
    (violation,) = check_rules(
        [activity], codelists, reporting_org=DEMO_REPORTING_ORG, generated_at=DEMO_GENERATED_AT
    )
    assert violation.activity_identifier == PIMUS.identifier
    assert violation.field == "transactions[0].amount.currency"
    assert violation.severity is Severity.ERROR
    assert violation.params == {"code": "ZZZ", "codelist": "Currency"}
    assert violation.message == (
        "El código «ZZZ» no pertenece a la lista de códigos IATI Currency."
    )


def test_unknown_sdg_target_points_at_the_target(codelists: Codelists) -> None:
    activity = dataclasses.replace(PIMUS, sdg_targets=("11.2", "11.9"))
    (violation,) = check_rules(
        [activity], codelists, reporting_org=DEMO_REPORTING_ORG, generated_at=DEMO_GENERATED_AT
    )
    assert violation.field == "sdg_targets[1]"
    assert "11.9" in violation.message


def test_open_codelists_only_warn(codelists: Codelists) -> None:
    # Country is complete="0" in IATI: an unlisted code is suspicious, not certainly wrong.
    activity = dataclasses.replace(PIMUS, recipient_countries=(RecipientCountry(code="XK"),))
    violations = check_rules(
        [activity], codelists, reporting_org=DEMO_REPORTING_ORG, generated_at=DEMO_GENERATED_AT
    )
    if "XK" in codelists["Country"]:
        assert violations == []
    else:
        assert [(v.code, v.severity) for v in violations] == [
            (RuleCode.CODELIST_UNKNOWN, Severity.WARNING)
        ]


def test_withdrawn_code_warns(codelists: Codelists) -> None:
    activity = dataclasses.replace(PIMUS, sectors=(SectorShare(code="41050"),))
    violations = check_rules(
        [activity], codelists, reporting_org=DEMO_REPORTING_ORG, generated_at=DEMO_GENERATED_AT
    )
    assert [(v.code, v.severity) for v in violations] == [
        (RuleCode.CODELIST_WITHDRAWN, Severity.WARNING)
    ]


def test_duplicate_identifiers(codelists: Codelists) -> None:
    violations = check_rules(
        [PIMUS, PIMUS], codelists, reporting_org=DEMO_REPORTING_ORG, generated_at=DEMO_GENERATED_AT
    )
    assert [v.code for v in violations] == [RuleCode.IDENTIFIER_DUPLICATE]


def test_reporting_org_without_agency_prefix_warns_once(codelists: Codelists) -> None:
    org = dataclasses.replace(DEMO_REPORTING_ORG, ref="IMEPLAN")
    activities = [
        dataclasses.replace(PIMUS, identifier="IMEPLAN-PIMUS"),
        dataclasses.replace(CITY_TO_CITY_ABURRA, identifier="IMEPLAN-ABURRA"),
    ]
    violations = check_rules(
        activities, codelists, reporting_org=org, generated_at=DEMO_GENERATED_AT
    )
    assert [(v.code, v.activity_identifier, v.severity) for v in violations] == [
        (RuleCode.REPORTING_ORG_AGENCY, "", Severity.WARNING)
    ]


def test_last_updated_in_the_future(codelists: Codelists) -> None:
    activity = dataclasses.replace(PIMUS, last_updated=datetime(2022, 1, 1))
    assert _codes(activity, codelists) == [RuleCode.LAST_UPDATED_FUTURE]


def test_every_code_has_a_spanish_template_and_known_iati_rule() -> None:
    ruleset = json.loads((IATI_DIR / "rulesets" / "standard.json").read_text("utf-8"))
    iati_ids = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if "id" in node and "severity" in node:
                iati_ids.add(node["id"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(ruleset)
    assert set(RULES) == set(RuleCode)
    for code, (template, _severity, iati_rule) in RULES.items():
        assert template.strip(), code
        if iati_rule is not None:
            for rule_id in iati_rule.split("/"):
                assert rule_id in iati_ids, (code, rule_id)


def test_codelist_loader(codelists: Codelists) -> None:
    assert "MXN" in codelists["Currency"]
    assert "21010" in codelists["Sector"]
    assert {"1", "2", "3", "4"} == set(codelists["OrganisationRole"].codes)
    assert "41050" in codelists["Sector"].withdrawn
    assert codelists["Currency"].complete and not codelists["Country"].complete
    assert "mapping" not in codelists.lists
    assert load_codelists(IATI_DIR / "codelists") is codelists  # cached per directory


def test_sdg_fallback_matches_official_codelist(codelists: Codelists) -> None:
    assert fallback_sdg_targets() == codelists["UNSDG-Targets"].codes
    assert fallback_sdg_goals() == codelists["UNSDG-Goals"].codes
    assert len(fallback_sdg_targets()) == 169


def test_sdg_fallback_used_when_codelist_missing(tmp_path: Path) -> None:
    (tmp_path / "Currency.xml").write_bytes((IATI_DIR / "codelists" / "Currency.xml").read_bytes())
    loaded = load_codelists(tmp_path)
    assert "11.2" in loaded["UNSDG-Targets"] and "11.9" not in loaded["UNSDG-Targets"]
    with pytest.raises(CodelistMissingError, match="Faltan listas de códigos IATI"):
        check_rules([PIMUS], loaded, reporting_org=DEMO_REPORTING_ORG)


def test_missing_codelist_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_codelists(tmp_path / "nope")
