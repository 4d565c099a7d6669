"""The Índice AIRE Y SALUD for PM10 and PM2.5 at one station."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from metropoli.common.i18n import gettext_noop

from .averaging import (
    DAILY_HOURS,
    MIN_VALID_DAILY_HOURS,
    MIN_VALID_RECENT_HOURS,
    RECENT_HOURS,
    WINDOW_HOURS,
    HourlyValue,
    count_valid,
    daily_mean,
    normalise_window,
    round_half_up,
    to_concentration,
    weighted_average,
)
from .categories import NO_DATA_COLOUR, Category, Colour, PopulationGroup, RiskLevel
from .tables import TABLES, BandTable, Pollutant, table_for


class Averaging(StrEnum):
    WEIGHTED_12H = "weighted_12h"
    DAILY_24H = "daily_24h"


@dataclass(frozen=True, slots=True)
class IndexResult:
    """A reportable index value.

    ``concentration`` is rounded as the norm says (integer µg/m³); ``unrounded`` keeps the exact
    value for audits. ``weight`` is W (12 h only) and ``table`` the dated table that was used.
    """

    pollutant: Pollutant
    at: datetime
    averaging: Averaging
    concentration: Decimal
    unrounded: Decimal
    category: Category
    table: BandTable
    valid_hours: int
    weight: Decimal | None = None

    @property
    def table_version(self) -> str:
        return self.table.key

    @property
    def label(self) -> str:
        return self.category.label

    @property
    def colour(self) -> Colour:
        return self.category.colour

    @property
    def risk(self) -> RiskLevel:
        return self.category.risk

    @property
    def messages(self) -> MappingProxyType[PopulationGroup, str]:
        return self.category.messages


class IncompleteReason(StrEnum):
    RECENT_HOURS_MISSING = "recent_hours_missing"
    TOO_FEW_HOURS = "too_few_hours"

    @property
    def message(self) -> str:
        return _INCOMPLETE_MESSAGES[self]


_INCOMPLETE_MESSAGES = {
    IncompleteReason.RECENT_HOURS_MISSING: gettext_noop(
        "No index: data is missing in the most recent hours (at least 2 of the last 3 hours "
        "are required)."
    ),
    IncompleteReason.TOO_FEW_HOURS: gettext_noop(
        "No index: the 24-hour average needs at least 18 valid hours."
    ),
}


@dataclass(frozen=True, slots=True)
class Incomplete:
    """No value may be reported for this hour; the station shows no category (white) [B]."""

    pollutant: Pollutant
    at: datetime
    averaging: Averaging
    reason: IncompleteReason
    valid_hours: int
    required_hours: int

    @property
    def message(self) -> str:
        return self.reason.message

    @property
    def colour(self) -> Colour:
        return NO_DATA_COLOUR


def index_for(
    pollutant: Pollutant,
    hourly_values: Sequence[HourlyValue | None],
    at: datetime,
    *,
    tables: Sequence[BandTable] = TABLES,
) -> IndexResult | Incomplete:
    """Hourly index from up to 12 hourly averages, most recent first (``None`` = missing).

    ``at`` is the (timezone-aware) end of the most recent hour; it selects the dated table.
    """
    pollutant = Pollutant(pollutant)
    table = table_for(pollutant, at, tables)
    window = normalise_window(hourly_values, WINDOW_HOURS)
    valid_recent = count_valid(window[:RECENT_HOURS])
    if valid_recent < MIN_VALID_RECENT_HOURS:
        return Incomplete(
            pollutant=pollutant,
            at=at,
            averaging=Averaging.WEIGHTED_12H,
            reason=IncompleteReason.RECENT_HOURS_MISSING,
            valid_hours=valid_recent,
            required_hours=MIN_VALID_RECENT_HOURS,
        )
    average, weight = weighted_average(window)
    if table.adjustment_factor is not None:
        # Factor on the unrounded average, one rounding at the end: the more common reading
        # of the 2023 Annex A [C]; two implementations round before and after instead.
        average = average * table.adjustment_factor
    concentration = round_half_up(average)
    return IndexResult(
        pollutant=pollutant,
        at=at,
        averaging=Averaging.WEIGHTED_12H,
        concentration=concentration,
        unrounded=average,
        category=table.classify(concentration),
        table=table,
        valid_hours=count_valid(window),
        weight=weight,
    )


def daily_index_for(
    pollutant: Pollutant,
    hourly_values: Sequence[HourlyValue | None],
    at: datetime,
    *,
    tables: Sequence[BandTable] = TABLES,
) -> IndexResult | Incomplete:
    """Daily value: mean of 24 hourly averages, at least 18 valid [B].

    The same bands classify it [C: the notes do not say which table the daily value uses], and no
    adjustment factor applies, since FA belongs to the 12 h weighted average.
    """
    pollutant = Pollutant(pollutant)
    table = table_for(pollutant, at, tables)
    window = normalise_window(hourly_values, DAILY_HOURS)
    valid = count_valid(window)
    if valid < MIN_VALID_DAILY_HOURS:
        return Incomplete(
            pollutant=pollutant,
            at=at,
            averaging=Averaging.DAILY_24H,
            reason=IncompleteReason.TOO_FEW_HOURS,
            valid_hours=valid,
            required_hours=MIN_VALID_DAILY_HOURS,
        )
    average = daily_mean(window)
    concentration = round_half_up(average)
    return IndexResult(
        pollutant=pollutant,
        at=at,
        averaging=Averaging.DAILY_24H,
        concentration=concentration,
        unrounded=average,
        category=table.classify(concentration),
        table=table,
        valid_hours=valid,
    )


def category_for(
    pollutant: Pollutant,
    concentration: HourlyValue,
    at: datetime,
    *,
    tables: Sequence[BandTable] = TABLES,
) -> Category:
    """Category of one concentration (µg/m³) on the table in force at ``at``.

    The value is rounded to an integer first, as the norm does before classifying, so 45.4 µg/m³
    of PM10 is Buena under the 2024 table and 45.5 is Aceptable.
    """
    table = table_for(Pollutant(pollutant), at, tables)
    return table.classify(round_half_up(to_concentration(concentration)))


@dataclass(frozen=True, slots=True)
class StationIndex:
    """Worst category over the pollutants with a valid value, and who caused it [B]."""

    category: Category
    responsible: tuple[Pollutant, ...]


def station_index(results: Iterable[IndexResult | Incomplete]) -> StationIndex | None:
    """Combine one station's per-pollutant results (never combine stations: 5.1.2.5 [B]).

    Pollutants without a valid value are skipped, not counted as Buena [B]. The norm defines no
    tie-break [C], so every pollutant in the worst category is reported as responsible.
    Returns ``None`` when no pollutant has a valid value.
    """
    valid = [result for result in results if isinstance(result, IndexResult)]
    if not valid:
        return None
    worst = max(result.category for result in valid)
    responsible = tuple(
        dict.fromkeys(result.pollutant for result in valid if result.category == worst)
    )
    return StationIndex(category=worst, responsible=responsible)


__all__ = [
    "Averaging",
    "Incomplete",
    "IncompleteReason",
    "IndexResult",
    "StationIndex",
    "category_for",
    "daily_index_for",
    "index_for",
    "station_index",
]
