"""A person registers their airRohr sensor from the phone and reads the firmware settings."""

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory
from metropoli.sensors.models import Sensor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_sensor_with_the_phone_location_and_read_the_setup_guide(
    live_server, page_factory, municipalities
):
    person = UserFactory()
    client = Client()
    client.force_login(person)
    page = page_factory(
        locale="es-MX",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 20.6767, "longitude": -103.3475},
        permissions=["geolocation"],
    )
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(live_server.url + "/arbol/sensores/registrar/")
    page.get_by_label("Identificador del sensor").fill("esp8266-3912953")
    page.get_by_label("Nombre (opcional)").fill("Azotea de la casa")
    page.get_by_role("button", name="Usar la ubicación de mi teléfono").click()
    page.get_by_text("Ubicación establecida.").wait_for()
    assert page.get_by_label("Latitud").input_value() == "20.676700"
    page.get_by_role("button", name="Registrar", exact=True).click()

    assert page.get_by_role("heading", level=1).inner_text() == "Configurar el firmware"
    assert page.locator("#guide-server").inner_text() == "localhost"
    assert page.locator("#guide-path").inner_text() == "/api/sensors/airrohr"
    assert page.locator("#guide-user").inner_text() == "esp8266-3912953"
    password = page.locator("#guide-password").inner_text()
    assert len(password) == 24
    sensor = Sensor.objects.get()
    assert sensor.owner == person
    assert sensor.municipality.inegi_code == "14039"
