"""A tree photo's Idempotency-Key is the platform's one idempotency (common/idempotency.py):
scoped to the caller, bound to the tree and the photo, never answering with someone else's."""

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role
from metropoli.trees.models import TreePhoto

from .factories import image_bytes, make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, tree, data, key):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/api/trees/{tree.pk}/photos",
        {"photo": SimpleUploadedFile("foto.jpg", data, content_type="image/jpeg")},
        headers={"Idempotency-Key": key, "Accept-Language": "en"},
    )


@pytest.fixture
def recorder():
    return UserFactory()


@pytest.fixture
def tree(municipalities, recorder):
    return make_tree(recorder)


def test_the_same_key_with_another_photo_is_refused_without_the_first_one(tree, recorder):
    client = signed_in(recorder)
    first = upload(client, tree, image_bytes(size=(64, 48)), "photo-key-1")
    assert first.status_code == 201
    other = upload(client, tree, image_bytes(size=(80, 60)), "photo-key-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert first.json()["url"] not in other.content.decode()
    assert TreePhoto.objects.count() == 1


def test_another_persons_key_is_a_key_of_ones_own(tree, recorder, guadalajara):
    data = image_bytes()
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    mine = upload(signed_in(recorder), tree, data, "shared-key-1")
    theirs = upload(signed_in(staff), tree, data, "shared-key-1")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert TreePhoto.objects.count() == 2


def test_a_retry_after_the_photo_was_removed_says_so(tree, recorder):
    client = signed_in(recorder)
    data = image_bytes()
    assert upload(client, tree, data, "photo-key-2").status_code == 201
    TreePhoto.objects.all().delete()
    again = upload(client, tree, data, "photo-key-2")
    assert again.status_code == 410
    assert again.json()["code"] == "photo_deleted"
