"""Bulk writes of the inventory: the species catalogue, imports and synthetic data.

Each is one transaction (an import is all-or-nothing by default) and leaves the history and
the map cells correct.
"""

import codecs
import contextlib
import csv
import io
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.common import exports
from metropoli.common.domain_errors import message_of
from metropoli.common.errors import DomainError
from metropoli.territory.models import Municipality
from metropoli.territory.selectors import municipality_at

from . import services, signals
from .models import (
    ChangeAction,
    ChangeRecord,
    Condition,
    Phenology,
    PlantingSite,
    SiteType,
    Source,
    Species,
    Tree,
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
    errors: list[RowError] = field(default_factory=list)
    written: bool = False


class ImportFileError(Exception):
    """The file as a whole cannot be read (not the rows in it)."""


ALIASES = {
    "longitude": "lon",
    "lng": "lon",
    "x": "lon",
    "point x": "lon",
    "latitude": "lat",
    "y": "lat",
    "point y": "lat",
    "species_code": "species",
    "otm_code": "species",
    "dbh": "dbh_cm",
    "height": "height_m",
    "crown_width": "crown_width_m",
    "street address": "address",
    "owner orig id": "external_id",
    "planting site id": "otm_site_id",
    "tree height": "otm_height_ft",
    "diameter": "otm_diameter_in",
    "common name": "common_name",
}
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


def _read_text(path: Path, encoding: str) -> str:
    """The file as text, or ImportFileError naming the line and column of the first byte that
    is not text in this encoding (a binary file, or a spreadsheet saved as Latin-1)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            _("The file cannot be read: %(error)s") % {"error": error.strerror}
        ) from error
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode(encoding, "replace")) + 1
        raise ImportFileError(
            _(
                "Line %(line)s, column %(column)s: the byte 0x%(byte)02X is not %(encoding)s "
                "text. Save the file as UTF-8 (in Excel: “CSV UTF-8”), or give its encoding "
                "with --encoding (for example latin-1)."
            )
            % {
                "line": line,
                "column": column,
                "byte": data[error.start],
                "encoding": "UTF-8"
                if codecs.lookup(encoding).name.startswith("utf-8")
                else encoding,
            }
        ) from error
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    return text


def _geojson_records(text: str) -> Iterator[tuple[int, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("Line %(line)s, column %(column)s: the file is not valid GeoJSON (%(error)s).")
            % {"line": error.lineno, "column": error.colno, "error": error.msg}
        ) from error
    except RecursionError as error:
        raise ImportFileError(_("The GeoJSON file is nested too deeply to be read.")) from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFileError(_("The GeoJSON file must hold a FeatureCollection."))
    features = data.get("features") or []
    if not isinstance(features, list):
        raise ImportFileError(_("The “features” of the FeatureCollection must be a list."))
    for number, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        row = (
            {_column(str(k)): ("" if v is None else str(v)) for k, v in props.items()}
            if isinstance(props, dict)
            else {}
        )
        coords = (
            geometry.get("coordinates")
            if isinstance(geometry, dict) and geometry.get("type") == "Point"
            else None
        )
        if isinstance(coords, list) and len(coords) >= 2:  # a height, if any, is left out
            row["lon"], row["lat"] = str(coords[0]), str(coords[1])
        else:
            row["lon"] = row["lat"] = ""
            row["_geometry_error"] = "1"
        yield number, row


def _csv_records(text: str) -> Iterator[tuple[int, dict]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_column(name) for name in next(reader)]
        if not {"lon", "lat"} <= set(header):
            raise ImportFileError(
                _(
                    "Line 1 must be a header that names the columns lon and lat (or longitude "
                    "and latitude); it reads “%(found)s”."
                )
                % {"found": _short(delimiter.join(header))}
            )
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            line = reader.line_num
            if len(values) != len(header):
                yield (
                    line,
                    {
                        "_ragged": _("%(found)s values, but the header names %(expected)s columns")
                        % {"found": len(values), "expected": len(header)}
                    },
                )
                continue
            # Our CSV export marks formula-like text with an apostrophe; it comes off here.
            yield (
                line,
                {
                    name: exports.uncell(value.strip())
                    for name, value in zip(header, values, strict=True)
                },
            )
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s: the CSV cannot be read (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error


def _records(path: Path, encoding: str = "utf-8-sig") -> Iterator[tuple[int, dict]]:
    """(line or feature number, row with normalised column names); ImportFileError, naming
    the line and column where it can, when the file as a whole cannot be read."""
    text = _read_text(path, encoding)
    if path.suffix.lower() in (".geojson", ".json"):
        yield from _geojson_records(text)
        return
    # A value may be as long as the file: too long is then a row error with its column.
    previous = csv.field_size_limit(max(len(text), 131072))
    try:
        yield from _csv_records(text)
    finally:
        csv.field_size_limit(previous)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _column(name: str) -> str:
    key = name.strip().lower()
    return ALIASES.get(key, key.replace(" ", "_"))


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
    if "lon" in values and not errors:
        match = municipality_at(lon=values["lon"], lat=values["lat"])
        if match is None:
            errors.append(
                ("lon/lat", _("the location is outside the municipalities of the platform"))
            )
        elif match.exact and match.municipality.pk != municipality.pk:
            errors.append(
                (
                    "lon/lat",
                    _("the location is in %(found)s, not in %(wanted)s")
                    % {"found": match.municipality.name, "wanted": municipality.name},
                )
            )
    return (None if errors else values), errors


def import_trees(
    *,
    path: Path,
    municipality: Municipality,
    imported_by=None,
    partial: bool = False,
    imperial: bool = True,
    progress: Progress | None = None,
    encoding: str = "utf-8-sig",
) -> ImportReport:
    """Import trees from CSV or GeoJSON. All-or-nothing unless `partial` (then the valid rows
    are written and the others reported). `imperial` reads OpenTreeMap's diameter in inches
    and height in feet (its export's units)."""
    report = ImportReport()
    species_index = _SpeciesIndex()
    records = list(_records(path, encoding))
    total = len(records)
    valid: list[tuple[int, dict]] = []
    for done, (line, row) in enumerate(records, start=1):
        report.rows += 1
        values, errors = _parse_row(row, species_index, municipality, imperial)
        report.errors.extend(RowError(line, column, reason) for column, reason in errors)
        if values is not None:
            valid.append((line, values))
        if progress and (done % 200 == 0 or done == total):
            progress(done, total * 2)
    if report.errors and not partial:
        return report
    with transaction.atomic():
        _write(valid, municipality, imported_by, path.name, progress, total)
    report.imported = len(valid)
    report.written = bool(valid)
    return report


def _write(valid, municipality, imported_by, file_name, progress, total) -> None:
    now = timezone.now()
    user = imported_by if getattr(imported_by, "is_authenticated", False) else None
    deltas: Counter = Counter()
    imported_ids: list[int] = []
    for start in range(0, len(valid), 2000):
        chunk = valid[start : start + 2000]
        sites = PlantingSite.objects.bulk_create(
            [
                PlantingSite(
                    location=Point(v["lon"], v["lat"], srid=4326),
                    municipality=municipality,
                    address=v["address"],
                    colonia=v["colonia"],
                    site_type=v["site_type"],
                )
                for _line, v in chunk
            ]
        )
        trees = Tree.objects.bulk_create(
            [
                Tree(
                    site=site,
                    species=v["species"],
                    dbh_cm=v["dbh_cm"],
                    height_m=v["height_m"],
                    crown_width_m=v["crown_width_m"],
                    condition=v["condition"],
                    phenology=v["phenology"],
                    notes=v["notes"],
                    external_id=v["external_id"],
                    source=Source.IMPORT,
                    recorded_by=user,
                    recorded_at=now,
                )
                for site, (_line, v) in zip(sites, chunk, strict=True)
            ]
        )
        ChangeRecord.objects.bulk_create(
            ChangeRecord(
                subject="tree",
                subject_id=tree.pk,
                tree_id_ref=tree.pk,
                action=ChangeAction.CREATE,
                field="import",
                new_value=f"{file_name}:{line}",
                changed_by=user,
                changed_at=now,
            )
            for tree, (line, _v) in zip(trees, chunk, strict=True)
        )
        for _line, v in chunk:
            deltas.update(services._cell_deltas(municipality.pk, v["lon"], v["lat"], 1))
        imported_ids.extend(tree.pk for tree in trees)
        if progress:
            progress(total + start + len(chunk), total * 2)
    services.apply_cell_deltas(deltas)
    # Imported trees are announced like captured ones (eco-benefits follow after the commit).
    signals.announce(imported_ids)
