"""Índice AIRE Y SALUD: worked examples of the notes, band edges, dated tables, completeness."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from metropoli.sensors.aqi import (
    NO_DATA_COLOUR,
    TABLES,
    Averaging,
    Category,
    Incomplete,
    IncompleteReason,
    IndexResult,
    Pollutant,
    PopulationGroup,
    RiskLevel,
    TableError,
    category_for,
    daily_index_for,
    index_for,
    round_half_up,
    station_index,
    table_for,
)
from metropoli.sensors.aqi.tables import MEXICO_CENTRAL, check_tables
from metropoli.sensors.labels import category_label, risk_label

PM10, PM2_5 = Pollutant.PM10, Pollutant.PM2_5
AT_2019 = datetime(2020, 6, 1, 12, tzinfo=MEXICO_CENTRAL)
AT_2024 = datetime(2025, 6, 1, 12, tzinfo=MEXICO_CENTRAL)
AT_2026 = datetime(2026, 6, 1, 12, tzinfo=MEXICO_CENTRAL)

E1 = [13, 16, 10, 21, 74, 64, 53, 82, 90, 75, 80, 50]
E3 = [30, None, 28, 26, 25, 27, 29, 30, 31, 30, 28, 27]


def result(pollutant, values, at) -> IndexResult:
    outcome = index_for(pollutant, values, at)
    assert isinstance(outcome, IndexResult)
    return outcome


# E1: official 2019 Annex A, Example 1.


def test_e1_annex_a_example_2019_reproduced_exactly():
    outcome = result(PM2_5, E1, AT_2019)

    assert outcome.weight == Decimal("0.5")
    # Numerator 34.8193359375 / denominator 1.99951171875 = 17.4139...: "17.41", rounded 17.
    assert outcome.unrounded.quantize(Decimal("0.01")) == Decimal("17.41")
    assert outcome.concentration == Decimal(17)
    assert outcome.category is Category.GOOD
    assert outcome.table_version == "nom172-2019-pm2_5"
    assert outcome.averaging is Averaging.WEIGHTED_12H
    assert outcome.valid_hours == 12
    assert result(PM10, E1, AT_2019).category is Category.GOOD


def test_e1_under_2023_applies_the_adjustment_factor():
    pm10 = result(PM10, E1, AT_2024)
    pm2_5 = result(PM2_5, E1, AT_2024)

    assert pm10.unrounded.quantize(Decimal("0.01")) == Decimal("12.43")
    assert (pm10.concentration, pm10.category) == (Decimal(12), Category.GOOD)
    assert pm2_5.unrounded.quantize(Decimal("0.01")) == Decimal("12.09")
    assert (pm2_5.concentration, pm2_5.category) == (Decimal(12), Category.GOOD)


# E2: constant series.


@pytest.mark.parametrize(
    ("pollutant", "at", "concentration", "category"),
    [
        (PM10, AT_2019, 100, Category.BAD),
        (PM2_5, AT_2019, 100, Category.VERY_BAD),
        (PM10, AT_2024, 71, Category.BAD),
        (PM2_5, AT_2024, 69, Category.BAD),
    ],
)
def test_e2_constant_series(pollutant, at, concentration, category):
    outcome = result(pollutant, [100] * 12, at)

    assert outcome.weight == Decimal(1)
    assert outcome.concentration == Decimal(concentration)
    assert outcome.category is category


# E3: one missing hour keeps the others' exponents.


def test_e3_missing_hour_is_left_out_without_shifting():
    outcome = result(PM2_5, E3, AT_2019)

    assert outcome.weight == Decimal("0.81")
    assert outcome.concentration == Decimal(28)
    assert outcome.category is Category.ACCEPTABLE
    assert outcome.valid_hours == 11
    assert result(PM10, E3, AT_2019).category is Category.GOOD


def test_e3_under_2023():
    outcome = result(PM2_5, E3, AT_2024)

    assert outcome.concentration == Decimal(20)
    assert outcome.category is Category.ACCEPTABLE


def test_shifting_the_exponents_would_give_another_value():
    # Guards the "keep position" rule: compacting E3 (dropping the gap) changes the average.
    compacted = [value for value in E3 if value is not None]
    assert result(PM2_5, compacted, AT_2019).unrounded != result(PM2_5, E3, AT_2019).unrounded


# E4: completeness.


@pytest.mark.parametrize(
    "values",
    [
        [None, None, 40] + [40] * 9,
        [40, None, None] + [40] * 9,
        [None, 40, None] + [40] * 9,
        [None] * 12,
        [],
    ],
)
def test_e4_fewer_than_two_of_the_three_recent_hours_gives_no_index(values):
    outcome = index_for(PM10, values, AT_2024)

    assert isinstance(outcome, Incomplete)
    assert outcome.reason is IncompleteReason.RECENT_HOURS_MISSING
    assert outcome.required_hours == 2
    assert outcome.colour == NO_DATA_COLOUR
    assert "last 3 hours" in outcome.message


def test_two_of_three_recent_hours_is_enough_even_with_nothing_older():
    outcome = result(PM10, [40, None, 50], AT_2024)

    assert outcome.valid_hours == 2


def test_more_than_twelve_hours_is_a_caller_error():
    with pytest.raises(ValueError):
        index_for(PM10, [10] * 13, AT_2024)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "abc", Decimal("NaN")])
def test_invalid_concentrations_are_refused(bad):
    with pytest.raises(ValueError):
        index_for(PM10, [bad, 10, 10], AT_2024)


def test_boolean_is_not_a_concentration():
    with pytest.raises(TypeError):
        index_for(PM10, [True, 10, 10], AT_2024)


def test_all_zero_window_gives_zero():
    outcome = result(PM2_5, [0] * 12, AT_2024)
    assert (outcome.concentration, outcome.category) == (Decimal(0), Category.GOOD)


def test_float_inputs_are_taken_at_their_decimal_value():
    assert result(PM10, [12.3, 12.3, 12.3], AT_2019).unrounded == Decimal("12.3")


# Rounding.


@pytest.mark.parametrize(
    ("value", "expected"),
    [("17.415", 17), ("17.5", 18), ("16.5", 17), ("0.5", 1), ("45.49", 45), ("45.5", 46)],
)
def test_round_half_up_is_commercial_rounding(value, expected):
    assert round_half_up(Decimal(value)) == Decimal(expected)


# Band edges: intervals are (lower, upper].

EDGES = {
    "nom172-2019-pm10": (50, 75, 155, 235),
    "nom172-2019-pm2_5": (25, 45, 79, 147),
    "nom172-2023-2024-pm10": (45, 60, 132, 213),
    "nom172-2023-2024-pm2_5": (15, 33, 79, 130),
    "nom172-2023-2026-pm10": (45, 50, 132, 213),
    "nom172-2023-2026-pm2_5": (15, 25, 79, 130),
}


def test_every_table_has_its_expected_limits():
    assert {t.key: tuple(int(b) for b in t.upper_bounds) for t in TABLES} == EDGES


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_value_at_an_upper_bound_belongs_to_the_lower_category(table):
    for category, upper in zip(Category, table.upper_bounds, strict=False):
        assert table.classify(upper) is category
        assert table.classify(upper + 1) is Category(category + 1)
    assert table.classify(Decimal(0)) is Category.GOOD
    assert table.classify(Decimal(10_000)) is Category.EXTREMELY_BAD


def test_category_for_rounds_before_classifying():
    assert category_for(PM10, "45.4", AT_2024) is Category.GOOD
    assert category_for(PM10, "45.5", AT_2024) is Category.ACCEPTABLE
    assert category_for(PM2_5, 25, AT_2019) is Category.GOOD
    assert category_for(PM2_5, 26, AT_2019) is Category.ACCEPTABLE


def test_category_for_uses_the_table_of_the_date():
    # PM10 = 48: Buena in 2019, Aceptable afterwards; 55: Aceptable until 2025, Mala from 2026 [C].
    assert category_for(PM10, 48, AT_2019) is Category.GOOD
    assert category_for(PM10, 48, AT_2024) is Category.ACCEPTABLE
    assert category_for(PM10, 55, AT_2019) is Category.ACCEPTABLE
    assert category_for(PM10, 55, AT_2024) is Category.ACCEPTABLE
    assert category_for(PM10, 55, AT_2026) is Category.BAD
    assert category_for(PM2_5, 30, AT_2026) is Category.BAD


# Table selection by date, at the boundaries.

TICK = timedelta(microseconds=1)
START_2019 = datetime(2019, 11, 20, tzinfo=MEXICO_CENTRAL)
START_2024 = datetime(2024, 1, 25, tzinfo=MEXICO_CENTRAL)
START_2026 = datetime(2026, 1, 1, tzinfo=MEXICO_CENTRAL)


@pytest.mark.parametrize(
    ("at", "key"),
    [
        (START_2019, "nom172-2019-pm10"),
        (START_2024 - TICK, "nom172-2019-pm10"),
        (START_2024, "nom172-2023-2024-pm10"),
        (START_2026 - TICK, "nom172-2023-2024-pm10"),
        (START_2026, "nom172-2023-2026-pm10"),
        (datetime(2040, 1, 1, tzinfo=UTC), "nom172-2023-2026-pm10"),
    ],
)
def test_table_selection_at_the_boundaries(at, key):
    assert table_for(PM10, at).key == key


def test_boundaries_are_instants_in_central_mexico_time():
    # 2026-01-01 00:00 in Guadalajara is 06:00 UTC; 05:59 UTC is still 2025 locally.
    assert table_for(PM10, datetime(2026, 1, 1, 5, 59, tzinfo=UTC)).key.startswith(
        "nom172-2023-2024"
    )
    assert table_for(PM10, datetime(2026, 1, 1, 6, 0, tzinfo=UTC)).key.startswith(
        "nom172-2023-2026"
    )


def test_index_uses_the_table_in_force_at_the_reading():
    values = [55] * 12
    before = index_for(PM10, values, START_2026 - TICK)
    after = index_for(PM10, values, START_2026)
    # 55 x 0.714 = 39.27 -> 39 either way: same concentration, tables recorded differently.
    assert isinstance(before, IndexResult) and isinstance(after, IndexResult)
    assert (before.concentration, after.concentration) == (Decimal(39), Decimal(39))
    assert (before.table_version, after.table_version) == (
        "nom172-2023-2024-pm10",
        "nom172-2023-2026-pm10",
    )


def test_before_the_first_table_there_is_no_index():
    with pytest.raises(TableError):
        index_for(PM10, [10] * 12, START_2019 - TICK)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        table_for(PM10, datetime(2025, 1, 1))


def test_overlapping_tables_are_refused():
    first = TABLES[2]
    overlapping = [first, first.__class__(**{**_fields(first), "key": "copy"})]
    with pytest.raises(ValueError, match="overlaps"):
        check_tables(overlapping)


def _fields(table):
    return {name: getattr(table, name) for name in table.__dataclass_fields__}


# Category metadata.


def spanish(msgid: str) -> str:
    """A label as Spanish readers see it (the pure package keeps English msgids)."""
    with translation.override("es-mx"):
        return translation.gettext(msgid)


def test_risk_levels_per_category():
    assert [c.risk for c in Category] == list(RiskLevel)
    with translation.override("es-mx"):
        risks = [risk_label(c.risk) for c in Category]
    assert risks == [
        "Bajo",
        "Moderado",
        "Alto",
        "Muy alto",
        "Extremadamente alto",
    ]


def test_category_names_and_colour_names():
    with translation.override("es-mx"):
        labels = [category_label(c) for c in Category]
    assert labels == [
        "Buena",
        "Aceptable",
        "Mala",
        "Muy Mala",
        "Extremadamente Mala",
    ]
    assert [spanish(c.colour.name) for c in Category] == [
        "verde",
        "amarillo",
        "naranja",
        "rojo",
        "morado",
    ]


def test_every_category_has_a_message_for_every_population_group():
    for category in Category:
        assert set(category.messages) == set(PopulationGroup)
        assert all(message for message in category.messages.values())


def test_result_exposes_colour_risk_and_messages():
    outcome = result(PM2_5, [100] * 12, AT_2019)
    assert spanish(outcome.colour.name) == "rojo"
    assert outcome.risk is RiskLevel.VERY_HIGH
    assert outcome.messages[PopulationGroup.GENERAL] == outcome.category.messages["general"]


# Daily value (24 h, at least 18 valid hours).


def test_daily_value_needs_18_valid_hours():
    outcome = daily_index_for(PM10, [50] * 17 + [None] * 7, AT_2024)
    assert isinstance(outcome, Incomplete)
    assert outcome.reason is IncompleteReason.TOO_FEW_HOURS


def test_daily_value_is_the_plain_mean_without_factor():
    outcome = daily_index_for(PM10, [50] * 18 + [None] * 6, AT_2024)
    assert isinstance(outcome, IndexResult)
    assert (outcome.concentration, outcome.category) == (Decimal(50), Category.ACCEPTABLE)
    assert outcome.averaging is Averaging.DAILY_24H


# E5-like station index (PM only).


def test_station_index_is_the_worst_category_and_skips_missing_pollutants():
    pm2_5 = result(PM2_5, [30] * 12, AT_2019)  # 30 -> Aceptable
    pm10 = result(PM10, [30] * 12, AT_2019)  # 30 -> Buena
    missing = index_for(PM10, [None] * 12, AT_2019)

    station = station_index([pm10, pm2_5, missing])

    assert station is not None
    assert station.category is Category.ACCEPTABLE
    assert station.responsible == (PM2_5,)
    assert station_index([missing]) is None


def test_station_index_reports_all_tied_pollutants():
    pm10 = result(PM10, [100] * 12, AT_2019)  # Mala
    pm2_5 = result(PM2_5, [60] * 12, AT_2019)  # Mala
    station = station_index([pm10, pm2_5])
    assert station is not None
    assert station.responsible == (PM10, PM2_5)
