"""Public photos (trees, market products and markets): checked, stripped and re-encoded.

The upload is opened by common.images (type by content, size and pixel limits, decompression
bombs). The camera's position and time are read for the caller (a tree's photo can locate the
tree) and then dropped: the public copy and its thumbnail are JPEGs made from the bare pixels.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from PIL import ExifTags

from .errors import CommonErrorCode, DomainError
from .images import ImageRefused, jpeg, on_white, open_upload, shrink, upright

ACCEPTED_FORMATS = {"JPEG": "jpeg", "PNG": "png", "HEIF": "heic"}
PUBLIC_MAX_SIDE = 2048
THUMBNAIL_SIDE = 320


@dataclass
class ProcessedPhoto:
    public_jpeg: bytes
    thumbnail_jpeg: bytes
    original_format: str
    size: tuple[int, int]
    camera_lon: float | None
    camera_lat: float | None
    taken_at: datetime | None


def _rational(value) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _gps(exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except (KeyError, AttributeError, ValueError):
        return None, None
    try:
        lat = sum(_rational(v) / 60**i for i, v in enumerate(gps[2]))
        lon = sum(_rational(v) / 60**i for i, v in enumerate(gps[4]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None, None
    if gps.get(1) == "S":
        lat = -lat
    if gps.get(3) == "W":
        lon = -lon
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None, None
    return lon, lat


def _taken_at(exif) -> datetime | None:
    try:
        raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal)
        return datetime.strptime(str(raw), "%Y:%m:%d %H:%M:%S") if raw else None
    except (ValueError, KeyError, AttributeError):
        return None


# Sizes are written in the language of the answer ("4.0 MB", "4,0 MB"), chosen at the edge.
_size_text = lazy(filesizeformat, str)


def refusal(code: str, *, size: int, max_bytes: int, max_pixels: int) -> DomainError:
    """The refusal of a photo common.images refused, with the limit it went past."""
    if code == "too_large":
        return DomainError(
            CommonErrorCode.PHOTO_TOO_LARGE, size=_size_text(size), limit=_size_text(max_bytes)
        )
    if code == "too_many_pixels":
        return DomainError(CommonErrorCode.PHOTO_TOO_MANY_PIXELS, limit=max_pixels // 1_000_000)
    return DomainError(CommonErrorCode.NOT_AN_IMAGE)


def process_photo(data: bytes, *, max_bytes: int | None = None) -> ProcessedPhoto:
    """Validate an uploaded photo and make its public copy and thumbnail (raises DomainError).

    ``max_bytes`` defaults to the trees' limit; the pixel limit is the platform's one.
    """
    max_bytes = settings.TREES_PHOTO_MAX_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.TREES_PHOTO_MAX_PIXELS
    try:
        opened = open_upload(
            data,
            max_bytes=max_bytes,
            max_pixels=max_pixels,
            formats=ACCEPTED_FORMATS,
            fit=PUBLIC_MAX_SIDE,
        )
    except ImageRefused as refused:
        raise refusal(
            refused.code, size=len(data), max_bytes=max_bytes, max_pixels=max_pixels
        ) from refused
    camera_lon, camera_lat = _gps(opened.exif)
    # Smallest first: reduced in place, then turned and flattened at the public size.
    public = on_white(upright(shrink(opened.image, PUBLIC_MAX_SIDE)))
    thumb = shrink(public.copy(), THUMBNAIL_SIDE)
    return ProcessedPhoto(
        public_jpeg=jpeg(public),
        thumbnail_jpeg=jpeg(thumb),
        original_format=ACCEPTED_FORMATS[opened.format],
        size=public.size,
        camera_lon=camera_lon,
        camera_lat=camera_lat,
        taken_at=_taken_at(opened.exif),
    )
