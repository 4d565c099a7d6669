"""Sale quantities, line totals, delivery fees: exact values and properties."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metropoli.common.geo import MEAN_EARTH_RADIUS_KM as EARTH_RADIUS_KM
from metropoli.markets.quantities import (
    LonLat,
    QuantityError,
    SaleRule,
    Unit,
    clean_quantity,
    delivery_fee,
    haversine_km,
    line_total,
    parse_quantity,
    validate_quantity,
)

D = Decimal
KG = SaleRule(Unit.KILOGRAM, D("0.25"), D("20"))
PIECES = SaleRule(Unit.PIECE, D("1"), D("50"))
BANDS = [(D("3"), D("25.00")), (D("6"), D("40.00")), (D("10"), D("60.00"))]


# --- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.5", D("0.5")),
        ("1,5", D("1.5")),
        (" 2 ", D("2")),
        (".75", D("0.75")),
        (",25", D("0.25")),
        ("-1", D("-1")),
        (D("0.25"), D("0.25")),
        (3, D("3")),
    ],
)
def test_parse_accepts_both_decimal_separators(raw, expected):
    assert parse_quantity(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "abc",
        "1,000.5",
        "1.000,5",
        "1.",
        "1e3",
        "NaN",
        "Infinity",
        "½",
        "١",
        "0x10",
        "1 5",
        "9" * 40,
        0.5,
        True,
        None,
        D("NaN"),
        D("Infinity"),
    ],
)
def test_parse_refuses_what_is_not_a_plain_number(raw):
    with pytest.raises(QuantityError) as raised:
        parse_quantity(raw)

    assert raised.value.code == "invalid_number"


# --- validation -------------------------------------------------------------------------------


def test_message_names_value_unit_and_step():
    with pytest.raises(QuantityError) as raised:
        clean_quantity("0,3", KG)

    assert raised.value.code == "not_multiple_of_step"
    assert raised.value.message == "La cantidad 0.3 kg no es múltiplo de 0.25 kg."
    assert raised.value.params == {"value": D("0.3"), "unit": "kg", "step": D("0.25")}


def test_pieces_must_be_whole():
    with pytest.raises(QuantityError) as raised:
        clean_quantity("1.5", PIECES)

    assert raised.value.message == "La cantidad 1.5 piezas no es múltiplo de 1 pieza."


@pytest.mark.parametrize(
    ("raw", "code"),
    [("0", "not_positive"), ("-0.25", "not_positive"), ("20.25", "above_max_per_line")],
)
def test_out_of_range_quantities_are_refused(raw, code):
    with pytest.raises(QuantityError) as raised:
        clean_quantity(raw, KG)

    assert raised.value.code == code
    assert "kg" in raised.value.message


def test_limits_are_inclusive():
    assert clean_quantity("0.25", KG) == D("0.25")
    assert clean_quantity("20", KG) == D("20")
    assert clean_quantity("20.00", KG) == D("20")


@pytest.mark.parametrize(
    ("unit", "step", "maximum", "code"),
    [
        (Unit.KILOGRAM, D("0"), D("10"), "invalid_step"),
        (Unit.KILOGRAM, D("-0.25"), D("10"), "invalid_step"),
        (Unit.KILOGRAM, 0.25, D("10"), "invalid_step"),
        (Unit.PIECE, D("0.5"), D("10"), "invalid_step"),
        (Unit.BUNCH, D("1"), D("0.5"), "invalid_max_per_line"),
        ("dozen", D("1"), D("10"), "invalid_unit"),
    ],
)
def test_sale_rule_refuses_impossible_configuration(unit, step, maximum, code):
    with pytest.raises(QuantityError) as raised:
        SaleRule(unit, step, maximum)

    assert raised.value.code == code


def test_sale_rule_accepts_strings_and_ints_from_configuration():
    rule = SaleRule("litre", "0.5", 10)  # type: ignore[arg-type]

    assert (rule.unit, rule.step, rule.max_per_line) == (Unit.LITRE, D("0.5"), D("10"))
    assert clean_quantity("1,5", rule) == D("1.5")


# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "price", "expected"),
    [
        ("0.75", "18.90", "14.18"),  # 14.175 -> half up
        ("1.25", "0.10", "0.13"),  # 0.125 -> half up
        ("0.25", "0.02", "0.01"),  # 0.005 -> half up
        ("0.25", "0.01", "0.00"),  # 0.0025 -> down
        ("3", "12.5", "37.50"),
        ("0.5", "0", "0.00"),
        # 999999999.25 * 100000 - 999999999.25 * 0.01 = 99999999925000 - 9999999.9925
        # = 99999989925000.0075 -> .01; 19 significant digits, more than a float holds.
        ("999999999.25", "99999.99", "99999989925000.01"),
    ],
)
def test_line_total_rounds_half_up_to_centavos(quantity, price, expected):
    total = line_total(D(quantity), D(price))

    assert total == D(expected)
    assert total.as_tuple().exponent == -2


@pytest.mark.parametrize("price", [D("-1"), D("NaN"), 1.5, "abc"])
def test_line_total_refuses_bad_prices(price):
    with pytest.raises(QuantityError) as raised:
        line_total(D("1"), price)

    assert raised.value.code == "invalid_price"


# --- distance and delivery --------------------------------------------------------------------


def test_haversine_known_distances():
    # One degree along the equator or a meridian is R * pi / 180; a quarter meridian R * pi / 2;
    # antipodes R * pi.
    one_degree = EARTH_RADIUS_KM * math.pi / 180
    assert haversine_km((0, 0), (1, 0)) == pytest.approx(one_degree, abs=1e-9)
    assert haversine_km(LonLat(0, 0), LonLat(0, 1)) == pytest.approx(one_degree, abs=1e-9)
    assert haversine_km((0, 0), (0, 90)) == pytest.approx(EARTH_RADIUS_KM * math.pi / 2, 1e-12)
    assert haversine_km((0, 0), (180, 0)) == pytest.approx(EARTH_RADIUS_KM * math.pi, 1e-12)
    assert haversine_km((-103.35, 20.67), (-103.35, 20.67)) == 0.0
    # At latitude 60 a degree of longitude is about half as long (cos 60 = 0.5); haversine:
    # 2R asin(cos 60 * sin 0.5 deg) = 2R asin(0.5 * sin(pi / 360)).
    expected = 2 * EARTH_RADIUS_KM * math.asin(0.5 * math.sin(math.pi / 360))
    assert haversine_km((10, 60), (11, 60)) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("point", [(0, 91), (181, 0), (math.nan, 0), (1,), "x"])
def test_haversine_refuses_invalid_coordinates(point):
    with pytest.raises(QuantityError) as raised:
        haversine_km(point, (0, 0))

    assert raised.value.code == "invalid_coordinates"


@pytest.mark.parametrize(
    ("distance", "fee"),
    [
        (0, "25.00"),
        (2.99, "25.00"),
        (3, "25.00"),
        (3.0001, "40.00"),
        (D("6"), "40.00"),
        (9.5, "60.00"),
        (10, "60.00"),
    ],
)
def test_delivery_fee_uses_first_band_that_reaches_the_distance(distance, fee):
    assert delivery_fee(distance, BANDS) == D(fee)


def test_beyond_last_band_is_outside_delivery_area():
    with pytest.raises(QuantityError) as raised:
        delivery_fee(10.004, BANDS)

    assert raised.value.code == "outside_delivery_area"
    # Shown rounded up, so it never reads "10 km ... hasta 10 km".
    assert raised.value.message == (
        "La dirección está a 10.01 km y el área de entrega llega hasta 10 km."
    )
    assert raised.value.params == {"distance_km": 10.004, "max_km": D("10")}


def test_outside_delivery_area_message_names_distance_and_limit():
    with pytest.raises(QuantityError) as raised:
        delivery_fee(12.345, BANDS)

    assert raised.value.message == (
        "La dirección está a 12.35 km y el área de entrega llega hasta 10 km."
    )


@pytest.mark.parametrize(
    "bands",
    [
        [],
        [(D("6"), D("40")), (D("3"), D("25"))],
        [(D("3"), D("25")), (D("3"), D("30"))],
        [(D("0"), D("10"))],
        [(D("3"), D("-1"))],
        [(3.5, D("10"))],
    ],
)
def test_delivery_bands_must_be_sorted_and_sane(bands):
    with pytest.raises(QuantityError) as raised:
        delivery_fee(1, bands)

    assert raised.value.code == "invalid_bands"


@pytest.mark.parametrize("distance", [-0.1, math.nan, math.inf, "3", True])
def test_delivery_fee_refuses_invalid_distance(distance):
    with pytest.raises(QuantityError) as raised:
        delivery_fee(distance, BANDS)

    assert raised.value.code == "invalid_distance"


# --- properties -------------------------------------------------------------------------------

steps = st.sampled_from([D("0.25"), D("0.5"), D("0.1"), D("0.125"), D("1"), D("2")])


@given(step=steps, k=st.integers(min_value=1, max_value=400))
def test_every_whole_number_of_steps_is_accepted(step, k):
    rule = SaleRule(Unit.KILOGRAM, step, step * 400)
    quantity = step * k

    assert validate_quantity(quantity, rule) == quantity
    text = format(quantity, "f")
    assert clean_quantity(text, rule) == quantity
    assert clean_quantity(text.replace(".", ","), rule) == quantity


@given(
    step=steps,
    k=st.integers(min_value=0, max_value=399),
    fraction=st.fractions(min_value=0, max_value=1).filter(lambda f: 0 < f < 1),
)
def test_non_multiples_are_refused(step, k, fraction):
    # k whole steps plus a strict fraction of one more is never a multiple of the step.
    extra = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    quantity = step * k + step * extra
    # Decimal division may round; only test quantities that really are not multiples.
    if quantity % step == 0:
        return
    rule = SaleRule(Unit.KILOGRAM, step, step * 400)

    with pytest.raises(QuantityError) as raised:
        validate_quantity(quantity, rule)

    assert raised.value.code == "not_multiple_of_step"


@given(
    whole=st.integers(min_value=0, max_value=10**6),
    decimals=st.text(alphabet="0123456789", min_size=1, max_size=6),
)
def test_parse_reads_both_separators_the_same(whole, decimals):
    dotted = parse_quantity(f"{whole}.{decimals}")

    assert parse_quantity(f"{whole},{decimals}") == dotted
    assert dotted == Decimal(whole) + Decimal(f"0.{decimals}")


@given(
    quantity=st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3),
    price=st.decimals(min_value=D("0"), max_value=D("10000"), places=2),
)
def test_line_total_is_within_half_a_centavo_of_the_exact_product(quantity, price):
    total = line_total(quantity, price)

    assert abs(total - quantity * price) <= D("0.005")
    assert total.as_tuple().exponent == -2


@given(
    a=st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
    b=st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
)
def test_haversine_is_symmetric_and_bounded(a, b):
    distance = haversine_km(a, b)

    assert distance == pytest.approx(haversine_km(b, a), abs=1e-9)
    assert 0 <= distance <= EARTH_RADIUS_KM * math.pi + 1e-9
