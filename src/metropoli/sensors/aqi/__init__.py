"""Índice AIRE Y SALUD (NOM-172-SEMARNAT) for PM10 and PM2.5, as pure Python.

No Django import: this package is computation only, so it is fast to test and reusable from
services, commands and notebooks. See docs/air-quality-index.md for what is confirmed and what
is not.
"""

from .averaging import HourlyValue, round_half_up
from .categories import (
    CATEGORY_INFO,
    NO_DATA_COLOUR,
    Category,
    Colour,
    PopulationGroup,
    RiskLevel,
)
from .index import (
    Averaging,
    Incomplete,
    IncompleteReason,
    IndexResult,
    StationIndex,
    category_for,
    daily_index_for,
    index_for,
    station_index,
)
from .tables import TABLES, BandTable, Pollutant, TableError, table_for

__all__ = [
    "CATEGORY_INFO",
    "NO_DATA_COLOUR",
    "TABLES",
    "Averaging",
    "BandTable",
    "Category",
    "Colour",
    "HourlyValue",
    "Incomplete",
    "IncompleteReason",
    "IndexResult",
    "Pollutant",
    "PopulationGroup",
    "RiskLevel",
    "StationIndex",
    "TableError",
    "category_for",
    "daily_index_for",
    "index_for",
    "round_half_up",
    "station_index",
    "table_for",
]
