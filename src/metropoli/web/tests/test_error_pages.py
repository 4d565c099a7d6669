"""The app's own answers to a refused page (config/urls.py's handlers), in the visitor's
language: Django's are English."""

import pytest

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.testing import signed_in

pytestmark = pytest.mark.django_db


def test_a_refused_page_says_why_in_spanish(municipalities):
    """Django's 403 page was «403 Forbidden», in English, without the view's message."""
    client = signed_in(UserFactory())
    answer = client.get("/arbol/importar/", headers={"Accept-Language": "es-MX"})
    assert answer.status_code == 403
    page = answer.content.decode()
    assert '<html lang="es-mx">' in page and "Forbidden" not in page
    assert "Solo el personal municipal importa inventarios." in page


def test_a_bare_refusal_gets_the_general_message_in_the_visitor_language(municipalities):
    client = signed_in(UserFactory())
    answer = client.get("/arbol/sitios", headers={"Accept-Language": "es-MX"})
    assert answer.status_code == 403
    assert "No tienes permiso para hacer esto." in answer.content.decode()
    english = client.get("/arbol/sitios", headers={"Accept-Language": "en"}).content.decode()
    assert '<html lang="en">' in english and "You are not allowed to do this." in english
    answer = client.get("/arbol/sitios", headers={"Accept": "application/json"})
    assert answer.json() == {
        "code": "permission_denied",
        "message": "No tienes permiso para hacer esto.",
    }
