"""Dated band tables: which limits apply to a reading depends on when it was taken.

NOM-172-SEMARNAT-2019 was replaced by NOM-172-SEMARNAT-2023, whose PM limits tighten in two
steps (from January 2024 and from January 2026). Keeping every set with its validity period lets
historical readings keep the category they had, and lets the 2026 switch happen by itself.

To correct a table after checking the DOF text, edit ``TABLES`` below (see
docs/air-quality-index.md, "Updating the dated table"); ``check_tables`` runs at import and
refuses overlapping periods or unordered limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from metropoli.common.i18n import gettext_noop

from .categories import Category


class Pollutant(StrEnum):
    PM10 = "pm10"
    PM2_5 = "pm2_5"

    @property
    def label(self) -> str:
        return _POLLUTANT_LABELS[self]


_POLLUTANT_LABELS = {
    Pollutant.PM10: gettext_noop("PM10"),
    Pollutant.PM2_5: gettext_noop("PM2.5"),
}

# Validity dates are instants in central Mexico time. Since October 2022 central Mexico has no
# daylight saving time, and every boundary below falls in November or January (standard time
# even before 2022), so a fixed UTC-6 offset is exact here and needs no tz database.
MEXICO_CENTRAL = timezone(timedelta(hours=-6), "CST")


def _local_midnight(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=MEXICO_CENTRAL)


class TableError(LookupError):
    """No band table covers the requested pollutant and instant."""


@dataclass(frozen=True, slots=True)
class BandTable:
    """One set of band limits for one pollutant, valid in ``[valid_from, valid_until)``.

    ``upper_bounds`` holds the inclusive upper limits of Buena, Aceptable, Mala and Muy Mala;
    anything above the last one is Extremadamente Mala. Intervals are (lower, upper], so a
    value equal to a limit belongs to the lower category [B].

    ``adjustment_factor`` (FA) multiplies the 12-hour weighted average before rounding;
    ``None`` means no factor (2019).

    ``confidence`` is the tag of the limits themselves ("A", "B" or "C"); ``dates_confirmed`` is
    False while the exact entry-into-force instants have not been read in the DOF.
    """

    key: str
    norm: str
    pollutant: Pollutant
    valid_from: datetime
    valid_until: datetime | None
    upper_bounds: tuple[Decimal, Decimal, Decimal, Decimal]
    adjustment_factor: Decimal | None
    confidence: str
    dates_confirmed: bool
    note: str = ""

    def covers(self, at: datetime) -> bool:
        return self.valid_from <= at and (self.valid_until is None or at < self.valid_until)

    def classify(self, concentration: Decimal) -> Category:
        """Category of an already rounded concentration (the norm rounds before classifying)."""
        for category, upper in zip(Category, self.upper_bounds, strict=False):
            if concentration <= upper:
                return category
        return Category.EXTREMELY_BAD


_D = Decimal

# Start of NOM-172-SEMARNAT-2019: DOF publication date, 20 Nov 2019 [A]. The entry-into-force
# date was not seen [C], so publication is used.
_FROM_2019 = _local_midnight(2019, 11, 20)
# Start of NOM-172-SEMARNAT-2023: DOF publication date, 25 Jan 2024 [B]. The notes say the first
# column applies "a partir de enero de 2024", which cannot precede publication; the exact
# entry-into-force instant is unconfirmed [C].
_FROM_2024 = _local_midnight(2024, 1, 25)
# Stricter PM column "from January 2026" [C]: single source; 1 January assumed. The notes mention
# a transition period during January 2026 that is not modelled.
_FROM_2026 = _local_midnight(2026, 1, 1)

# FA of the 2023 Annex A [B]: applied to the unrounded 12 h average, rounded once [C].
_FA_PM10 = _D("0.714")
_FA_PM2_5 = _D("0.694")

TABLES: tuple[BandTable, ...] = (
    BandTable(
        key="nom172-2019-pm10",
        norm="NOM-172-SEMARNAT-2019",
        pollutant=Pollutant.PM10,
        valid_from=_FROM_2019,
        valid_until=_FROM_2024,
        upper_bounds=(_D(50), _D(75), _D(155), _D(235)),
        adjustment_factor=None,
        confidence="B",
        dates_confirmed=False,
    ),
    BandTable(
        key="nom172-2019-pm2_5",
        norm="NOM-172-SEMARNAT-2019",
        pollutant=Pollutant.PM2_5,
        valid_from=_FROM_2019,
        valid_until=_FROM_2024,
        upper_bounds=(_D(25), _D(45), _D(79), _D(147)),
        adjustment_factor=None,
        confidence="B",
        dates_confirmed=False,
    ),
    BandTable(
        key="nom172-2023-2024-pm10",
        norm="NOM-172-SEMARNAT-2023",
        pollutant=Pollutant.PM10,
        valid_from=_FROM_2024,
        valid_until=_FROM_2026,
        upper_bounds=(_D(45), _D(60), _D(132), _D(213)),
        adjustment_factor=_FA_PM10,
        confidence="B",
        dates_confirmed=False,
        note="Columna «a partir de enero de 2024».",
    ),
    BandTable(
        key="nom172-2023-2024-pm2_5",
        norm="NOM-172-SEMARNAT-2023",
        pollutant=Pollutant.PM2_5,
        valid_from=_FROM_2024,
        valid_until=_FROM_2026,
        upper_bounds=(_D(15), _D(33), _D(79), _D(130)),
        adjustment_factor=_FA_PM2_5,
        confidence="B",
        dates_confirmed=False,
        note="Columna «a partir de enero de 2024».",
    ),
    # UNCONFIRMED [C]: the 2026 column comes from one secondary source. It matches the 2026 step
    # of NOM-025-SSA1-2021 (24 h limits 60 -> 50 and 33 -> 25), which is why it is used at all.
    BandTable(
        key="nom172-2023-2026-pm10",
        norm="NOM-172-SEMARNAT-2023",
        pollutant=Pollutant.PM10,
        valid_from=_FROM_2026,
        valid_until=None,
        upper_bounds=(_D(45), _D(50), _D(132), _D(213)),
        adjustment_factor=_FA_PM10,
        confidence="C",
        dates_confirmed=False,
        note="Columna «a partir de enero de 2026» (sin confirmar).",
    ),
    BandTable(
        key="nom172-2023-2026-pm2_5",
        norm="NOM-172-SEMARNAT-2023",
        pollutant=Pollutant.PM2_5,
        valid_from=_FROM_2026,
        valid_until=None,
        upper_bounds=(_D(15), _D(25), _D(79), _D(130)),
        adjustment_factor=_FA_PM2_5,
        confidence="C",
        dates_confirmed=False,
        note="Columna «a partir de enero de 2026» (sin confirmar).",
    ),
)


def require_aware(at: datetime) -> None:
    # A naive datetime could mean UTC or local time; guessing would shift table boundaries.
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(gettext_noop("The date and time must include a time zone."))


def table_for(
    pollutant: Pollutant, at: datetime, tables: Sequence[BandTable] = TABLES
) -> BandTable:
    """The band table for ``pollutant`` in force at instant ``at`` (timezone-aware)."""
    require_aware(at)
    for table in tables:
        if table.pollutant == pollutant and table.covers(at):
            return table
    raise TableError(
        gettext_noop("There is no table of limits in force for that pollutant and date.")
    )


def check_tables(tables: Sequence[BandTable]) -> None:
    """Raise ``ValueError`` if a table is malformed or two tables of a pollutant overlap."""
    for table in tables:
        require_aware(table.valid_from)
        if table.valid_until is not None:
            require_aware(table.valid_until)
            if table.valid_until <= table.valid_from:
                raise ValueError(f"{table.key}: valid_until must be after valid_from")
        bounds = table.upper_bounds
        if len(bounds) != 4 or any(low >= high for low, high in pairwise(bounds)):
            raise ValueError(f"{table.key}: upper_bounds must be 4 strictly increasing limits")
        if table.confidence not in {"A", "B", "C"}:
            raise ValueError(f"{table.key}: confidence must be A, B or C")
    for pollutant in Pollutant:
        own = sorted((t for t in tables if t.pollutant == pollutant), key=lambda t: t.valid_from)
        for earlier, later in pairwise(own):
            if earlier.valid_until is None or earlier.valid_until > later.valid_from:
                raise ValueError(f"{earlier.key} overlaps {later.key}")


check_tables(TABLES)
