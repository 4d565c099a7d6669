"""Parsers of typed input never crash: they accept well-formed values or explain."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from metropoli.cooperation.checks import Errors, check_amount, parse_themes, split_codes


@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.integers()))
def test_check_amount_accepts_or_explains_any_input(raw):
    errors = Errors()
    value = check_amount(errors, currency="MXN", value=raw, value_date=date(2020, 1, 1))
    if value is None:
        assert errors["value"]
    else:
        assert "value" not in errors
        assert value >= 0 and value.as_tuple().exponent >= -2


@given(st.decimals(min_value=0, max_value=Decimal("99999999999999.99"), places=2))
def test_well_formed_amounts_round_trip(value):
    errors = Errors()
    assert (
        check_amount(errors, currency="MXN", value=f"{value:f}", value_date=date(2020, 1, 1))
        == value
    )
    assert not errors


def test_theme_and_code_lists():
    assert parse_themes("mobility:70, gender:30") == {"mobility": "70", "gender": "30"}
    assert parse_themes("climate") == {"climate": "100"}
    assert parse_themes("") == {}
    assert split_codes(" 11.2, 13.b;17 ") == ["11.2", "13.b", "17"]
