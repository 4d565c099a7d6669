"""Log-in (site and admin), password reset and sign-up are rate-limited per account or e-mail and
per address; a forged X-Forwarded-For does not reset a count (no trusted proxy is configured)."""

import pytest
from django.urls import reverse

from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import PASSWORD, UserFactory

from .test_accounts import signup_data

pytestmark = pytest.mark.django_db
TOO_MANY = "Demasiados intentos. Espera unos minutos y vuelve a intentarlo."


def log_in(client, email, password, *, url=None, peer="203.0.113.7", forged=None):
    extra = {"REMOTE_ADDR": peer, "HTTP_ACCEPT_LANGUAGE": "es-MX"}
    if forged:
        extra["HTTP_X_FORWARDED_FOR"] = forged
    return client.post(
        url or reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def test_wrong_passwords_are_limited_per_account_from_any_address(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    UserFactory(email="ana@example.mx")
    other = UserFactory(email="beto@example.mx")
    for n in range(3):
        assert log_in(client, "ana@example.mx", "mala", peer=f"198.51.100.{n}").status_code == 200
    refused = log_in(client, "ana@example.mx", PASSWORD, peer="198.51.100.99")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert refused["Retry-After"].isdigit()
    assert "_auth_user_id" not in client.session
    # Other accounts are not affected.
    assert log_in(client, "beto@example.mx", PASSWORD).status_code == 302
    assert int(client.session["_auth_user_id"]) == other.pk


def test_wrong_passwords_are_limited_per_address_whatever_it_forwards(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        response = log_in(client, f"p{n}@example.mx", "mala", forged=f"10.0.0.{n}")
        assert response.status_code == 200
    refused = log_in(client, "p9@example.mx", "mala", forged="10.0.0.99")
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    # Another address still may try.
    assert log_in(client, "p9@example.mx", "mala", peer="198.51.100.1").status_code == 200


def test_right_passwords_do_not_use_the_limit_up(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_FAILURES_PER_ADDRESS = 2
    UserFactory(email="ana@example.mx")
    for _ in range(4):
        assert log_in(client, "ana@example.mx", PASSWORD).status_code == 302
        client.logout()
    assert log_in(client, "ana@example.mx", "mala").status_code == 200


def test_the_admin_log_in_is_limited_too(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    admin = UserFactory(email="admin@example.mx", is_staff=True, is_superuser=True)
    for n in range(3):
        response = log_in(
            client, "admin@example.mx", "mala", url="/admin/login/", forged=f"10.0.0.{n}"
        )
        assert response.status_code == 200
    refused = log_in(client, "admin@example.mx", PASSWORD, url="/admin/login/", forged="1.1.1.1")
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # The site's log-in shares the count.
    assert log_in(client, "admin@example.mx", PASSWORD).status_code == 429
    settings.LOGIN_FAILURES_PER_ACCOUNT = 10
    assert log_in(client, "admin@example.mx", PASSWORD, url="/admin/login/").status_code == 302
    assert int(client.session["_auth_user_id"]) == admin.pk


def reset(client, email, *, peer="203.0.113.7", forged=None):
    extra = {"REMOTE_ADDR": peer, "HTTP_ACCEPT_LANGUAGE": "es-MX"}
    if forged:
        extra["HTTP_X_FORWARDED_FOR"] = forged
    return client.post(reverse("accounts:password_reset"), {"email": email}, **extra)


@pytest.mark.django_db(transaction=True)  # the outbox sends after commit
def test_password_resets_are_limited_per_address(client, settings, smtp_server):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    UserFactory(email="ana@example.mx")
    codes = [reset(client, "ana@example.mx", forged=f"10.0.0.{n}").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert TOO_MANY in reset(client, "otra@example.mx", forged="1.1.1.1").content.decode()
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_password_resets_are_limited_per_e_mail_whether_or_not_it_has_an_account(
    client, settings, smtp_server
):
    settings.PASSWORD_RESETS_PER_EMAIL = 2
    UserFactory(email="ana@example.mx")
    for email in ("ana@example.mx", "nadie@example.mx"):
        codes = [reset(client, email, peer=f"198.51.100.{n}").status_code for n in range(3)]
        assert codes == [302, 302, 429], email
    assert [m["To"] for m in smtp_server.messages] == ["ana@example.mx", "ana@example.mx"]


def test_sign_ups_are_limited_per_address_whatever_it_forwards(client, settings):
    settings.SIGNUPS_PER_ADDRESS = 2
    for n in range(2):
        response = client.post(
            reverse("accounts:signup"),
            signup_data(email=f"p{n}@example.mx"),
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        assert response.status_code == 302
    refused = client.post(
        reverse("accounts:signup"),
        signup_data(email="p9@example.mx"),
        HTTP_X_FORWARDED_FOR="10.0.0.9",
        HTTP_ACCEPT_LANGUAGE="es-MX",
    )
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert not User.objects.filter(email="p9@example.mx").exists()
