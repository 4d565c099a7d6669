"""Checking and cleaning a photo attached to a contribution (Pillow; no Django).

The type is decided by the content, not the name; size and pixel count are bounded (a small
file can decode to a huge image: a "decompression bomb"); the pixels are re-encoded so EXIF
data, including GPS position, never reaches the server's storage.
"""

import base64
import binascii
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 4 * 1024 * 1024
MAX_PIXELS = 24_000_000
MAX_SIDE = 2048
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class PhotoError(ValueError):
    """The photo was refused; `code` says why.

    One of too_large, not_an_image, unsupported, too_many_pixels.
    """

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


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
    if len(raw) > MAX_BYTES:
        raise PhotoError("too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in FORMATS:
                    raise PhotoError("unsupported")
                if width * height > MAX_PIXELS:
                    raise PhotoError("too_many_pixels")
                probe.load()
                image = ImageOps.exif_transpose(probe)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError("too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PhotoError("not_an_image") from error
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    mode = "RGB" if kind == "JPEG" else ("RGBA" if image.mode not in ("RGB", "L") else image.mode)
    image = image.convert(mode)
    # A new image from the bare pixels: no EXIF, XMP, GPS or text chunks can travel along.
    image = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return CleanPhoto(out.getvalue(), FORMATS[kind], image.width, image.height)
