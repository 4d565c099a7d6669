"""Boundary files uploaded on the municipalities page, made safe to hand to GDAL.

A GeoJSON file, or a shapefile zipped with its .shp, .shx, .dbf and .prj files. GDAL opens
whatever it recognises (a virtual format can point at other files on the server), so what it is
given is checked first: GeoJSON must parse as a JSON FeatureCollection; a .zip is read without
trusting it (a size limit on the upload, on its number of files and on what it unpacks to,
however large it says it is; no name that leads out of its folder), and only the four files of
its one shapefile are written, under names of our own, into the caller's temporary directory.
Decision docs/decisions/0112-municipalities-without-the-admin.md.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from metropoli.common.errors import DomainError

from .errors import TerritoryErrorCode

MB = 1024 * 1024
# nginx takes up to 13 MB in a request (deploy/nginx/metropoli.conf): the file and its form.
MAX_UPLOAD_BYTES = 12 * MB
MAX_ZIP_MEMBERS = 100
MAX_UNPACKED_BYTES = 200 * MB
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj")
REQUIRED_PARTS = (".shp", ".shx", ".dbf")  # without .prj, the page's SRID field says it
GEOJSON_SUFFIXES = (".geojson", ".json")
# A shapefile's main file starts with the file code 9994, big-endian.
SHP_MAGIC = b"\x00\x00\x27\x0a"
_CHUNK = 1024 * 1024
_UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(name: str, fallback: str = "boundaries") -> str:
    """A file name of our own made from the one a person gave: its last part, only letters,
    digits, dots, hyphens and underscores, at most 80 characters."""
    last = PurePosixPath(str(name).replace("\\", "/")).name
    cleaned = _UNSAFE_CHARACTERS.sub("_", last).strip("._")[:80]
    return cleaned or fallback


def unpack(upload, into: Path) -> tuple[Path, str]:
    """(the file GDAL is to open, written in `into`; the upload's name as shown and kept as the
    boundary's source). DomainError when the upload is not a boundary file this page takes."""
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(
            TerritoryErrorCode.FILE_TOO_LARGE,
            size=f"{size / MB:.1f}",
            limit=MAX_UPLOAD_BYTES // MB,
            on_field="file",
        )
    name = safe_name(upload.name or "")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in GEOJSON_SUFFIXES:
        return _geojson(upload, into, name), name
    if suffix == ".zip":
        return _shapefile(upload, into), name
    raise DomainError(TerritoryErrorCode.FILE_KIND, on_field="file")


def _geojson(upload, into: Path, name: str) -> Path:
    data = b"".join(upload.chunks())
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, nested too deep
        raise DomainError(TerritoryErrorCode.NOT_GEOJSON, on_field="file") from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise DomainError(TerritoryErrorCode.NOT_GEOJSON, on_field="file")
    # GDAL names the layer after the file: the person's name for it, not ours.
    path = into / f"{PurePosixPath(name).stem}.geojson"
    path.write_bytes(data)
    return path


def _leads_out(name: str) -> bool:
    path = name.replace("\\", "/")
    parts = PurePosixPath(path).parts
    return (
        path.startswith("/")
        or re.match(r"^[A-Za-z]:", path) is not None
        or ".." in parts
        or "\x00" in path
    )


def _shapefile(upload, into: Path) -> Path:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise DomainError(
                    TerritoryErrorCode.ZIP_TOO_MANY_FILES,
                    count=len(members),
                    limit=MAX_ZIP_MEMBERS,
                    on_field="file",
                )
            for member in members:
                if _leads_out(member.filename):
                    raise DomainError(
                        TerritoryErrorCode.ZIP_UNSAFE_NAME,
                        name=member.filename[:120],
                        on_field="file",
                    )
            parts = _shapefile_parts(members)
            declared = sum(member.file_size for member in parts.values())
            if declared > MAX_UNPACKED_BYTES:
                raise _too_large_unpacked()
            stem = safe_name(PurePosixPath(parts[".shp"].filename).stem)
            budget = MAX_UNPACKED_BYTES
            for suffix, member in parts.items():
                budget -= _extract(archive, member, into / f"{stem}{suffix}", budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as error:
        raise DomainError(TerritoryErrorCode.ZIP_UNREADABLE, on_field="file") from error
    except (NotImplementedError, RuntimeError) as error:  # an unknown compression, a password
        raise DomainError(TerritoryErrorCode.ZIP_UNREADABLE, on_field="file") from error
    shp = into / f"{stem}.shp"
    with shp.open("rb") as main:
        if main.read(4) != SHP_MAGIC:
            raise DomainError(
                TerritoryErrorCode.NOT_A_SHAPEFILE, name=parts[".shp"].filename, on_field="file"
            )
    return shp


def _shapefile_parts(members: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """The files of the archive's one shapefile, by suffix (.shp first)."""
    by_stem: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for member in members:
        if member.is_dir():
            continue
        path = PurePosixPath(member.filename.replace("\\", "/"))
        suffix = path.suffix.lower()
        if suffix in SHAPEFILE_PARTS:
            by_stem.setdefault(str(path.with_suffix("")), {})[suffix] = member
    shapefiles = sorted(stem for stem, found in by_stem.items() if ".shp" in found)
    if not shapefiles:
        raise DomainError(TerritoryErrorCode.ZIP_NO_SHAPEFILE, on_field="file")
    if len(shapefiles) > 1:
        raise DomainError(
            TerritoryErrorCode.ZIP_SEVERAL_SHAPEFILES,
            count=len(shapefiles),
            names=", ".join(PurePosixPath(stem).name for stem in shapefiles[:8]),
            on_field="file",
        )
    found = by_stem[shapefiles[0]]
    missing = [suffix for suffix in REQUIRED_PARTS if suffix not in found]
    if missing:
        raise DomainError(
            TerritoryErrorCode.ZIP_MISSING_PARTS,
            name=PurePosixPath(shapefiles[0]).name,
            parts=", ".join(missing),
            on_field="file",
        )
    return {suffix: found[suffix] for suffix in SHAPEFILE_PARTS if suffix in found}


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Write one member to `target`, stopping past `budget` bytes whatever its header says;
    return how many bytes it took."""
    written = 0
    with archive.open(member) as source, target.open("wb") as out:
        for chunk in _chunks(source):
            written += len(chunk)
            if written > budget:
                raise _too_large_unpacked()
            out.write(chunk)
    return written


def _chunks(source) -> Iterator[bytes]:
    while chunk := source.read(_CHUNK):
        yield chunk


def _too_large_unpacked() -> DomainError:
    return DomainError(
        TerritoryErrorCode.ZIP_TOO_LARGE_UNPACKED, limit=MAX_UNPACKED_BYTES // MB, on_field="file"
    )
