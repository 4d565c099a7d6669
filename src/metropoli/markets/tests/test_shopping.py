"""The cart adds up and edits quantities; only selling markets are listed; one search finds
products and markets across markets, accents ignored; quantities read in Spanish."""

from decimal import Decimal

import pytest
from django.utils import translation

from metropoli.markets.models import Stall
from metropoli.markets.quantities import format_quantity, unit_name

from .conftest import make_market, make_product

pytestmark = pytest.mark.django_db


def cart_quantity(client, product) -> str:
    return client.session["markets_carts"]["libertad"][str(product.pk)]["q"]


def test_agregar_adds_to_what_the_cart_holds_and_says_so(client, market, tomato):
    client.post("/mercado/libertad/agregar/", {"product": tomato.pk, "quantity": "1"})
    response = client.post(
        "/mercado/libertad/agregar/", {"product": tomato.pk, "quantity": "0.5"}, follow=True
    )
    assert Decimal(cart_quantity(client, tomato)) == Decimal("1.5")
    assert "Jitomate saladet: se sumaron 0.5 kg; ahora hay 1.5 kg en el carrito." in (
        response.content.decode()
    )


def test_adding_past_the_most_per_order_keeps_the_cart(client, market, tomato):
    client.post("/mercado/libertad/agregar/", {"product": tomato.pk, "quantity": "49"})
    response = client.post(
        "/mercado/libertad/agregar/", {"product": tomato.pk, "quantity": "2"}, follow=True
    )
    assert Decimal(cart_quantity(client, tomato)) == Decimal("49")
    assert "51 kg es más de lo que permite un pedido" in response.content.decode()


def test_cart_quantities_are_edited_all_or_nothing(client, market, tomato, cilantro):
    for product in (tomato, cilantro):
        client.post("/mercado/libertad/agregar/", {"product": product.pk, "quantity": "1"})
    url = "/mercado/libertad/carrito/cambiar/"
    bad = client.post(
        url, {"update_quantities": "1", f"q_{tomato.pk}": "2", f"q_{cilantro.pk}": "0.5"}
    )
    assert bad.status_code == 400
    assert "Cilantro: 0.5 no es múltiplo de 1 manojo" in bad.content.decode()
    assert Decimal(cart_quantity(client, tomato)) == Decimal("1")
    client.post(url, {"update_quantities": "1", f"q_{tomato.pk}": "2", f"q_{cilantro.pk}": "0"})
    cart = client.session["markets_carts"]["libertad"]
    assert list(cart) == [str(tomato.pk)] and Decimal(cart[str(tomato.pk)]["q"]) == 2


def test_only_markets_that_sell_are_listed(client, guadalajara, market, tomato):
    empty = make_market(guadalajara, slug="corona", name="Mercado Corona")
    Stall.objects.create(market=empty, name="Sin productos", giro="Flores")
    page = client.get("/mercado/").content.decode()
    assert "Mercado Libertad" in page and "Mercado Corona" not in page


def test_search_across_markets_ignores_accents(client, guadalajara, market, tomato):
    other = make_market(guadalajara, slug="alcalde", name="Mercado Alcalde")
    stall = Stall.objects.create(market=other, name="Frutas Chayo", giro="Frutas")
    make_product(stall, "Limón persa")
    page = client.get("/mercado/buscar/", {"q": "LIMON"}).content.decode()
    assert "Limón persa" in page and "Mercado Alcalde" in page and "Jitomate" not in page
    page = client.get("/mercado/buscar/", {"q": "libertad"}).content.decode()
    assert 'href="/mercado/libertad/"' in page and "Jitomate saladet" in page


@pytest.mark.parametrize(
    ("amount", "unit", "spanish", "english"),
    [
        ("2", "bunch", "2 manojos", "2 bunches"),
        ("1", "piece", "1 pieza", "1 piece"),
        ("1.000", "piece", "1 pieza", "1 piece"),
        ("0.5", "kg", "0.5 kg", "0.5 kg"),
        ("1.5", "litre", "1.5 L", "1.5 L"),
        ("3", "piece", "3 piezas", "3 pieces"),
    ],
)
def test_quantities_in_spanish_and_english(amount, unit, spanish, english):
    with translation.override("es-mx"):
        assert format_quantity(Decimal(amount), unit) == spanish
    with translation.override("en"):
        assert format_quantity(Decimal(amount), unit) == english


def test_unit_names_follow_the_amount():
    with translation.override("es-mx"):
        assert [unit_name("bunch", n) for n in (1, 2)] == ["manojo", "manojos"]
