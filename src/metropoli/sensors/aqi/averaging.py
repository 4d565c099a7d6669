"""Base concentrations: the 12-hour weighted moving average (Annex A) and the 24-hour average.

Arithmetic is done in ``Decimal`` with an explicit local context, not in float. The norm's
rounding is "redondeo comercial" (0.5 rounds up) [B]; binary floats cannot represent values such
as 17.415 or 0.805 exactly, so a float implementation would round some .5 edges down and differ
from the published example. Decimal inputs are used as given; floats are converted through their
shortest ``repr`` so 12.3 means 12.3, not 12.300000000000000710...
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext

from metropoli.common.i18n import gettext_noop

WINDOW_HOURS = 12
# 2 of the 3 most recent hours must be valid (2023 numeral 5.2.5.3) [B]. For 2019 the same rule
# is applied although it was not confirmed in the 2019 text [C].
RECENT_HOURS = 3
MIN_VALID_RECENT_HOURS = 2
MIN_WEIGHT = Decimal("0.5")
# W is rounded to 2 decimals [B for 2023; the 2019 example also writes it with 2 decimals].
WEIGHT_QUANTUM = Decimal("0.01")
# PM10 and PM2.5 are reported as integers in µg/m³ (Tabla 2) [B].
CONCENTRATION_QUANTUM = Decimal(1)

DAILY_HOURS = 24
# Daily value: at least 18 valid hours of 24 (75 %) [B].
MIN_VALID_DAILY_HOURS = 18

# 28 significant digits keeps W**11 (22 decimals) times any plausible concentration exact; the
# only inexact step is the final division. The context is explicit so that a caller's global
# decimal context (precision, traps) can never change a category.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)

HourlyValue = Decimal | int | float | str


def to_concentration(value: HourlyValue) -> Decimal:
    """Convert one hourly value to Decimal, refusing what cannot be a concentration."""
    if isinstance(value, bool):
        # bool is an int subclass; True as "1 µg/m³" is certainly a bug upstream.
        raise TypeError(gettext_noop("A concentration cannot be a boolean."))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(gettext_noop("The concentration must be a finite number."))
        result = Decimal(repr(value))
    elif isinstance(value, Decimal | int | str):
        try:
            result = Decimal(value)
        except ArithmeticError as error:
            raise ValueError(gettext_noop("The concentration is not a number.")) from error
    else:
        raise TypeError(gettext_noop("Unsupported concentration type."))
    if not result.is_finite():
        raise ValueError(gettext_noop("The concentration must be a finite number."))
    if result < 0:
        raise ValueError(gettext_noop("The concentration cannot be negative."))
    return result


def round_half_up(value: Decimal, quantum: Decimal = CONCENTRATION_QUANTUM) -> Decimal:
    """Commercial rounding: 17.5 -> 18, 17.415 -> 17 (never banker's rounding)."""
    with localcontext(_CONTEXT):
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


def normalise_window(
    hourly_values: Sequence[HourlyValue | None], size: int
) -> list[Decimal | None]:
    """Convert a most-recent-first window, padding missing trailing hours with ``None``."""
    if isinstance(hourly_values, str | bytes):
        raise TypeError(gettext_noop("A sequence of hourly values was expected."))
    if len(hourly_values) > size:
        # Silently ignoring older hours would hide a caller's off-by-one error.
        raise ValueError(gettext_noop("There are more hourly values than the window allows."))
    window = [None if value is None else to_concentration(value) for value in hourly_values]
    return window + [None] * (size - len(window))


def count_valid(window: Sequence[Decimal | None]) -> int:
    return sum(value is not None for value in window)


def weight_factor(window: Sequence[Decimal | None]) -> Decimal:
    """W = 1 - (Cmax - Cmin) / Cmax over the valid hours, rounded to 2 decimals, at least 0.5."""
    valid = [value for value in window if value is not None]
    if not valid:
        raise ValueError(gettext_noop("There are no valid hours in the window."))
    c_max, c_min = max(valid), min(valid)
    if c_max == 0:
        # All zeros: no variation, so full weight; avoids dividing by zero.
        return Decimal(1)
    with localcontext(_CONTEXT):
        weight = round_half_up(1 - (c_max - c_min) / c_max, WEIGHT_QUANTUM)
    # Clamping after rounding gives the same result as before: 0.5 lies on the 0.01 grid.
    return max(weight, MIN_WEIGHT)


def weighted_average(window: Sequence[Decimal | None]) -> tuple[Decimal, Decimal]:
    """Unrounded 12 h weighted moving average and the W used.

    ``window[0]`` is the most recent hour (C1). A missing hour is left out of both sums and the
    other hours keep their exponent (they are not shifted) [B].
    """
    weight = weight_factor(window)
    with localcontext(_CONTEXT):
        numerator = Decimal(0)
        denominator = Decimal(0)
        for elapsed_hours, value in enumerate(window):
            if value is None:
                continue
            factor = weight**elapsed_hours
            numerator += value * factor
            denominator += factor
        return numerator / denominator, weight


def daily_mean(window: Sequence[Decimal | None]) -> Decimal:
    """Unrounded arithmetic mean of the valid hours of a 24 h window."""
    valid = [value for value in window if value is not None]
    with localcontext(_CONTEXT):
        return sum(valid, Decimal(0)) / len(valid)
