import re

import pytest
from django.test import Client
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


def without_csrf_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def activation_path(message) -> str:
    return re.search(r"http://[^/\s]+(/cuentas/activar/\S+)", message.get_content()).group(1)


def test_sign_up_makes_a_citizen_who_activates_the_account_from_the_e_mail(
    client, guadalajara, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"), signup_data(home_municipality=guadalajara.pk)
        )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get()
    assert user.email == "lucia@example.mx" and user.display_name == "Lucía"
    assert (user.is_active, user.activation_pending) == (False, True)
    assert list(RoleAssignment.objects.values_list("role", "municipality")) == [
        (Role.CITIZEN, guadalajara.pk)
    ]
    # Not logged in, and the password does not open the account before activation.
    assert client.get(reverse("accounts:profile")).status_code == 302
    refused = client.post(
        reverse("accounts:login"), {"username": "lucia@example.mx", "password": PASSWORD}
    )
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    [message] = smtp_server.messages
    assert message["To"] == "lucia@example.mx"
    assert message["Subject"] == "Activa tu cuenta en Metrópoli"
    link = activation_path(message)
    # Opening the link (a mail scanner does) changes nothing; the button activates.
    assert "Activar mi cuenta" in client.get(link).content.decode()
    assert User.objects.get().is_active is False
    assert client.post(link).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert (user.is_active, user.activation_pending) == (True, False)
    assert client.get(reverse("accounts:profile")).status_code == 200
    # The link is spent.
    client.logout()
    assert client.post(link).status_code == 400
    assert "_auth_user_id" not in client.session


def test_sign_up_does_not_reveal_that_an_address_has_an_account(
    client, municipalities, smtp_server, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="lucia@example.mx", display_name="Lucía Pérez")
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(
            reverse("accounts:signup"),
            signup_data(
                email="LUCIA@example.mx", password1="otra-clave-9", password2="otra-clave-9"
            ),
            follow=True,
        )
        new = client.post(
            reverse("accounts:signup"), signup_data(email="nueva@example.mx"), follow=True
        )
    assert taken.redirect_chain == new.redirect_chain == [(reverse("accounts:signup_sent"), 302)]
    assert without_csrf_token(taken) == without_csrf_token(new)
    # Nothing changed for the owner; they are told someone tried, in their language.
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and owner.display_name == "Lucía Pérez"
    assert User.objects.filter(email__iexact="lucia@example.mx").count() == 1
    warning, activation = smtp_server.messages
    assert warning["To"] == "lucia@example.mx"
    assert warning["Subject"].strip() == "Alguien intentó registrarse en Metrópoli con tu correo"
    assert "/cuentas/contrasena" in warning.get_content()
    assert "/cuentas/activar/" not in warning.get_content()
    assert activation["To"] == "nueva@example.mx"


def test_signing_up_again_before_activation_sends_the_link_again(
    client, municipalities, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), signup_data())
        client.post(reverse("accounts:signup"), signup_data())
    first, second = smtp_server.messages
    assert first["Subject"] == second["Subject"] == "Activa tu cuenta en Metrópoli"
    assert User.objects.count() == 1
    assert client.post(activation_path(second)).status_code == 302
    assert User.objects.get().is_active


def test_an_activation_link_does_not_reactivate_a_blocked_account(client, municipalities):
    from metropoli.accounts.services import activation_link

    blocked = UserFactory(is_active=False)
    link = activation_link(blocked).split("testserver", 1)[-1].split("localhost:8000", 1)[-1]
    assert client.post(link).status_code == 400
    assert client.get("/cuentas/activar/abc/def").status_code == 400
    blocked.refresh_from_db()
    assert blocked.is_active is False


def test_sign_up_refuses_missing_consent(client, municipalities):
    response = client.post(
        reverse("accounts:signup"), signup_data(email="otra@example.mx", privacy="")
    )
    assert response.status_code == 400
    assert User.objects.count() == 0


def test_login_with_email_and_logout(client, municipalities):
    user = UserFactory(email="ana@example.mx")
    response = client.post(
        reverse("accounts:login"), {"username": "ana@example.mx", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)  # the outbox sends after commit
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
    client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert not User.objects.filter(pk=user.pk).exists()


def test_deleting_an_account_asks_for_its_password(client, municipalities, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    user = UserFactory(email="borrar@example.mx")
    client.force_login(user)
    page = client.get(reverse("accounts:delete"), headers={"Accept-Language": "es-MX"})
    assert 'autocomplete="current-password"' in page.content.decode()
    # No password, or a wrong one: nothing is deleted, and the page says why.
    assert client.post(reverse("accounts:delete")).status_code == 200
    wrong = client.post(
        reverse("accounts:delete"), {"password": "no-es-esta"}, headers={"Accept-Language": "es-MX"}
    )
    assert wrong.status_code == 200 and "Esa no es tu contraseña." in wrong.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    # Wrong passwords count with log-in's: the form is no way around its limit.
    for _ in range(2):
        client.post(reverse("accounts:delete"), {"password": "otra-mala"})
    limited = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert limited.status_code == 429
    assert User.objects.filter(pk=user.pk).exists()
    login = Client().post(
        reverse("accounts:login"), {"username": "borrar@example.mx", "password": PASSWORD}
    )
    assert login.status_code == 429


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


def test_an_account_activated_by_hand_gets_the_warning_not_a_link(
    client, municipalities, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), signup_data())
    link = activation_path(smtp_server.messages[0])
    User.objects.update(is_active=True)  # an administrator ticked «active» in the admin
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), signup_data())
    assert "/cuentas/activar/" not in smtp_server.messages[1].get_content()
    assert client.post(link).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_of_one_address_at_the_same_moment_answer_alike(client):
    """The second sign-up looked for the address before the first committed, then met the
    first's row on the unique index: the same page as for any existing account, not a 500."""
    import threading
    import time

    from django.db import connection, connections, transaction

    first_saved = threading.Event()
    let_first_commit = threading.Event()

    def first():
        try:
            with transaction.atomic():
                UserFactory(email="lucia@example.mx")
                first_saved.set()
                let_first_commit.wait(10)
        finally:
            connections["default"].close()

    other = threading.Thread(target=first)
    other.start()
    assert first_saved.wait(10)
    answers = []

    def again():
        try:
            answers.append(client.post(reverse("accounts:signup"), signup_data()))
        finally:
            connections["default"].close()

    second = threading.Thread(target=again)
    second.start()
    # Commit the first only once the second waits for it on the unique index.
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the second sign-up never waited for the first")
    let_first_commit.set()
    other.join(10)
    second.join(10)
    assert answers[0].status_code == 302
    assert answers[0]["Location"] == reverse("accounts:signup_sent")
    assert User.objects.filter(email="lucia@example.mx").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_asked_while_the_mail_server_is_down_arrives_later(
    client, smtp_server, municipalities, settings
):
    from django.utils import timezone

    from metropoli.common.models import OutgoingEmail
    from metropoli.common.outbox import deliver

    UserFactory(email="ana@example.mx")
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    response = client.post(reverse("accounts:password_reset"), {"email": "ana@example.mx"})
    assert response.status_code == 302
    waiting = OutgoingEmail.objects.get(to="ana@example.mx")
    assert waiting.attempts == 1 and "/cuentas/contrasena/" in waiting.body
    settings.EMAIL_PORT = server_port
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    assert deliver.call(waiting.pk) == "sent"
    assert [m["To"] for m in smtp_server.messages] == ["ana@example.mx"]
