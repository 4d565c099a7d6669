"""Opening untrusted image uploads with Pillow, for every module that takes photos.

The type is decided by the content (never by the file name or the declared type); the byte size
and the pixel count are bounded before anything is decoded (a small file can decode to a huge
image: a "decompression bomb"); and what we store is re-made from the bare pixels, so EXIF, XMP,
GPS positions, camera serial numbers and text chunks never reach storage.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF, the default format of iPhones.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    pass


class ImageRefused(ValueError):
    """The upload was refused; ``code`` says why: too_large, not_an_image, unsupported (an
    image, but not in an accepted format) or too_many_pixels."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class OpenedImage:
    image: Image.Image  # decoded, as stored in the file (EXIF orientation not yet applied)
    format: str  # Pillow's name: JPEG, PNG, HEIF, WEBP…
    exif: Image.Exif


def open_upload(
    data: bytes, *, max_bytes: int, max_pixels: int, formats: set[str] | dict
) -> OpenedImage:
    """Decode an uploaded image within the limits, or raise ImageRefused."""
    if len(data) > max_bytes:
        raise ImageRefused("too_large")
    with warnings.catch_warnings():
        # Pillow's own guard (Image.MAX_IMAGE_PIXELS) warns before it refuses: both refuse here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in formats:
                raise ImageRefused("unsupported")
            width, height = image.size  # from the header: nothing is decoded yet
            if width * height > max_pixels:
                raise ImageRefused("too_many_pixels")
            exif = image.getexif()
            image.load()
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRefused("too_many_pixels") from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ImageRefused("not_an_image") from error
    return OpenedImage(image, image.format, exif)


def upright(image: Image.Image) -> Image.Image:
    """The pixels turned as the camera's orientation tag says (the tag itself is not kept)."""
    return ImageOps.exif_transpose(image)


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
