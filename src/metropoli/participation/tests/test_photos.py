import io

import pytest
from PIL import Image

from metropoli.participation import photos


def jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (20.0, 40.0, 0.0), 3: "W", 4: (103.0, 21.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_gps_and_exif_are_removed():
    raw = jpeg_with_gps()
    assert b"CameraMaker" in raw
    clean = photos.clean_photo(raw)
    assert clean.extension == "jpg" and (clean.width, clean.height) == (64, 48)
    assert b"CameraMaker" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as image:
        assert not image.getexif()
        assert "exif" not in image.info


def test_type_is_decided_by_content_not_name():
    with pytest.raises(photos.PhotoError) as error:
        photos.clean_photo(b"GIF89a" + b"\0" * 100)
    assert error.value.code == "not_an_image"
    gif = io.BytesIO()
    Image.new("P", (4, 4)).save(gif, "GIF")
    with pytest.raises(photos.PhotoError) as error:
        photos.clean_photo(gif.getvalue())
    assert error.value.code == "unsupported"


def test_decompression_bomb_is_refused():
    # A small PNG file that would decode to 30 million pixels.
    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, "PNG")
    assert len(out.getvalue()) < photos.MAX_BYTES
    with pytest.raises(photos.PhotoError) as error:
        photos.clean_photo(out.getvalue())
    assert error.value.code == "too_many_pixels"


def test_too_large_file_is_refused():
    with pytest.raises(photos.PhotoError) as error:
        photos.clean_photo(b"\xff" * (photos.MAX_BYTES + 1))
    assert error.value.code == "too_large"


def test_data_url_is_decoded():
    import base64

    raw = jpeg_with_gps()
    assert photos.decode_data_url("data:image/jpeg;base64," + base64.b64encode(raw).decode()) == raw
    with pytest.raises(photos.PhotoError):
        photos.decode_data_url("data:image/jpeg;base64,%%%")
