"""Photo uploads per person and day: trees, markets and Participa share one count (signed out:
per address, and a forged X-Forwarded-For does not reset it); past it, 429 with a message."""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory
from metropoli.markets.models import Stall, StallMember
from metropoli.markets.tests.conftest import make_market, make_product
from metropoli.participation.models import Contribution
from metropoli.participation.tests.conftest import INSIDE, make_proceeding
from metropoli.trees.models import TreePhoto
from metropoli.trees.tests.factories import image_bytes, make_tree

pytestmark = pytest.mark.django_db
MESSAGE = "Hoy ya enviaste muchas fotos. Vuelve a intentarlo mañana."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo_file():
    return SimpleUploadedFile("foto.jpg", image_bytes(), content_type="image/jpeg")


def tree_photo(client, tree):
    return client.post(
        f"/api/trees/{tree.pk}/photos", {"photo": photo_file()}, HTTP_ACCEPT_LANGUAGE="es-MX"
    )


def contribution(client, proceeding, text, **extra):
    body = {
        "category": proceeding.categories.first().pk,
        "text": text,
        "geometry": INSIDE,
        "photo": "data:image/jpeg;base64," + base64.b64encode(image_bytes()).decode(),
    }
    return client.post(
        f"/api/participation/proceedings/{proceeding.slug}/contributions",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es-MX",
        **extra,
    )


def test_one_daily_count_for_trees_markets_and_participation(guadalajara, settings):
    settings.PHOTO_UPLOADS_PER_DAY = 3
    person = UserFactory()
    stall = Stall.objects.create(market=make_market(guadalajara), name="Doña Lupe")
    StallMember.objects.create(stall=stall, user=person)
    tomato = make_product(stall, "Jitomate")
    tree = make_tree(person)
    proceeding = make_proceeding(guadalajara)
    client = Client()
    client.force_login(person)
    assert tree_photo(client, tree).status_code == 201
    page = client.post(
        f"/mercado/puesto/{stall.pk}/producto/{tomato.pk}/foto/", {"photo": photo_file()}
    )
    assert page.status_code == 302
    assert contribution(client, proceeding, "Sombra en la parada").status_code == 201
    refused = tree_photo(client, tree)
    assert refused.status_code == 429
    assert refused.json() == {"code": "rate_limited", "message": MESSAGE}
    refused = contribution(client, proceeding, "Otra banqueta rota")
    assert refused.status_code == 429
    refused_page = client.post(
        f"/mercado/puesto/{stall.pk}/producto/{tomato.pk}/foto/",
        {"photo": photo_file()},
        HTTP_ACCEPT_LANGUAGE="es-MX",
    )
    assert refused_page.status_code == 429 and MESSAGE in refused_page.content.decode()
    assert TreePhoto.objects.count() == 1 and Contribution.objects.count() == 1
    # Someone else still may.
    other = Client()
    other.force_login(UserFactory())
    assert contribution(other, proceeding, "Faltan árboles aquí").status_code == 201


def test_signed_out_people_are_counted_per_address_whatever_it_forwards(guadalajara, settings):
    settings.PHOTO_UPLOADS_PER_DAY = 1
    proceeding = make_proceeding(guadalajara)
    client = Client()
    first = contribution(client, proceeding, "Sombra en la parada", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert first.status_code == 201
    again = contribution(client, proceeding, "Otra banqueta rota", HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert again.status_code == 429 and again.json()["message"] == MESSAGE
    elsewhere = contribution(client, proceeding, "Faltan árboles", REMOTE_ADDR="198.51.100.4")
    assert elsewhere.status_code == 201
