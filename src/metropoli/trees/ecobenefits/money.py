"""Money value of eco-benefit quantities.

The engine works in table units (kWh, kBtu, m3, kg). Monetary rates, on the other hand, are quoted
per kWh, kBtu, US gallon of water and pound of each pollutant (as in OpenTreeMap's
``region_currency.csv``, in US dollars). The conversions are explicit here so that the platform
can plug in its own rates (e.g. MXN) without touching the engine.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar

import numpy as np

#: Exact by definition: 1 US gallon = 231 in3 = 3.785411784 litres.
US_GALLON_M3 = 3.785411784e-3
M3_TO_US_GALLONS = 1.0 / US_GALLON_M3
#: Exact by definition: 1 avoirdupois pound = 0.45359237 kg.
POUND_KG = 0.45359237
KG_TO_LB = 1.0 / POUND_KG


@dataclass(frozen=True)
class Rates:
    """Money per unit, in one currency. Field names follow region_currency.csv."""

    electricity_kwh_to_currency: float
    natural_gas_kbtu_to_currency: float
    h20_gal_to_currency: float
    co2_lb_to_currency: float
    o3_lb_to_currency: float
    nox_lb_to_currency: float
    pm10_lb_to_currency: float
    sox_lb_to_currency: float
    voc_lb_to_currency: float
    currency: str = "USD"


@dataclass(frozen=True)
class RegionRates:
    region: str
    name: str
    rates: Rates


RATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Rates) if f.name != "currency")

#: factor -> (rate field, factor converting the table unit into the rate's unit).
#: co2_storage is priced like the other CO2 figures but is a stock, not a yearly flow: callers
#: should not add its money to the yearly benefits. bvoc (emissions, usually <= 0) uses the VOC
#: rate so that the emission counts against the avoided VOC.
FACTOR_PRICING: Mapping[str, tuple[str, float]] = {
    "natural_gas": ("natural_gas_kbtu_to_currency", 1.0),
    "electricity": ("electricity_kwh_to_currency", 1.0),
    "hydro_interception": ("h20_gal_to_currency", M3_TO_US_GALLONS),
    "co2_sequestered": ("co2_lb_to_currency", KG_TO_LB),
    "co2_avoided": ("co2_lb_to_currency", KG_TO_LB),
    "co2_storage": ("co2_lb_to_currency", KG_TO_LB),
    "aq_nox_dep": ("nox_lb_to_currency", KG_TO_LB),
    "aq_ozone_dep": ("o3_lb_to_currency", KG_TO_LB),
    "aq_nox_avoided": ("nox_lb_to_currency", KG_TO_LB),
    "aq_pm10_dep": ("pm10_lb_to_currency", KG_TO_LB),
    "aq_pm10_avoided": ("pm10_lb_to_currency", KG_TO_LB),
    "aq_sox_dep": ("sox_lb_to_currency", KG_TO_LB),
    "aq_sox_avoided": ("sox_lb_to_currency", KG_TO_LB),
    "aq_voc_avoided": ("voc_lb_to_currency", KG_TO_LB),
    "bvoc": ("voc_lb_to_currency", KG_TO_LB),
}

Quantity = TypeVar("Quantity", float, np.ndarray)


def to_money(quantities: Mapping[str, Quantity], rates: Rates) -> dict[str, Quantity]:
    """Money per factor for quantities in table units (scalars or numpy arrays).

    Factors absent from ``quantities`` are absent from the result; NaN (no data) stays NaN.
    """
    money: dict[str, Quantity] = {}
    for factor, quantity in quantities.items():
        try:
            rate_field, unit_factor = FACTOR_PRICING[factor]
        except KeyError:
            raise KeyError(f"unknown eco-benefit factor {factor!r}") from None
        money[factor] = quantity * unit_factor * getattr(rates, rate_field)
    return money


class CurrencyFormatError(ValueError):
    """region_currency.csv is missing a column or holds a non-numeric rate."""


def load_region_currency(path: str | Path, currency: str = "USD") -> dict[str, RegionRates]:
    """Read ``region_currency.csv`` (region, name and the 9 ``*_to_currency`` columns)."""
    source = Path(path)
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or ()]
        missing = [c for c in ("region", "name", *RATE_FIELDS) if c not in header]
        if missing:
            raise CurrencyFormatError(f"{source.name}: missing columns {', '.join(missing)}")
        result: dict[str, RegionRates] = {}
        for line, raw in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            if not row["region"]:
                continue
            values: dict[str, float] = {}
            for column in RATE_FIELDS:
                try:
                    value = float(row[column])
                except ValueError:
                    value = math.nan
                if not math.isfinite(value):
                    raise CurrencyFormatError(
                        f"{source.name}: line {line}, column {column!r}: "
                        f"not a number ({row[column]!r})"
                    )
                values[column] = value
            result[row["region"]] = RegionRates(
                row["region"], row["name"], Rates(**values, currency=currency)
            )
    return result
