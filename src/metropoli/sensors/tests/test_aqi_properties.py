"""Property tests of the index: monotone categories and bounded averages."""

from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from metropoli.sensors.aqi import TABLES, IndexResult, category_for, index_for
from metropoli.sensors.aqi.averaging import normalise_window, weighted_average

concentrations = st.decimals(min_value=0, max_value=2000, places=3, allow_nan=False)
tables = st.sampled_from(TABLES)
hour = st.one_of(st.none(), concentrations)


@given(tables, concentrations, concentrations)
def test_category_is_monotone_in_concentration_for_every_table(table, a, b):
    low, high = sorted((a, b))
    assert table.classify(low) <= table.classify(high)
    at = table.valid_from + timedelta(days=1)
    assert category_for(table.pollutant, low, at) <= category_for(table.pollutant, high, at)


@given(st.lists(hour, min_size=1, max_size=12).filter(lambda w: any(v is not None for v in w)))
def test_weighted_average_lies_between_the_valid_extremes(values):
    window = normalise_window(values, 12)
    average, weight = weighted_average(window)
    valid = [v for v in window if v is not None]
    assert min(valid) <= average <= max(valid)
    assert Decimal("0.5") <= weight <= 1


@given(tables, st.lists(hour, min_size=0, max_size=12))
def test_index_is_reported_exactly_when_two_of_three_recent_hours_are_valid(table, values):
    at = table.valid_from + timedelta(hours=1)
    outcome = index_for(table.pollutant, values, at)
    recent_valid = sum(v is not None for v in (values + [None] * 3)[:3])
    assert isinstance(outcome, IndexResult) == (recent_valid >= 2)
    if isinstance(outcome, IndexResult):
        assert outcome.table == table
        assert outcome.concentration == outcome.concentration.to_integral_value()
