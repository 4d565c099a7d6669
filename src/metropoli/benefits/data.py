"""Where the i-Tree tables live and what the platform derives from them (cached per process).

The tables are third-party data read from METROPOLI_ITREE_DIR at run time; without them every
page and endpoint says how to install them instead of showing zeros.
"""

from __future__ import annotations

import csv
import threading
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from metropoli.benefits.errors import BenefitsErrorCode
from metropoli.trees.ecobenefits import (
    KG_TO_LB,
    M3_TO_US_GALLONS,
    RegionRates,
    TableSet,
    load_region_currency,
    load_tables,
)
from metropoli.trees.ecobenefits.tables import SPECIES_FILE

CURRENCY_FILE = "region_currency.csv"
GENERIC_CLASSES_CSV = Path(__file__).resolve().parent / "reference" / "amg_itree_classes.csv"
_lock = threading.Lock()
_cache: dict[tuple[str, float], TableSet] = {}
_currency_cache: dict[tuple[str, float], dict[str, RegionRates]] = {}


class ItreeDataMissing(Exception):
    """The tables directory is not configured or not usable."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or "i-Tree tables not installed")
        self.detail = detail


def install_message() -> str:
    return _(BenefitsErrorCode.ITREE_DATA_MISSING.message)


def tables_dir() -> Path | None:
    """The configured tables directory when it holds species.json, else None."""
    configured = getattr(settings, "METROPOLI_ITREE_DIR", "") or ""
    if not configured:
        return None
    path = Path(configured)
    return path if (path / SPECIES_FILE).is_file() else None


def data_installed() -> bool:
    return tables_dir() is not None


def get_tables() -> TableSet:
    """All regions' tables, loaded once per process and reloaded when species.json changes."""
    directory = tables_dir()
    if directory is None:
        raise ItreeDataMissing(str(getattr(settings, "METROPOLI_ITREE_DIR", "") or ""))
    key = (str(directory), (directory / SPECIES_FILE).stat().st_mtime)
    with _lock:
        tables = _cache.get(key)
        if tables is None:
            _cache.clear()
            tables = _cache[key] = load_tables(directory)
    return tables


def itree_codes() -> frozenset[str] | None:
    """The i-Tree species codes with curves in some region of the installed tables (None: no
    tables). The trees app checks a species' i-Tree code against them (benefits/apps.py)."""
    if not data_installed():
        return None
    return frozenset(code for _region, code in get_tables().curve_index)


def tables_version() -> str:
    directory = tables_dir()
    if directory is None:
        return ""
    return f"{directory}@{(directory / SPECIES_FILE).stat().st_mtime:.0f}"


def region_currency() -> dict[str, RegionRates]:
    """OpenTreeMap's US dollar rates per region (beside the tables or one folder up)."""
    directory = tables_dir()
    if directory is None:
        return {}
    for candidate in (directory / CURRENCY_FILE, directory.parent / CURRENCY_FILE):
        if candidate.is_file():
            key = (str(candidate), candidate.stat().st_mtime)
            with _lock:
                if key not in _currency_cache:
                    _currency_cache.clear()
                    _currency_cache[key] = load_region_currency(candidate)
                return _currency_cache[key]
    return {}


def region_choices() -> list[tuple[str, str]]:
    """(code, "code · name") for every region in the tables."""
    if not data_installed():
        return []
    names = {code: r.name for code, r in region_currency().items()}
    return [
        (code, f"{code} · {names[code]}" if code in names else code)
        for code in get_tables().regions
    ]


def default_rates(region: str) -> dict[str, float]:
    """MXN rates per metric unit: the region's USD rates × BENEFITS_MXN_PER_USD.

    A default to be replaced by local prices (see docs/decisions/0012-benefits-region.md).
    Without a currency row for the region every rate is 0, and the page says so.
    """
    usd = region_currency().get(region)
    fx = float(settings.BENEFITS_MXN_PER_USD)
    if usd is None:
        return dict.fromkeys(RATE_FIELDS, 0.0)
    r = usd.rates
    return {
        "electricity_mxn_per_kwh": r.electricity_kwh_to_currency * fx,
        "natural_gas_mxn_per_kbtu": r.natural_gas_kbtu_to_currency * fx,
        # USD per US gallon -> MXN per m³; USD per lb -> MXN per kg.
        "water_mxn_per_m3": r.h20_gal_to_currency * M3_TO_US_GALLONS * fx,
        "co2_mxn_per_kg": r.co2_lb_to_currency * KG_TO_LB * fx,
        "o3_mxn_per_kg": r.o3_lb_to_currency * KG_TO_LB * fx,
        "nox_mxn_per_kg": r.nox_lb_to_currency * KG_TO_LB * fx,
        "pm10_mxn_per_kg": r.pm10_lb_to_currency * KG_TO_LB * fx,
        "sox_mxn_per_kg": r.sox_lb_to_currency * KG_TO_LB * fx,
        "voc_mxn_per_kg": r.voc_lb_to_currency * KG_TO_LB * fx,
    }


RATE_FIELDS: tuple[str, ...] = (
    "electricity_mxn_per_kwh",
    "natural_gas_mxn_per_kbtu",
    "water_mxn_per_m3",
    "co2_mxn_per_kg",
    "o3_mxn_per_kg",
    "nox_mxn_per_kg",
    "pm10_mxn_per_kg",
    "sox_mxn_per_kg",
    "voc_mxn_per_kg",
)


@cache
def generic_classes() -> dict[str, str]:
    """Species code -> generic i-Tree class for local species species.json does not map."""
    with GENERIC_CLASSES_CSV.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {row["code"]: row["itree_class"] for row in csv.DictReader(lines)}
