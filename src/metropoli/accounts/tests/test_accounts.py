import re

import pytest
from django.urls import reverse

from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import PASSWORD, UserFactory
from metropoli.territory.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "email": "Lucia@Example.mx",
        "display_name": "Lucía",
        "home_municipality": "",
        "preferred_language": "es-mx",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "privacy": "on",
    }
    data.update(overrides)
    return data


def test_sign_up_makes_a_citizen_of_the_home_municipality(client, guadalajara):
    response = client.post(
        reverse("accounts:signup"), signup_data(home_municipality=guadalajara.pk)
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "lucia@example.mx" and user.display_name == "Lucía"
    assert list(RoleAssignment.objects.values_list("role", "municipality")) == [
        (Role.CITIZEN, guadalajara.pk)
    ]
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_sign_up_refuses_duplicates_and_missing_consent(client, municipalities):
    UserFactory(email="lucia@example.mx")
    response = client.post(reverse("accounts:signup"), signup_data(), HTTP_ACCEPT_LANGUAGE="es-MX")
    assert response.status_code == 400
    assert "Ya existe una cuenta con este correo electrónico." in response.content.decode()
    response = client.post(
        reverse("accounts:signup"), signup_data(email="otra@example.mx", privacy="")
    )
    assert response.status_code == 400
    assert User.objects.count() == 1


def test_login_with_email_and_logout(client, municipalities):
    user = UserFactory(email="ana@example.mx")
    response = client.post(
        reverse("accounts:login"), {"username": "ana@example.mx", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_through_real_smtp(client, smtp_server, municipalities):
    user = UserFactory(email="ana@example.mx")
    response = client.post(
        reverse("accounts:password_reset"),
        {"email": "ana@example.mx"},
        HTTP_ACCEPT_LANGUAGE="es-MX",
    )
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ana@example.mx"
    assert message["Subject"].startswith("Restablece tu contraseña")
    body = message.get_content()
    link = re.search(r"http://testserver(/cuentas/contrasena/[^/\s]+/[^\s]+)", body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "otra-contraseña-muy-larga-7"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_for_unknown_address_sends_nothing(client, smtp_server, municipalities):
    response = client.post(reverse("accounts:password_reset"), {"email": "nadie@example.mx"})
    assert response.status_code == 302
    assert smtp_server.messages == []


def test_profile_edit_and_account_deletion(client, zapopan):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Nuevo nombre",
            "home_municipality": zapopan.pk,
            "preferred_language": "en",
            "email_notifications": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.email_notifications) == (
        "Nuevo nombre",
        "en",
        True,
    )
    assert RoleAssignment.objects.filter(
        user=user, role=Role.CITIZEN, municipality=zapopan
    ).exists()
    client.post(reverse("accounts:delete"))
    assert not User.objects.filter(pk=user.pk).exists()


def test_profile_needs_login(client, municipalities):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_anonymous_sign_ups_are_rate_limited(client, municipalities):
    for n in range(10):
        client.post(reverse("accounts:signup"), signup_data(email=f"p{n}@example.mx"))
        client.logout()
    response = client.post(
        reverse("accounts:signup"),
        signup_data(email="p99@example.mx"),
        HTTP_ACCEPT_LANGUAGE="es-MX",
    )
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()
    assert not User.objects.filter(email="p99@example.mx").exists()


def test_forms_require_csrf(municipalities):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 403
    assert User.objects.count() == 0
