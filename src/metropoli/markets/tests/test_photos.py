"""Product and market photos: checked by content, stored without metadata, with a thumbnail."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from metropoli.accounts.tests.factories import person_with
from metropoli.markets.models import Market, Product
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_gps(size=(1200, 900)) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (20.0, 40.0, 36.0), 3: "W", 4: (103.0, 20.0, 51.0)})
    exif[0x0110] = "Secret Phone 3000"  # camera model
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(client, product, data, name="jitomate.jpg", language="es-MX"):
    # The declared type lies on purpose: only the content decides.
    photo = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(
        f"/api/markets/products/{product.pk}/photo",
        {"photo": photo},
        headers={"Accept-Language": language},
    )


def test_vendor_uploads_a_photo_stored_without_gps_and_with_a_thumbnail(client, tomato, vendor):
    client.force_login(vendor)
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the original has GPS
    response = upload(client, tomato, data)
    assert response.status_code == 200
    tomato.refresh_from_db()
    body = response.json()
    assert body == {
        "product_id": tomato.pk,
        "photo": tomato.photo.url,
        "photo_thumbnail": tomato.photo_thumbnail.url,
    }
    stored = Image.open(tomato.photo.path)
    assert stored.format == "JPEG" and dict(stored.getexif()) == {}
    assert not stored.getexif().get_ifd(0x8825)
    with open(tomato.photo.path, "rb") as raw:
        assert b"Secret Phone" not in raw.read()
    assert Image.open(tomato.photo_thumbnail.path).size == (320, 240)
    # The catalogue and the market page show it, with alt text.
    listed = client.get("/api/markets/markets/libertad/products").json()
    assert listed[0]["photo_thumbnail"] == tomato.photo_thumbnail.url
    page = client.get("/mercado/libertad/").content.decode()
    assert f'src="{tomato.photo_thumbnail.url}"' in page
    assert 'alt="Foto de Jitomate saladet (ampliar)"' in page
    # A new photo replaces the old files.
    old = tomato.photo.path
    assert upload(client, tomato, jpeg_with_gps((640, 480))).status_code == 200
    tomato.refresh_from_db()
    assert tomato.photo.path != old


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es-MX", "El archivo no es una foto"), ("en", "The file is not a photo")],
)
def test_a_file_that_is_not_an_image_is_refused(client, tomato, vendor, language, expected):
    client.force_login(vendor)
    response = upload(client, tomato, b"%PDF-1.4 not a photo", name="foto.jpg", language=language)
    assert response.status_code == 415
    assert response.json()["code"] == "not_an_image"
    assert response.json()["message"].startswith(expected)
    assert not Product.objects.get(pk=tomato.pk).photo


def test_the_market_limit_applies_not_the_trees_one(client, tomato, vendor, settings):
    settings.TREES_PHOTO_MAX_BYTES = 1_000  # a tree photo this size would be refused
    settings.MARKETS_PHOTO_MAX_BYTES = 1_000_000
    client.force_login(vendor)
    data = jpeg_with_gps()
    assert 1_000 < len(data) < 1_000_000
    assert upload(client, tomato, data).status_code == 200


def test_an_oversized_file_is_refused_before_it_is_read(client, tomato, vendor, settings):
    settings.MARKETS_PHOTO_MAX_BYTES = 10_000
    client.force_login(vendor)
    response = upload(client, tomato, jpeg_with_gps() + b"\0" * 10_000)
    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert "9.8" in response.json()["message"]  # the limit, 9.8 KB
    assert not Product.objects.get(pk=tomato.pk).photo


def test_only_the_stall_and_market_staff_may_change_a_product_photo(
    client, tomato, butcher_vendor, guadalajara
):
    assert upload(client, tomato, jpeg_with_gps()).status_code == 401
    client.force_login(butcher_vendor)
    refused = upload(client, tomato, jpeg_with_gps())
    assert refused.status_code == 403
    assert client.delete(f"/api/markets/products/{tomato.pk}/photo").status_code == 403
    assert not Product.objects.get(pk=tomato.pk).photo
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    assert upload(client, tomato, jpeg_with_gps()).status_code == 200
    removed = client.delete(f"/api/markets/products/{tomato.pk}/photo")
    assert removed.json()["photo"] is None
    assert not Product.objects.get(pk=tomato.pk).photo


def test_stall_dashboard_uploads_and_shows_errors_next_to_the_product(
    client, stall, tomato, vendor
):
    client.force_login(vendor)
    url = f"/mercado/puesto/{stall.pk}/producto/{tomato.pk}/foto/"
    bad = client.post(
        url,
        {"photo": SimpleUploadedFile("a.jpg", b"hola", content_type="image/jpeg")},
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 415
    assert f'id="photo-error-{tomato.pk}">The file is not a photo' in bad.content.decode()
    missing = client.post(url, {}, headers={"Accept-Language": "en"})
    assert missing.status_code == 400 and "Choose a photo to upload." in missing.content.decode()
    photo = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    done = client.post(url, {"photo": photo})
    assert done.status_code == 302 and done.url.endswith("#photos")
    assert Product.objects.get(pk=tomato.pk).photo_thumbnail
    client.post(url, {"remove": "1"})
    assert not Product.objects.get(pk=tomato.pk).photo


def test_market_staff_upload_the_market_photo(client, market, tomato, guadalajara):
    url = "/mercado/libertad/administracion/foto/"
    photo = SimpleUploadedFile("m.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client.force_login(person_with(Role.CITIZEN, guadalajara))
    assert client.post(url, {"photo": photo}).status_code == 403
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    photo.seek(0)
    assert client.post(url, {"photo": photo}).status_code == 302
    market = Market.objects.get(pk=market.pk)
    assert Image.open(market.photo.path).getexif().get_ifd(0x8825) == {}
    home = client.get("/mercado/").content.decode()
    assert f'src="{market.photo_thumbnail.url}"' in home
    page = client.get("/mercado/libertad/").content.decode()
    assert (
        f'<img class="market-photo" src="{market.photo.url}" alt="Foto de Mercado Libertad">'
        in (page)
    )


def test_products_without_a_photo_show_the_placeholder(client, market, tomato):
    page = client.get("/mercado/libertad/").content.decode()
    assert 'src="/static/markets/no-photo.svg" alt=""' in page
