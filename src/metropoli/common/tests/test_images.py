"""Photos are decoded within a memory bound: no more pixels than the caller keeps, no copies."""

import io
import subprocess
import sys

from PIL import Image

from metropoli.common.images import open_upload, shrink

LIMITS = {"max_bytes": 20 * 1024 * 1024, "max_pixels": 50_000_000, "formats": {"JPEG", "PNG"}}


def jpeg_bytes(size, orientation=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (40, 120, 50))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(out, format="JPEG", quality=70, exif=exif)
    return out.getvalue()


def test_a_large_jpeg_is_decoded_at_the_smallest_scale_that_still_covers_the_kept_size():
    opened = open_upload(jpeg_bytes((5000, 3000)), fit=2048, **LIMITS)
    assert opened.image.size == (2500, 1500)  # 1/2: a quarter of the pixels in memory
    assert open_upload(jpeg_bytes((5000, 3000)), fit=600, **LIMITS).image.size == (625, 375)
    # Already small enough, or no size given: decoded as it is.
    assert open_upload(jpeg_bytes((1800, 900)), fit=2048, **LIMITS).image.size == (1800, 900)
    assert open_upload(jpeg_bytes((5000, 3000)), **LIMITS).image.size == (5000, 3000)


def test_shrink_reduces_in_place_and_palette_images_end_smooth():
    image = Image.new("RGB", (4000, 1000))
    assert shrink(image, 2048) is image and image.size == (2048, 512)
    palette = Image.new("P", (6000, 3000), 7)
    small = shrink(palette, 300)
    assert (small.mode, small.size) == ("RGB", (300, 150))


def test_a_turned_photo_is_reduced_then_turned():
    from metropoli.common.photos import process_photo

    processed = process_photo(jpeg_bytes((5000, 3000), orientation=6))
    public = Image.open(io.BytesIO(processed.public_jpeg))
    assert public.size == processed.size == (1229, 2048)
    assert Image.open(io.BytesIO(processed.thumbnail_jpeg)).size == (192, 320)
    assert not public.getexif()


# Peak memory of process_photo, measured in a fresh interpreter (ru_maxrss is per process).
CHILD = """
import resource, sys
import django
from django.conf import settings
settings.configure(TREES_PHOTO_MAX_BYTES=50 * 2**20, TREES_PHOTO_MAX_PIXELS=50_000_000,
                   USE_I18N=False)
django.setup()
from metropoli.common.photos import process_photo
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
processed = process_photo(data)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024, processed.size)
"""


def test_a_small_file_of_many_megapixels_is_processed_within_a_memory_bound(tmp_path):
    # 36 megapixels of flat colour: a file of a few hundred KB. Decoded whole it is 144 MB
    # (Pillow keeps RGB as 4 bytes a pixel); the former pipeline held four such copies.
    path = tmp_path / "flat.jpg"
    path.write_bytes(jpeg_bytes((6000, 6000)))
    assert path.stat().st_size < 1_000_000
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True
    )
    peak_mb, size = result.stdout.split(" ", 1)
    assert size.strip() == "(2048, 2048)"
    assert int(peak_mb) < 160, f"{peak_mb} MB"
