import io

import pytest
from django.test import Client
from PIL import Image

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.history import ChangeRecord
from metropoli.trees.models import TreePhoto

from .factories import image_bytes, make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, tree, data, name="foto.jpg", key=None, language="es-MX"):
    headers = {"Accept-Language": language}
    if key:
        headers["Idempotency-Key"] = key
    return client.post(
        f"/api/trees/{tree.pk}/photos", {"photo": _file(data, name)}, headers=headers
    )


def _file(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # The declared type lies on purpose: only the content decides.
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


@pytest.fixture
def recorder_and_tree(municipalities):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    return client, make_tree(user)


def gps_exif():
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (20.0, 40.0, 36.0), 3: "W", 4: (103.0, 20.0, 51.0)})
    exif[0x0110] = "Secret Phone 3000"  # Model
    return exif


def test_jpeg_public_copy_has_no_exif_and_gps_is_kept_privately(recorder_and_tree):
    client, tree = recorder_and_tree
    data = image_bytes("JPEG", (1200, 900), exif=gps_exif())
    response = upload(client, tree, data)
    assert response.status_code == 201
    photo = TreePhoto.objects.get()
    public = Image.open(photo.image.path)
    assert public.format == "JPEG"
    assert dict(public.getexif()) == {}
    with open(photo.image.path, "rb") as stored:
        assert b"Secret Phone" not in stored.read()
    assert Image.open(photo.thumbnail.path).size == (320, 240)
    assert round(photo.camera_location.y, 2) == 20.68
    assert round(photo.camera_location.x, 2) == -103.35
    body = response.json()
    assert body["url"].endswith(".jpg") and body["thumbnail_url"].endswith("-thumb.jpg")
    assert ChangeRecord.objects.filter(changes__contains=[{"field": "photo"}]).count() == 1


def test_png_and_heic_are_accepted(recorder_and_tree):
    from pillow_heif import register_heif_opener

    register_heif_opener()
    client, tree = recorder_and_tree
    assert upload(client, tree, image_bytes("PNG"), name="a.png").status_code == 201
    heic = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 90, 10)).save(heic, format="HEIF")
    assert upload(client, tree, heic.getvalue(), name="b.heic").status_code == 201
    assert sorted(TreePhoto.objects.values_list("original_format", flat=True)) == ["heic", "png"]


def test_retry_with_the_same_key_stores_one_photo(recorder_and_tree):
    client, tree = recorder_and_tree
    data = image_bytes()
    assert upload(client, tree, data, key="photo-key-1").status_code == 201
    assert upload(client, tree, data, key="photo-key-1").status_code == 200
    assert TreePhoto.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"%PDF-1.4 not a photo at all", 415, "not_an_image"),
        (b"GIF89a" + b"\0" * 20, 415, "not_an_image"),
        (image_bytes("GIF"), 415, "not_an_image"),
        (image_bytes("JPEG")[:40], 415, "not_an_image"),
    ],
)
def test_non_images_are_refused(recorder_and_tree, data, status, code):
    client, tree = recorder_and_tree
    response = upload(client, tree, data, language="en")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert "not a photo" in response.json()["message"]
    assert TreePhoto.objects.count() == 0
    assert not ChangeRecord.objects.filter(changes__contains=[{"field": "photo"}]).exists()


def test_oversized_file_is_refused_in_spanish(recorder_and_tree, settings):
    settings.TREES_PHOTO_MAX_BYTES = 1000
    client, tree = recorder_and_tree
    response = upload(client, tree, image_bytes("PNG", (400, 400)))
    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_large"
    assert "demasiado grande" in response.json()["message"]
    assert TreePhoto.objects.count() == 0


def test_decompression_bomb_is_refused_before_decoding(recorder_and_tree):
    client, tree = recorder_and_tree
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, format="PNG")  # 100 MP in a few kB
    assert len(bomb.getvalue()) < 100_000
    response = upload(client, tree, bomb.getvalue(), language="en")
    assert response.status_code == 413
    assert response.json()["code"] == "photo_too_many_pixels"
    assert TreePhoto.objects.count() == 0


def test_only_allowed_people_add_photos(recorder_and_tree):
    _client, tree = recorder_and_tree
    other = Client()
    other.force_login(UserFactory())
    assert upload(other, tree, image_bytes()).status_code == 403
    assert upload(Client(), tree, image_bytes()).status_code == 401
    assert TreePhoto.objects.count() == 0


def test_a_media_folder_that_cannot_be_written_is_a_503_in_words(recorder_and_tree, settings):
    client, tree = recorder_and_tree
    # Tests may run as root, whom chmod does not stop: a folder under a regular file cannot
    # be made by anyone.
    blocker = settings.MEDIA_ROOT / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    response = upload(client, tree, image_bytes(), language="en")
    assert response.status_code == 503
    assert response.json() == {
        "code": "storage_unavailable",
        "message": "Files cannot be stored right now. Please try again later.",
    }
    assert TreePhoto.objects.count() == 0
    assert not ChangeRecord.objects.filter(changes__contains=[{"field": "photo"}]).exists()
