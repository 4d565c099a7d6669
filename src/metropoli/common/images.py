"""Opening untrusted image uploads with Pillow, for every module that takes photos.

The type is decided by the content (never by the file name or the declared type); the byte size
and the pixel count are bounded before anything is decoded (a small file can decode to a huge
image: a "decompression bomb"); and what we store is re-made from the bare pixels, so EXIF, XMP,
GPS positions, camera serial numbers and text chunks never reach storage.

Memory: a JPEG is decoded at the smallest scale (1/2, 1/4, 1/8) that still covers the size the
caller keeps (`fit`), and `shrink` reduces in place, so no full-size copy is ever made. Without
this, one 750 KB JPEG of 49 megapixels took about 0.6 GB (four full-size copies of 147 MB).
"""

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError, ErrorCode, Kind
from .i18n import gettext_noop

try:  # HEIC/HEIF, the default format of iPhones.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    pass


class ImageErrorCode(ErrorCode):
    """Why an upload was refused. Callers usually answer with their own code and limits
    (common.photos: photo_too_large with the size allowed)."""

    TOO_LARGE = "too_large", Kind.TOO_LARGE, gettext_noop("The photo is too large.")
    TOO_MANY_PIXELS = (
        "too_many_pixels",
        Kind.TOO_LARGE,
        gettext_noop("The photo has too many pixels."),
    )
    UNSUPPORTED = (  # an image, but not in an accepted format
        "unsupported",
        Kind.UNSUPPORTED,
        gettext_noop("The image is not in an accepted format."),
    )
    NOT_AN_IMAGE = "not_an_image", Kind.UNSUPPORTED, gettext_noop("The file is not a photo.")


class ImageRefused(DomainError):
    """The upload was refused; ``code`` (an `ImageErrorCode`) says why."""

    def __init__(self, code: ImageErrorCode | str):
        super().__init__(ImageErrorCode(code))


@dataclass
class OpenedImage:
    image: Image.Image  # decoded, as stored in the file (EXIF orientation not yet applied)
    format: str  # Pillow's name: JPEG, PNG, HEIF, WEBP…
    exif: Image.Exif


def open_upload(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    formats: set[str] | dict,
    fit: int | None = None,
) -> OpenedImage:
    """Decode an uploaded image within the limits, or raise ImageRefused.

    ``fit``: the longest side the caller will keep; a JPEG is then decoded at a reduced scale
    that is still at least that large (DCT scaling: less memory and less time).
    """
    if len(data) > max_bytes:
        raise ImageRefused(ImageErrorCode.TOO_LARGE)
    with warnings.catch_warnings():
        # Pillow's own guard (Image.MAX_IMAGE_PIXELS) warns before it refuses: both refuse here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            kind = image.format  # open() names the format of what it opens
            if kind is None or kind not in formats:
                raise ImageRefused(ImageErrorCode.UNSUPPORTED)
            width, height = image.size  # from the header: nothing is decoded yet
            if width * height > max_pixels:
                raise ImageRefused(ImageErrorCode.TOO_MANY_PIXELS)
            exif = image.getexif()
            if fit and image.format == "JPEG" and max(width, height) > fit:
                scale = fit / max(width, height)
                image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
            image.load()
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRefused(ImageErrorCode.TOO_MANY_PIXELS) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ImageRefused(ImageErrorCode.NOT_AN_IMAGE) from error
    return OpenedImage(image, kind, exif)


def shrink(image: Image.Image, side: int) -> Image.Image:
    """The image no larger than side × side, reduced in place (no full-size copy is made).

    Palette and 1-bit images are first thinned to twice the size by nearest neighbour (cheap,
    still one byte a pixel) and only then made true-colour, so the final filter is smooth.
    """
    if image.mode in ("1", "P"):
        if max(image.size) > 2 * side:
            image.thumbnail((2 * side, 2 * side), Image.Resampling.NEAREST)
        has_alpha = image.mode == "P" and "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((side, side))
    return image


def upright(image: Image.Image) -> Image.Image:
    """The pixels turned as the camera's orientation tag says (the tag itself is not kept).

    In place: an image that needs no turn is not copied."""
    ImageOps.exif_transpose(image, in_place=True)
    return image


def on_white(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (for JPEG)."""
    if image.mode == "RGB":
        return image
    if image.mode == "L":
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def pixels_only(image: Image.Image) -> Image.Image:
    """A new image from the bare pixels: no info dict, hence no metadata of any kind."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    pixels_only(image).save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
