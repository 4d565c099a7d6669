"""The market list page: the list works without JavaScript and feeds the map its points."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def test_market_list_carries_the_points_of_the_map(client, market, stall, tomato):
    page = client.get("/mercado/").content.decode()
    # The list (no JavaScript needed) links the market; the map's data names the same page.
    assert '<a href="/mercado/libertad/">Mercado Libertad</a>' in page
    points = json.loads(
        re.search(r'<script id="market-points" type="application/json">(.*?)</script>', page).group(
            1
        )
    )
    assert points["features"] == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-103.339, 20.674]},
            "properties": {
                "slug": "libertad",
                "name": "Mercado Libertad",
                "address": "Calzada Independencia Sur, Guadalajara",
                "url": "/mercado/libertad/",
            },
        }
    ]
    # The map and its "show on the map" buttons are there, the buttons hidden until it works.
    assert 'id="markets-map"' in page and "markets/markets-map.js" in page
    assert 'data-show-market="libertad" hidden' in page
