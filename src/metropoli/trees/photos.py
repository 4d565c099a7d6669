"""Checking and re-encoding tree photos with Pillow.

The type is decided by the content (never by the name or the declared type), the pixel count is
checked before decoding (decompression bombs), and the public copy is re-encoded as JPEG
without any metadata, so the camera's GPS position and serial numbers never leave the server.
"""

import io
import warnings
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from metropoli.common.errors import ApiError

try:  # HEIC/HEIF, the default format of iPhones.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    pass

ACCEPTED_FORMATS = {"JPEG": "jpeg", "PNG": "png", "HEIF": "heic"}
PUBLIC_MAX_SIDE = 2048
THUMBNAIL_SIDE = 320


def max_bytes() -> int:
    return settings.TREES_PHOTO_MAX_BYTES


def max_pixels() -> int:
    return settings.TREES_PHOTO_MAX_PIXELS


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


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def process_photo(data: bytes) -> ProcessedPhoto:
    """Validate an uploaded photo and make its public copy and thumbnail (raises ApiError)."""
    if len(data) > max_bytes():
        raise ApiError(
            413,
            "photo_too_large",
            _("The photo is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes())},
        )
    not_image = ApiError(
        415, "not_an_image", _("The file is not a photo. Send a JPEG, PNG or HEIC image.")
    )
    # Pillow's own guard reads the size from the header, before decoding: it warns past
    # MAX_IMAGE_PIXELS and refuses past twice that; here both are a refusal.
    Image.MAX_IMAGE_PIXELS = max_pixels()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            image_format = image.format
            if image_format not in ACCEPTED_FORMATS:
                raise not_image
            width, height = image.size
            if width * height > max_pixels():
                raise _too_many_pixels()
            exif = image.getexif()
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels() from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise not_image from error
    camera_lon, camera_lat = _gps(exif)
    taken_at = _taken_at(exif)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode == "L":
        image = image.convert("RGB")
    public = image.copy()
    public.thumbnail((PUBLIC_MAX_SIDE, PUBLIC_MAX_SIDE))
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    # A fresh image carries no info dict, hence no EXIF, XMP or ICC profile with identifiers.
    return ProcessedPhoto(
        public_jpeg=_jpeg(Image.frombytes("RGB", public.size, public.tobytes())),
        thumbnail_jpeg=_jpeg(Image.frombytes("RGB", thumb.size, thumb.tobytes())),
        original_format=ACCEPTED_FORMATS[image_format],
        size=public.size,
        camera_lon=camera_lon,
        camera_lat=camera_lat,
        taken_at=taken_at,
    )


def _too_many_pixels() -> ApiError:
    return ApiError(
        413,
        "photo_too_many_pixels",
        _("The photo has too many pixels; the limit is %(limit)s megapixels.")
        % {"limit": max_pixels() // 1_000_000},
    )
