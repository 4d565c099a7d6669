"""Bulk writes of the inventory: the species catalogue, imports and synthetic data.

Each is one transaction (an import is all-or-nothing by default) and leaves the history and
the map cells correct.
"""

import contextlib
import csv
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from metropoli.common.domain_errors import message_of
from metropoli.common.errors import DomainError
from metropoli.territory.models import Municipality

from . import services
from .inventory_files import ImportFileError as ImportFileError  # the command catches it
from .inventory_files import records
from .inventory_writer import BulkWriter
from .locating import Locator
from .models import (
    Condition,
    Phenology,
    SiteType,
    Species,
)

LOCAL_SPECIES_CSV = Path(__file__).parent / "data" / "amg_species.csv"
Progress = Callable[[int, int], None]


def _comment_free(lines) -> Iterator[str]:
    return (line for line in lines if not line.lstrip().startswith("#"))


# --- species catalogue -----------------------------------------------------------------------


@transaction.atomic
def load_species(*, otm_csv: Path | None = None) -> tuple[int, int]:
    """Load OpenTreeMap's species list (when given) and our local AMG species with their
    Spanish names. Safe to run again. Returns (created, updated)."""
    created = updated = 0
    if otm_csv is not None:
        with open(otm_csv, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                code = (row.get("otm_code") or "").strip()
                if not code:
                    continue
                name = " ".join(
                    part
                    for part in (row.get("genus"), row.get("species"), row.get("cultivar"))
                    if part and part.strip()
                )
                if row.get("other"):
                    name = f"{name} {row['other'].strip()}"
                _, was_created = Species.objects.update_or_create(
                    code=code,
                    defaults={
                        "scientific_name": name or row.get("common_name") or code,
                        "genus": row.get("genus") or "",
                        "species": row.get("species") or "",
                        "cultivar": row.get("cultivar") or "",
                        "common_name_en": row.get("common_name") or "",
                        "otm_code": code,
                    },
                )
                created += was_created
                updated += not was_created
    with open(LOCAL_SPECIES_CSV, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(_comment_free(handle)):
            defaults = {
                "scientific_name": row["scientific_name"],
                "genus": row["genus"],
                "species": row["species"],
                "common_name_es": row["common_name_es"],
                "other_names_es": row["other_names_es"],
                "is_local": True,
            }
            if row["common_name_en"]:
                defaults["common_name_en"] = row["common_name_en"]
            if not row["code"].startswith("AMG-"):
                defaults["otm_code"] = row["code"]
            _, was_created = Species.objects.update_or_create(code=row["code"], defaults=defaults)
            created += was_created
            updated += not was_created
    return created, updated


# --- import ----------------------------------------------------------------------------------


@dataclass
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("line %(line)s, column “%(column)s”: %(reason)s") % {
            "line": self.line,
            "column": self.column or "-",
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first `max_errors` of them
    error_count: int = 0
    written: bool = False

    def add_errors(self, line: int, errors: list[tuple[str, str]], limit: int | None) -> None:
        self.error_count += len(errors)
        for column, reason in errors:
            if limit is None or len(self.errors) < limit:
                self.errors.append(RowError(line, column, reason))


SPANISH_CHOICES = {
    "bueno": "good",
    "buena": "good",
    "regular": "fair",
    "malo": "poor",
    "mala": "poor",
    "muerto": "dead",
    "muerta": "dead",
    "no sé": "unknown",
    "no se": "unknown",
    "banqueta": "sidewalk",
    "parque": "park",
    "camellón": "median",
    "camellon": "median",
    "jardín": "garden",
    "jardin": "garden",
}


# The longest value any column keeps (notes); a longer one is reported, not read further.
MAX_VALUE = 2000
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, CR and LF are text


class _SpeciesIndex:
    def __init__(self):
        self.by_code, self.by_name = {}, {}
        for s in Species.objects.all():
            self.by_code[s.code.lower()] = s
            self.by_name.setdefault(s.scientific_name.lower(), s)
            if s.common_name_es:
                self.by_name.setdefault(s.common_name_es.lower(), s)

    def find(self, row: dict) -> tuple[Species | None, str | None, str]:
        """(species, error, column). Empty, "unknown" or "no sé" mean an unknown species."""
        if "genus" in row:  # OpenTreeMap's layout: genus + species epithet (+ cultivar)
            name = " ".join(p for p in (row.get("genus"), row.get("species")) if p).strip()
            if not name:
                return None, None, "genus"
            found = self.by_name.get(name.lower()) or self.by_name.get(
                f"{name} {row.get('cultivar', '')}".strip().lower()
            )
            if found is None:
                return None, _("unknown species “%(name)s”") % {"name": name}, "genus"
            return found, None, "genus"
        code = row.get("species", "")
        if code:
            if code.lower() in ("unknown", "no sé", "no se"):
                return None, None, "species"
            found = self.by_code.get(code.lower())
            if found is None:
                return None, _("unknown species code “%(code)s”") % {"code": code}, "species"
            return found, None, "species"
        name = row.get("scientific_name") or row.get("common_name") or ""
        if name:
            found = self.by_name.get(name.lower())
            if found is None:
                return None, _("unknown species “%(name)s”") % {"name": name}, "scientific_name"
            return found, None, "scientific_name"
        return None, None, "species"


def _choice(row, column, choices, default):
    value = (row.get(column) or "").strip().lower()
    if not value:
        return default
    value = SPANISH_CHOICES.get(value, value)
    if value not in choices.values:
        raise ValueError(
            _("“%(value)s” is not one of %(values)s")
            % {"value": row.get(column), "values": ", ".join(choices.values)}
        )
    return value


# (our column, OpenTreeMap's column, its unit → ours in imperial mode)
OTM_MEASURES = (
    ("dbh_cm", "otm_diameter_in", Decimal("2.54"), "diameter"),
    ("height_m", "otm_height_ft", Decimal("0.3048"), "tree height"),
)
CHECKS = (
    ("dbh_cm", services.check_dbh),
    ("height_m", services.check_height),
    ("crown_width_m", services.check_crown_width),
)


def _measure(row: dict, column: str, imperial: bool) -> tuple[str, str]:
    """(raw value in our unit, column name to report)."""
    for ours, theirs, factor, their_name in OTM_MEASURES:
        if ours == column and theirs in row and column not in row:
            raw = row.get(theirs, "")
            if raw and imperial:
                with contextlib.suppress(ArithmeticError):
                    raw = str(Decimal(raw) * factor)
            return raw, their_name
    return row.get(column, ""), column


def _parse_row(
    row: dict, species_index: _SpeciesIndex, municipality: Municipality, imperial: bool
) -> tuple[dict | None, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    values: dict = {}
    if "_ragged" in row:
        return None, [("", row["_ragged"])]
    too_long = [column for column, text in row.items() if len(text) > MAX_VALUE]
    if too_long:
        limit = _("longer than %(limit)s characters") % {"limit": MAX_VALUE}
        return None, [(column, limit) for column in too_long]
    # PostgreSQL stores no NUL, and no other control character belongs in an inventory.
    control = [column for column, text in row.items() if CONTROL.search(text)]
    if control:
        problem = _("holds an invisible control character (such as NUL)")
        return None, [(column, problem) for column in control]
    if row.get("_geometry_error"):
        errors.append(("geometry", _("a Point geometry is required")))
    else:
        try:
            lon, lat = float(row.get("lon", "")), float(row.get("lat", ""))
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise ValueError
            values["lon"], values["lat"] = lon, lat
        except ValueError:
            errors.append(("lon/lat", _("longitude and latitude must be numbers")))
    species, error, column = species_index.find(row)
    if error:
        errors.append((column, error))
    values["species"] = species
    for column, check in CHECKS:
        raw, reported = _measure(row, column, imperial)
        try:
            values[column] = check(raw or None)
        except DomainError as problem:
            errors.append((reported, message_of(problem)))
    for column, choices, default in (
        ("condition", Condition, Condition.UNKNOWN),
        ("phenology", Phenology, Phenology.UNKNOWN),
        ("site_type", SiteType, SiteType.SIDEWALK),
    ):
        try:
            values[column] = _choice(row, column, choices, default)
        except ValueError as problem:
            errors.append((column, str(problem)))
    for column, limit in (("address", 255), ("colonia", 120), ("notes", 2000), ("external_id", 64)):
        text = row.get(column, "") or ""
        if column == "external_id" and not text:
            text = row.get("otm_site_id", "") or ""
        if len(text) > limit:
            errors.append((column, _("longer than %(limit)s characters") % {"limit": limit}))
        values[column] = text
    # Whether the location is in the municipality is asked for a batch of rows at once
    # (locating.py): _Batch.settle.
    return (None if errors else values), errors


class _Rollback(Exception):
    """Leaves the import's transaction without writing (errors in all-or-nothing mode)."""


def import_trees(
    *,
    path: Path,
    municipality: Municipality,
    imported_by=None,
    partial: bool = False,
    imperial: bool = True,
    progress: Progress | None = None,
    encoding: str = "utf-8-sig",
    dry_run: bool = False,
    max_errors: int | None = None,
) -> ImportReport:
    """Import trees from CSV or GeoJSON: the one import of the command and the import page.

    Rows are read one by one (a CSV streams) and written in batches in one transaction.
    All-or-nothing unless `partial` (then the valid rows are written and the others
    reported): after the first error nothing more is written, every row is still checked, and
    the transaction is rolled back. `dry_run` only checks. `imperial` reads OpenTreeMap's
    diameter in inches and height in feet (its export's units). `progress(done, total)` counts
    the bytes of the file. `max_errors` keeps the first errors only (all are counted)."""
    report = ImportReport()
    species_index = _SpeciesIndex()
    size = max(path.stat().st_size, 1) if path.is_file() else 1
    locator = Locator(municipality)
    try:
        with transaction.atomic():
            writer = None if dry_run else BulkWriter(municipality, imported_by, path.name)
            batch = _Batch(report, locator, writer, partial, max_errors)
            for line, row, position in records(path, encoding):
                report.rows += 1
                batch.add(line, *_parse_row(row, species_index, municipality, imperial))
                if progress and report.rows % 500 == 0:
                    progress(min(position, size), size)
            batch.settle()
            if writer is None or (report.error_count and not partial):
                raise _Rollback
            writer.finish()
            report.imported = writer.count
            report.written = bool(writer.count)
    except _Rollback:
        pass
    if progress:
        progress(size, size)
    return report


class _Batch:
    """Parsed rows waiting for the check of their location, which is one query for the batch
    (locating.py); then, in line order, their errors are reported and the valid rows written."""

    SIZE = 2000

    def __init__(self, report: ImportReport, locator: Locator, writer, partial: bool, limit):
        self.report, self.locator, self.writer = report, locator, writer
        self.partial, self.limit = partial, limit
        self.rows: list[tuple[int, dict | None, list[tuple[str, str]]]] = []

    def add(self, line: int, values: dict | None, errors: list[tuple[str, str]]) -> None:
        self.rows.append((line, values, errors))
        if len(self.rows) >= self.SIZE:
            self.settle()

    def settle(self) -> None:
        rows, self.rows = self.rows, []
        problems = iter(
            self.locator.problems([(v["lon"], v["lat"]) for _line, v, _e in rows if v is not None])
        )
        for line, values, errors in rows:
            if values is not None and (problem := next(problems)):
                values, errors = None, [("lon/lat", problem)]
            self.report.add_errors(line, errors, self.limit)
            if values is not None and self.writer and (self.partial or not self.report.error_count):
                self.writer.add(line, values)
