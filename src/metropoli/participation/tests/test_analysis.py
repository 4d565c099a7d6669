import math

from hypothesis import given
from hypothesis import strategies as st

from metropoli.common.geo import lonlat_to_mercator
from metropoli.participation.analysis import hexbins, words


def test_points_close_together_share_a_hexagon():
    bins = hexbins.hexbin([(-103.35, 20.67), (-103.35001, 20.67001), (-103.30, 20.70)], size_m=250)
    assert [b.count for b in bins] == [2, 1]
    assert len(bins[0].outline) == 7 and bins[0].outline[0] == bins[0].outline[-1]


@given(
    st.floats(min_value=-179, max_value=179),
    st.floats(min_value=-80, max_value=80),
    st.floats(min_value=50, max_value=5000),
)
def test_a_point_lies_within_its_hexagon(lon, lat, size):
    x, y = lonlat_to_mercator(lon, lat)
    q, r = hexbins.hex_of(x, y, size)
    cx, cy = hexbins.hex_centre(q, r, size)
    # Inside a hexagon every point is at most one circumradius from the centre.
    assert math.hypot(x - cx, y - cy) <= size * 1.0000001


def test_spanish_word_frequencies_drop_stop_words_and_links():
    texts = [
        "Faltan árboles en la banqueta y no hay sombra",
        "Más sombra para la parada, por favor: https://ejemplo.mx/sombra",
        "Los árboles de la calle están secos",
    ]
    assert words.word_frequencies(texts, limit=3) == [
        ("sombra", 2),
        ("árboles", 2),
        ("banqueta", 1),
    ]
    assert "más" in words.stop_words() and "mas" in words.stop_words()


def test_accents_are_stripped_but_not_enie():
    assert words.strip_accents("árbol señal") == "arbol señal"
