"""Layer versions: what tile URLs pin, ETags and "immutable" answers are made of (maps/views.py).
Tiles are not kept by the app; the HTTP cache in front keeps them (tests/test_stack.py)."""

import pytest
from django.test import Client

from metropoli.maps import versions

pytestmark = pytest.mark.django_db


def test_versions_start_at_zero_and_rise(django_capture_on_commit_callbacks):
    assert versions.current("example") == 0
    versions.bump("example")
    with django_capture_on_commit_callbacks(execute=True):
        versions.changed("example")
    assert versions.current("example") == 2


def test_layers_without_a_version_have_no_etag(municipalities):
    response = Client().get("/tiles/municipalities/8/55/112.pbf")
    assert response.status_code == 200
    assert "ETag" not in response


def test_a_remembered_version_is_used_until_a_newer_one_is_pinned(settings):
    settings.METROPOLI_TILE_VERSION_SECONDS = 60
    versions.bump("example")
    assert versions.current_at_least("example") == 1
    versions.bump("example")
    assert versions.current_at_least("example") == 1  # remembered: no query
    assert versions.current_at_least("example", wanted=1) == 1
    assert versions.current_at_least("example", wanted=2) == 2  # a page pinned a newer one
    settings.METROPOLI_TILE_VERSION_SECONDS = 0
    versions.bump("example")
    assert versions.current_at_least("example") == 3


def test_every_request_renders_and_a_pinned_version_names_the_etag(
    settings, municipalities, django_capture_on_commit_callbacks
):
    from metropoli.trees.tests.factories import GDL, make_tree

    settings.METROPOLI_TILE_VERSION_SECONDS = 60
    url = "/tiles/trees/16/{}/{}.pbf".format(*_xy(GDL, 16))
    empty = Client().get(url)
    assert empty.status_code == 200 and empty.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        make_tree(None)
    # No tile is kept in the app: the new tree is there at once, even unpinned.
    unpinned = Client().get(url)
    assert unpinned.content != b""
    assert unpinned["ETag"] == empty["ETag"]  # the version remembered for a minute
    pinned = Client().get(f"{url}?v={versions.current('trees')}")
    assert pinned.content == unpinned.content
    assert pinned["ETag"].startswith(f'"trees-{versions.current("trees")}-')


@pytest.mark.parametrize("pin", ["²", "١٢٣", "9" * 5000, "-1", "abc"])
def test_a_version_that_is_no_number_pins_nothing(municipalities, pin):
    """A version of «²» passed str.isdigit() and then broke int(): the tile answered 500."""
    from metropoli.trees.tests.factories import GDL

    url = "/tiles/trees/16/{}/{}.pbf".format(*_xy(GDL, 16))
    answer = Client().get(url, {"v": pin})
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "public, max-age=30"


def _xy(lonlat, z):
    from metropoli.maps.tiles import tile_for_lonlat

    tile = tile_for_lonlat(*lonlat, z)
    return tile.x, tile.y


def test_a_tile_url_pinning_an_existing_version_is_immutable_and_others_are_not(
    municipalities, django_capture_on_commit_callbacks
):
    from metropoli.trees.tests.factories import GDL, make_tree

    with django_capture_on_commit_callbacks(execute=True):
        make_tree(None)
    version = versions.current("trees")
    url = "/tiles/trees/16/{}/{}.pbf".format(*_xy(GDL, 16))
    pinned = Client().get(f"{url}?v={version}")
    assert pinned.status_code == 200 and pinned.content != b""
    assert pinned["Cache-Control"] == "public, max-age=31536000, immutable"
    older = Client().get(f"{url}?v={version - 1}")  # shows data at least that new: kept too
    assert older["Cache-Control"] == "public, max-age=31536000, immutable"
    # Not pinned, or pinning a version nobody wrote yet (it will mean newer data): short-lived.
    assert Client().get(url)["Cache-Control"] == "public, max-age=30"
    assert Client().get(f"{url}?v={version + 1}")["Cache-Control"] == "public, max-age=30"
    revalidated = Client().get(f"{url}?v={version}", HTTP_IF_NONE_MATCH=pinned["ETag"])
    assert revalidated.status_code == 304
    assert revalidated["Cache-Control"] == "public, max-age=31536000, immutable"
