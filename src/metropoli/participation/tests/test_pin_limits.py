"""The touch-table PIN: wrong PINs are limited per table and per address; a forged
X-Forwarded-For does not reset the count."""

import json

import pytest

from metropoli.participation import services

from .conftest import make_proceeding

pytestmark = pytest.mark.django_db
TOO_MANY = "Demasiados intentos. Espera unos minutos y vuelve a intentarlo."


def unlock(client, slug, pin, *, peer="203.0.113.7", forged=None):
    extra = {"REMOTE_ADDR": peer, "HTTP_ACCEPT_LANGUAGE": "es-MX"}
    if forged:
        extra["HTTP_X_FORWARDED_FOR"] = forged
    return client.post(
        f"/api/participation/proceedings/{slug}/table/unlock",
        json.dumps({"pin": pin}),
        content_type="application/json",
        **extra,
    )


def test_wrong_pins_are_limited_per_table_from_any_address(client, proceeding, settings):
    settings.PARTICIPATION_PIN_FAILURES_PER_TABLE = 3
    services.set_table_pin(proceeding=proceeding, pin="4321", actor=None)
    for n in range(3):
        assert unlock(client, "prueba", f"{n:04d}", peer=f"198.51.100.{n}").status_code == 403
    refused = unlock(client, "prueba", "4321", peer="198.51.100.99")
    assert refused.status_code == 429
    assert refused.json() == {"code": "rate_limited", "message": TOO_MANY}


def test_wrong_pins_are_limited_per_address_whatever_it_forwards(client, guadalajara, settings):
    settings.PARTICIPATION_PIN_FAILURES_PER_ADDRESS = 3
    for slug in ("una", "otra"):
        services.set_table_pin(
            proceeding=make_proceeding(guadalajara, slug=slug), pin="4321", actor=None
        )
    for n in range(3):
        response = unlock(client, "una", f"{n:04d}", forged=f"10.0.0.{n}")
        assert response.status_code == 403
    assert unlock(client, "otra", "4321", forged="10.0.0.9").status_code == 429
    assert unlock(client, "otra", "4321", peer="198.51.100.1").json()["unlocked"] is True


def test_the_right_pin_does_not_use_the_limit_up(client, proceeding, settings):
    settings.PARTICIPATION_PIN_FAILURES_PER_TABLE = 1
    settings.PARTICIPATION_PIN_FAILURES_PER_ADDRESS = 1
    services.set_table_pin(proceeding=proceeding, pin="4321", actor=None)
    for _ in range(3):
        assert unlock(client, "prueba", "4321").json()["unlocked"] is True
