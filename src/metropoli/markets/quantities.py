"""Sale quantities, line totals and delivery fees for Mi Mercado.

Everything here is plain Python except `unit_name` and `format_quantity`, which write a quantity
for people in the active language with Django's plural forms ("2 manojos", "1 pieza", "0.5 kg").

Money and quantities are ``Decimal`` end to end: a float cannot hold 0.1 kg or $12.35 exactly,
and a customer must be charged exactly what the stall's price says. Distances are floats because
they come from trigonometry and only select a fee band.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import Any, NamedTuple

from django.utils.functional import lazy
from django.utils.translation import npgettext, pgettext

from metropoli.common import geo
from metropoli.common.errors import DomainError, ErrorCode

CENTAVO = Decimal("0.01")
# Longer input is not a quantity anyone types; refusing it early keeps parsing cheap.
MAX_INPUT_LENGTH = 32

# Digits with an optional single decimal separator, "." or ",". Thousands separators are refused
# because "1,500" would be ambiguous (1.5 kg or 1500 kg). re.ASCII: only 0-9 count as digits.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)", re.ASCII)


class QuantityErrorCode(ErrorCode):
    """Why a quantity, price, distance or fee band is refused."""

    INVALID_UNIT = "invalid_unit"
    INVALID_STEP = "invalid_step"
    INVALID_MAX_PER_LINE = "invalid_max_per_line"
    NOT_POSITIVE = "not_positive"
    ABOVE_MAX_PER_LINE = "above_max_per_line"
    NOT_MULTIPLE_OF_STEP = "not_multiple_of_step"
    INVALID_PRICE = "invalid_price"
    OUTSIDE_DELIVERY_AREA = "outside_delivery_area"
    INVALID_BANDS = "invalid_bands"
    INVALID_COORDINATES = "invalid_coordinates"
    INVALID_NUMBER = "invalid_number"
    INVALID_DISTANCE = "invalid_distance"


class QuantityError(DomainError, ValueError):
    """Refused quantity, price or delivery: a `QuantityErrorCode`, the message for staff (in
    Spanish, written out) and the raw values in ``params``, from which the checkout writes its
    own message in the shopper's language."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        # Written out already: a "%" in it (from the input) is text, not a placeholder.
        super().__init__(
            QuantityErrorCode(code), message.replace("%", "%%") if params else message, **params
        )


class Unit(StrEnum):
    KILOGRAM = "kg"
    PIECE = "piece"
    BUNCH = "bunch"
    LITRE = "litre"

    @property
    def countable(self) -> bool:
        """Pieces and bunches cannot be split."""
        return self in (Unit.PIECE, Unit.BUNCH)

    def label(self, amount: Decimal) -> str:
        """Spanish unit text for ``amount`` (symbols for measures, words for counts)."""
        singular, plural = _LABELS[self]
        return singular if amount == 1 else plural


_LABELS: dict[Unit, tuple[str, str]] = {
    Unit.KILOGRAM: ("kg", "kg"),
    Unit.LITRE: ("L", "L"),
    Unit.PIECE: ("pieza", "piezas"),
    Unit.BUNCH: ("manojo", "manojos"),
}


def _plural_count(amount: Decimal) -> int:
    """The number that picks the plural form: 1 only for exactly one (0.5 kg, 1.5 piezas)."""
    return 1 if amount == 1 else 2


def unit_name(unit: str, amount: Decimal | int = 2) -> str:
    """The unit for ``amount`` in the active language: kg, L, pieza/piezas, manojo/manojos."""
    count = _plural_count(Decimal(amount))
    if unit == Unit.KILOGRAM:
        return pgettext("unit symbol", "kg")
    if unit == Unit.LITRE:
        return pgettext("unit symbol", "L")
    if unit == Unit.PIECE:
        return npgettext("sale unit", "piece", "pieces", count)
    if unit == Unit.BUNCH:
        return npgettext("sale unit", "bunch", "bunches", count)
    return str(unit)


def format_quantity(amount: Decimal | int | str, unit: str) -> str:
    """«2 manojos», «1 pieza», «0.5 kg»: the number without trailing zeros and its unit."""
    value = Decimal(amount)
    return f"{format_decimal(value)} {unit_name(unit, value)}"


