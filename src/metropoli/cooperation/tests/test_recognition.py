"""Networks and awards are kept by the cooperation office on the product's page, not in the
Django admin: only the office (and platform administrators) change them, refusals say what to
fix in Spanish, and nothing is stored on a refusal."""

from decimal import Decimal

import pytest

from metropoli.common.testing import signed_in
from metropoli.cooperation import office as services
from metropoli.cooperation.models import Award, NetworkMembership

pytestmark = pytest.mark.django_db

NETWORKS = "/cooperacion/redes-y-premios/"


def network_form(**overrides) -> dict:
    return {
        "network": "C40 Cities",
        "member": "Guadalajara",
        "since": "2017",
        "since_note": "",
        "focal_point": "Dirección de Medio Ambiente",
        "url": "https://www.c40.org",
        **overrides,
    }


def award_form(**overrides) -> dict:
    return {
        "name": "Premio Ciudades Sostenibles",
        "year": "2020",
        "status": "won",
        "detail": "Segundo lugar",
        "value": "150000.00",
        "currency": "mxn",
        "project": "",
        **overrides,
    }


def test_the_office_adds_corrects_and_removes_a_network(office):
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    page = client.get(NETWORKS)
    assert "Agregar una membresía en una red" in page.content.decode()
    answer = client.post(NETWORKS + "redes/nueva/", network_form())
    assert answer.status_code == 302
    network = NetworkMembership.objects.get(network="C40 Cities")
    assert (network.since, network.url) == (2017, "https://www.c40.org")
    edit = NETWORKS + f"redes/{network.pk}/"
    assert client.post(edit, network_form(since="2018")).status_code == 302
    network.refresh_from_db()
    assert network.since == 2018
    listed = client.get(NETWORKS).content.decode()
    assert f'href="{edit}"' in listed
    assert client.post(edit, {"delete": "1"}).status_code == 302
    assert not NetworkMembership.objects.exists()


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"since": "1850"}, "Escribe un año entre 1900 y 2100."),
        ({"since": "2999"}, "Escribe un año entre 1900 y 2100."),
        ({"network": "   "}, "Este campo es obligatorio."),
        ({"url": "javascript:alert(1)"}, "URL válida."),
        ({"network": "x" * 201}, "201"),
    ],
)
def test_a_bad_network_is_refused_in_spanish_and_not_stored(office, overrides, field_message):
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    answer = client.post(NETWORKS + "redes/nueva/", network_form(**overrides))
    assert answer.status_code == 400
    assert field_message in answer.content.decode()
    assert not NetworkMembership.objects.exists()


def test_a_membership_cannot_start_next_year(office):
    from django.utils import timezone

    next_year = str(timezone.localdate().year + 1)
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    answer = client.post(NETWORKS + "redes/nueva/", network_form(since=next_year))
    assert answer.status_code == 400
    assert "Una membresía no puede empezar después de este año." in answer.content.decode()


def test_the_same_network_twice_is_refused(office):
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    assert client.post(NETWORKS + "redes/nueva/", network_form()).status_code == 302
    again = client.post(NETWORKS + "redes/nueva/", network_form(member="Zapopan"))
    assert again.status_code == 400
    assert NetworkMembership.objects.count() == 1


def test_an_award_with_its_value(office, pimus):
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    answer = client.post(NETWORKS + "premios/nuevo/", award_form(project=str(pimus.pk)))
    assert answer.status_code == 302
    award = Award.objects.get()
    assert (award.currency, award.value, award.project) == ("MXN", Decimal("150000.00"), pimus)
    listed = client.get(NETWORKS).content.decode()
    assert "Premio Ciudades Sostenibles" in listed and "150,000.00" in listed


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"currency": "XYZ"}, "no es una clave de moneda ISO 4217"),
        ({"currency": ""}, "no es una clave de moneda ISO 4217"),
        ({"value": "", "currency": "MXN"}, "Indica el monto, o deja la moneda vacía."),
        ({"value": "-5"}, "no puede ser negativo"),
        ({"value": "NaN"}, "un número."),
        ({"value": "1e309"}, "14 dígitos"),
        ({"year": "0"}, "Escribe un año entre 1900 y 2100."),
        ({"status": "maybe"}, "opción válida"),
    ],
)
def test_a_bad_award_is_refused_in_spanish_and_not_stored(office, overrides, message):
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    answer = client.post(NETWORKS + "premios/nuevo/", award_form(**overrides))
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Award.objects.exists()


def test_a_refused_correction_leaves_the_stored_award_as_it_was(office):
    award = services.save_award(
        by=None, name="Premio", year=2019, status="applied", detail="", currency="", value=None,
        project=None,
    )  # fmt: skip
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    answer = client.post(NETWORKS + f"premios/{award.pk}/", award_form(name="Otro", year="1700"))
    assert answer.status_code == 400
    award.refresh_from_db()
    assert (award.name, award.year) == ("Premio", 2019)


@pytest.mark.parametrize("who", ["citizen", "staff_here", "staff_elsewhere"])
def test_only_the_office_changes_networks_and_awards(client, people, who):
    network = services.save_network(by=None, network="ICLEI", member="IMEPLAN")
    person = signed_in(people[who], HTTP_ACCEPT_LANGUAGE="es")
    assert "Agregar una membresía" not in person.get(NETWORKS).content.decode()
    for path in ("redes/nueva/", f"redes/{network.pk}/", "premios/nuevo/"):
        assert person.get(NETWORKS + path).status_code == 403
    refused = person.post(NETWORKS + f"redes/{network.pk}/", {"delete": "1"})
    assert refused.status_code == 403
    assert "oficina de cooperación" in refused.content.decode()
    assert NetworkMembership.objects.filter(pk=network.pk).exists()
    anonymous = client.get(NETWORKS + "premios/nuevo/")
    assert anonymous.status_code == 302 and "/cuentas/entrar" in anonymous["Location"]


def test_the_admin_of_the_platform_may_too(people):
    person = signed_in(people["admin"])
    assert person.post(NETWORKS + "redes/nueva/", network_form()).status_code == 302
