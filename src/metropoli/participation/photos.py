"""Checking and cleaning a photo attached to a contribution (Pillow; no Django).

common.images opens it (type by content, size and pixel limits, decompression bombs); the
pixels are re-encoded in the photo's own format so EXIF data, including the GPS position, never
reaches the server's storage.
"""

import base64
import binascii
import io
from dataclasses import dataclass

from metropoli.common.images import ImageRefused, open_upload, pixels_only, shrink, upright

MAX_BYTES = 4 * 1024 * 1024
MAX_PIXELS = 24_000_000
MAX_SIDE = 2048
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


# Refusal codes: too_large, not_an_image, unsupported, too_many_pixels.
PhotoError = ImageRefused


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    extension: str
    width: int
    height: int


def decode_data_url(value: str) -> bytes:
    """Accept 'data:image/...;base64,XXXX' or bare base64; raise PhotoError otherwise."""
    payload = value.split(",", 1)[1] if value.startswith("data:") else value
    if len(payload) > MAX_BYTES * 4 // 3 + 8:
        raise PhotoError("too_large")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise PhotoError("not_an_image") from error


def clean_photo(raw: bytes) -> CleanPhoto:
    """The photo re-encoded in its own format from the bare pixels (raises PhotoError)."""
    opened = open_upload(
        raw, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, formats=FORMATS, fit=MAX_SIDE
    )
    kind = opened.format
    image = upright(shrink(opened.image, MAX_SIDE))  # reduced first: no full-size copy
    mode = "RGB" if kind == "JPEG" else ("RGBA" if image.mode not in ("RGB", "L") else image.mode)
    image = pixels_only(image.convert(mode))
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return CleanPhoto(out.getvalue(), FORMATS[kind], image.width, image.height)