# For error parameters rendered later, in the language of the answer.
format_quantity_lazy = lazy(format_quantity, str)
unit_name_lazy = lazy(unit_name, str)


def format_decimal(value: Decimal) -> str:
    """Plain notation without trailing zeros: 0.30 -> "0.3", 1E+2 -> "100"."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _amount(value: Decimal, unit: Unit) -> str:
    return f"{format_decimal(value)} {unit.label(value)}"


@dataclass(frozen=True)
class SaleRule:
    """How a product is sold: its unit, the smallest increment and the most per order line."""

    unit: Unit
    step: Decimal
    max_per_line: Decimal

    def __post_init__(self) -> None:
        try:
            unit = Unit(self.unit)
        except ValueError:
            raise QuantityError(
                "invalid_unit",
                f"La unidad {self.unit!r} no existe; use kg, piece, bunch o litre.",
            ) from None
        step = _as_decimal(self.step)
        maximum = _as_decimal(self.max_per_line)
        if step is None or step <= 0:
            raise QuantityError(
                "invalid_step", f"El paso de venta debe ser positivo; se recibió {self.step!r}."
            )
        if unit.countable and step != step.to_integral_value():
            raise QuantityError(
                "invalid_step",
                f"Lo que se vende por {unit.label(Decimal(2))} va en unidades enteras; "
                f"el paso {format_decimal(step)} no es entero.",
            )
        if maximum is None or maximum < step:
            raise QuantityError(
                "invalid_max_per_line",
                f"El máximo por línea debe ser al menos el paso ({_amount(step, unit)}); "
                f"se recibió {self.max_per_line!r}.",
            )
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "step", step)
        object.__setattr__(self, "max_per_line", maximum)


def parse_quantity(raw: str | Decimal | int) -> Decimal:
    """Read a quantity typed by a person ("0.5", "1,5", " 2 ") or given as Decimal/int.

    Floats are refused: by the time a float exists, 0.1 has already become 0.1000000000000000055.
    Sign is accepted here so that "-1" is reported as not positive rather than as unreadable.
    """
    if isinstance(raw, bool):
        raise _invalid_number(raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise _invalid_number(raw)
        return raw
    if not isinstance(raw, str):
        raise _invalid_number(raw)
    text = raw.strip()
    if len(text) > MAX_INPUT_LENGTH or not _NUMBER.fullmatch(text):
        raise _invalid_number(raw)
    return Decimal(text.replace(",", "."))


def validate_quantity(quantity: Decimal, rule: SaleRule) -> Decimal:
    """Return ``quantity`` if it can be sold under ``rule``, else raise ``QuantityError``."""
    unit, step = rule.unit, rule.step
    if quantity <= 0:
        raise QuantityError(
            "not_positive",
            f"La cantidad {_amount(quantity, unit)} debe ser mayor que cero "
            f"(mínimo {_amount(step, unit)}).",
            value=quantity,
            unit=unit.value,
            step=step,
        )
    if quantity > rule.max_per_line:
        raise QuantityError(
            "above_max_per_line",
            f"La cantidad {_amount(quantity, unit)} supera el máximo de "
            f"{_amount(rule.max_per_line, unit)} por producto en un pedido.",
            value=quantity,
            unit=unit.value,
            step=step,
            max_per_line=rule.max_per_line,
        )
    # Fractions make the multiple test exact whatever the digits; Decimal's % would depend on the
    # context precision for long inputs.
    if (Fraction(quantity) / Fraction(step)).denominator != 1:
        raise QuantityError(
            "not_multiple_of_step",
            f"La cantidad {_amount(quantity, unit)} no es múltiplo de {_amount(step, unit)}.",
            value=quantity,
            unit=unit.value,
            step=step,
        )
    return quantity


def clean_quantity(raw: str | Decimal | int, rule: SaleRule) -> Decimal:
    """Parse and validate in one call, as a form or API field would."""
    return validate_quantity(parse_quantity(raw), rule)


def line_total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """quantity x unit price, rounded to centavos, halves away from zero (ROUND_HALF_UP)."""
    price = _as_decimal(unit_price)
    if price is None or price < 0:
        raise QuantityError(
            "invalid_price",
            f"El precio debe ser un número no negativo; se recibió {unit_price!r}.",
            value=unit_price,
        )
    with localcontext() as context:
        # Enough digits that the product is exact before the single rounding to centavos.
        digits = len(quantity.as_tuple().digits) + len(price.as_tuple().digits)
        context.prec = max(28, digits + 4)
        return (quantity * price).quantize(CENTAVO, rounding=ROUND_HALF_UP)


class LonLat(NamedTuple):
    lon: float
    lat: float


def haversine_km(
    origin: LonLat | tuple[float, float], destination: LonLat | tuple[float, float]
) -> float:
    """Great-circle distance in km between two (longitude, latitude) points in degrees; refuses
    coordinates off the Earth with ``QuantityError("invalid_coordinates")``."""
    return geo.haversine_km(*_checked_point(origin), *_checked_point(destination))


def delivery_fee(distance_km: float | Decimal, bands: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """Fee of the first band whose ``max_km`` is >= the distance (upper bounds are inclusive).

    ``bands`` is ``[(max_km, fee), ...]`` sorted by strictly increasing ``max_km``; beyond the
    last band the address is outside the delivery area.
    """
    checked = _checked_bands(bands)
    if isinstance(distance_km, bool) or not isinstance(distance_km, (int, float, Decimal)):
        raise _invalid_distance(distance_km)
    distance = Decimal(distance_km) if isinstance(distance_km, (int, float)) else distance_km
    if not distance.is_finite() or distance < 0:
        raise _invalid_distance(distance_km)
    for max_km, fee in checked:
        if distance <= max_km:
            return fee
    limit = checked[-1][0]
    # Rounded up so that a distance just past the limit never reads as equal to it.
    shown = distance.quantize(CENTAVO, rounding=ROUND_CEILING)
    raise QuantityError(
        "outside_delivery_area",
        f"La dirección está a {format_decimal(shown)} km y el área de entrega llega hasta "
        f"{format_decimal(limit)} km.",
        distance_km=distance_km,
        max_km=limit,
    )


def _checked_bands(bands: Sequence[tuple[Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
    checked: list[tuple[Decimal, Decimal]] = []
    for max_km, fee in bands:
        limit, amount = _as_decimal(max_km), _as_decimal(fee)
        previous = checked[-1][0] if checked else Decimal(0)
        if limit is None or amount is None or limit <= previous or amount < 0:
            raise QuantityError(
                "invalid_bands",
                "Las tarifas de envío deben ir ordenadas por distancia máxima creciente, "
                "con distancias positivas y tarifas no negativas.",
                bands=list(bands),
            )
        checked.append((limit, amount))
    if not checked:
        raise QuantityError("invalid_bands", "Defina al menos una tarifa de envío.", bands=[])
    return checked


def _checked_point(point: LonLat | tuple[float, float]) -> tuple[float, float]:
    try:
        lon, lat = (float(coordinate) for coordinate in point)
    except (TypeError, ValueError):
        lon = lat = math.nan
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise QuantityError(
            "invalid_coordinates",
            f"Las coordenadas {point!r} no son válidas (longitud entre -180 y 180, latitud "
            "entre -90 y 90).",
            point=point,
        )
    return lon, lat


def _as_decimal(value: object) -> Decimal | None:
    """Decimal for money and limits; floats are refused for the same reason as in parsing."""
    if isinstance(value, (bool, float)):
        return None
    try:
        number = Decimal(value) if isinstance(value, (int, str)) else value
    except InvalidOperation:
        return None
    if not isinstance(number, Decimal) or not number.is_finite():
        return None
    return number


def _invalid_number(raw: object) -> QuantityError:
    return QuantityError(
        "invalid_number",
        f"«{raw}» no es una cantidad válida; escriba un número como 0.5 o 1,5.",
        value=raw,
    )


def _invalid_distance(raw: object) -> QuantityError:
    return QuantityError(
        "invalid_distance",
        f"La distancia {raw!r} no es válida; debe ser un número de kilómetros no negativo.",
        distance_km=raw,
    )
