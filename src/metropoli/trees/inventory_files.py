"""Reading inventory files row by row: CSV (streamed, so a million rows take little memory) and
GeoJSON. Used by `metropoli trees import` and the import page alike (trees/inventory.py).

Each record is (line or feature number, row with normalised column names, bytes read so far);
the file as a whole that cannot be read raises ImportFileError, naming the line and column
where it can.
"""

import codecs
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from metropoli.common import exports

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
GEOJSON_SUFFIXES = (".geojson", ".json")
SAMPLE = 65536

Record = tuple[int, dict, int]


class ImportFileError(Exception):
    """The file as a whole cannot be read (not the rows in it)."""


def column(name: str) -> str:
    key = name.strip().lower()
    return ALIASES.get(key, key.replace(" ", "_"))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if codecs.lookup(encoding).name.startswith("utf-8") else encoding


def _decoding_error(path: Path, encoding: str) -> ImportFileError:
    """Where the first byte that is not text in this encoding is (a binary file, or a
    spreadsheet saved as Latin-1), found by decoding the file again in blocks."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, current = 1, b""  # the bytes of the current line so far
    with open(path, "rb") as handle:
        while block := handle.read(SAMPLE):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                start = min(max(error.start, 0), len(block) - 1)
                before = block[:start]
                line += before.count(b"\n")
                current = (current + before).rsplit(b"\n", 1)[-1]
                return ImportFileError(
                    _(
                        "Line %(line)s, column %(column)s: the byte 0x%(byte)02X is not "
                        "%(encoding)s text. Save the file as UTF-8 (in Excel: “CSV UTF-8”), or "
                        "give its encoding with --encoding (for example latin-1)."
                    )
                    % {
                        "line": line,
                        "column": len(current.decode(encoding, "replace")) + 1,
                        "byte": block[start],
                        "encoding": _encoding_name(encoding),
                    }
                )
            line += block.count(b"\n")
            current = (current + block).rsplit(b"\n", 1)[-1]
    return ImportFileError(_("The file ends in the middle of a character."))


class _Unstreamable(Exception):
    """The GeoJSON is not laid out as the stream expects (or is broken): read it whole."""


class _Text:
    """A text file read ahead in blocks, forgetting what has been decoded."""

    def __init__(self, handle):
        self.handle, self.text, self.eof = handle, "", False
        self.decoder = json.JSONDecoder()

    def fill(self, i: int, ahead: int = SAMPLE) -> None:
        while not self.eof and len(self.text) - i < ahead:
            block = self.handle.read(1 << 20)
            if not block:
                self.eof = True
            self.text += block

    def skip(self, i: int) -> int:
        while True:
            self.fill(i, 1)
            while i < len(self.text) and self.text[i] in " \t\r\n":
                i += 1
            if i < len(self.text) or self.eof:
                return i

    def char(self, i: int) -> str:
        self.fill(i, 1)
        return self.text[i] if i < len(self.text) else ""

    def value(self, i: int) -> tuple[object, int]:
        """One JSON value from i, reading more while it is cut at the end of the block."""
        self.fill(i)
        while True:
            try:
                return self.decoder.raw_decode(self.text, i)
            except json.JSONDecodeError as error:
                if self.eof:
                    raise _Unstreamable from error
                self.fill(i, len(self.text) - i + (1 << 20))
            except RecursionError as error:
                raise _Unstreamable from error

    def forget(self, i: int) -> int:
        """Drop what was decoded before i once it is large (not at every feature: copying)."""
        if i < (1 << 20):
            return i
        self.text = self.text[i:]
        return 0


def _geojson_stream(path: Path, encoding: str) -> Iterator[tuple[dict, int]]:
    """The features of a FeatureCollection one by one, never the whole document in memory:
    the top-level members are decoded one at a time and "features" element by element."""
    binary = open(path, "rb")  # noqa: SIM115 - closed with the text wrapper below
    with io.TextIOWrapper(binary, encoding=encoding) as handle:
        text = _Text(handle)
        kind, found, i = None, False, text.skip(0)
        if text.char(i) != "{":
            raise _Unstreamable
        i = text.skip(i + 1)
        while text.char(i) != "}":
            key, i = text.value(i)
            i = text.skip(i)
            if not isinstance(key, str) or text.char(i) != ":":
                raise _Unstreamable
            i = text.skip(i + 1)
            if key == "features" and not found:
                found = True
                if text.char(i) != "[":
                    raise _Unstreamable
                i = text.skip(i + 1)
                while text.char(i) != "]":
                    feature, i = text.value(i)
                    yield feature if isinstance(feature, dict) else {}, binary.tell()
                    i = text.skip(text.forget(i))
                    if text.char(i) == ",":
                        i = text.skip(i + 1)
                    elif text.char(i) != "]":
                        raise _Unstreamable
                i += 1
            else:
                value, i = text.value(i)
                if key == "type":
                    kind = value
            i = text.skip(i)
            if text.char(i) == ",":
                i = text.skip(i + 1)
            elif text.char(i) != "}":
                raise _Unstreamable
        if kind != "FeatureCollection" or text.skip(i + 1) < len(text.text):
            raise _Unstreamable


def _feature_row(feature: dict) -> dict:
    props = feature.get("properties") or {}
    geometry = feature.get("geometry") or {}
    row = (
        {column(str(k)): ("" if v is None else str(v)) for k, v in props.items()}
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
    return row


def _geojson_records(path: Path, encoding: str) -> Iterator[Record]:
    """A GeoJSON file streams feature by feature when it is a FeatureCollection; anything
    else (or a broken file) is read whole, for its exact error
    (docs/decisions/0065-inventory-import-page.md)."""
    number = 0
    try:
        for feature, read in _geojson_stream(path, encoding):
            number += 1
            yield number, _feature_row(feature), read
        return
    except UnicodeDecodeError as error:
        raise _decoding_error(path, encoding) from error
    except _Unstreamable:
        pass
    if number == 0:
        yield from _geojson_whole(path, encoding)
        return
    # Its start streamed but the rest is broken: reading it whole names the error.
    for _record in _geojson_whole(path, encoding):
        pass
    raise ImportFileError(_("The GeoJSON file must hold a FeatureCollection."))


def _geojson_whole(path: Path, encoding: str) -> Iterator[Record]:
    """The document read whole: for the files the stream does not take, and for the exact
    line and column of an error."""
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError as error:
        raise _decoding_error(path, encoding) from error
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    size = len(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("Line %(line)s, column %(column)s: the file is not valid GeoJSON (%(error)s).")
            % {"line": error.lineno, "column": error.colno, "error": error.msg}
        ) from error
    except RecursionError as error:
        raise ImportFileError(_("The GeoJSON file is nested too deeply to be read.")) from error
    del text
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFileError(_("The GeoJSON file must hold a FeatureCollection."))
    features = data.get("features") or []
    if not isinstance(features, list):
        raise ImportFileError(_("The “features” of the FeatureCollection must be a list."))
    count = len(features)
    for number, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        yield number, _feature_row(feature), size * number // count


def _csv_records(path: Path, encoding: str) -> Iterator[Record]:
    binary = open(path, "rb")  # noqa: SIM115 - closed with the text wrapper below
    # binary.tell(): how far the text wrapper has read (the progress of a streamed file).
    with io.TextIOWrapper(binary, encoding=encoding, newline="") as handle:
        try:
            sample = handle.read(SAMPLE)
        except UnicodeDecodeError as error:
            raise _decoding_error(path, encoding) from error
        if not sample.strip() and len(sample) < SAMPLE:
            raise ImportFileError(_("The file is empty."))
        delimiter = ";" if sample[:4096].count(";") > sample[:4096].count(",") else ","
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = [column(name) for name in next(reader)]
            if not {"lon", "lat"} <= set(header):
                raise ImportFileError(
                    _(
                        "Line 1 must be a header that names the columns lon and lat (or "
                        "longitude and latitude); it reads “%(found)s”."
                    )
                    % {"found": _short(delimiter.join(header))}
                )
            for values in reader:
                if not any(value.strip() for value in values):
                    continue
                line = reader.line_num
                if len(values) != len(header):
                    message = _("%(found)s values, but the header names %(expected)s columns")
                    found = {"found": len(values), "expected": len(header)}
                    yield line, {"_ragged": message % found}, binary.tell()
                    continue
                # Our CSV export marks formula-like text with an apostrophe; it comes off here.
                row = {
                    name: exports.uncell(value.strip())
                    for name, value in zip(header, values, strict=True)
                }
                yield line, row, binary.tell()
        except csv.Error as error:
            raise ImportFileError(
                _("Line %(line)s: the CSV cannot be read (%(error)s).")
                % {"line": reader.line_num, "error": error}
            ) from error
        except UnicodeDecodeError as error:
            raise _decoding_error(path, encoding) from error


def records(path: Path, encoding: str = "utf-8-sig") -> Iterator[Record]:
    """(line or feature number, row, bytes read) for every row of the file."""
    if not path.is_file():
        raise ImportFileError(_("The file cannot be read: %(error)s") % {"error": path})
    if path.suffix.lower() in GEOJSON_SUFFIXES:
        yield from _geojson_records(path, encoding)
        return
    # A value may be as long as the file: too long is then a row error with its column.
    previous = csv.field_size_limit(max(path.stat().st_size + 1, 131072))
    try:
        yield from _csv_records(path, encoding)
    finally:
        csv.field_size_limit(previous)
