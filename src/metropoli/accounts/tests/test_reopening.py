"""/cuentas/reabrir: a platform administrator reopens a closed account by its whole address; its
owner gets, through the outbox, a link to choose a new password. A deleted account is gone and
cannot be reopened; nothing else can be reopened either (decision 0117)."""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from metropoli.accounts import reopening
from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import PASSWORD, UserFactory, person_with
from metropoli.common.api import Forbidden
from metropoli.common.models import OutboxStatus, OutgoingEmail
from metropoli.common.testing import signed_in
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
PAGE = "/cuentas/reabrir"
NEW_PASSWORD = "Sombra-de-fresno-2026"
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture
def admin():
    return person_with(Role.PLATFORM_ADMIN, None, display_name="Ana", email="ana@example.mx")


def closed_account(**fields) -> User:
    return UserFactory(
        email="cerrada@example.mx",
        display_name="Carmen",
        is_active=False,
        activation_pending=False,
        **fields,
    )


def state(person: User) -> tuple:
    person.refresh_from_db()
    return person.is_active, person.activation_pending, person.password


def test_a_reopened_account_gets_a_link_that_works(
    admin, smtp_server, django_capture_on_commit_callbacks, caplog
):
    person = closed_account()
    client = signed_in(admin, headers=ES)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{PAGE}"' in profile
    key = KEY.search(client.get(PAGE).content.decode()).group(1)
    with (
        caplog.at_level(logging.WARNING, logger="metropoli.accounts.reopening"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        answer = client.post(PAGE, {"email": " Cerrada@Example.mx", "idempotency_key": key})
        again = client.post(PAGE, {"email": " Cerrada@Example.mx", "idempotency_key": key})
    assert answer.status_code == again.status_code == 302  # a double tap: one reopening
    page = client.get(PAGE).content.decode()
    assert "Se reabrió la cuenta de cerrada@example.mx" in page
    person.refresh_from_db()
    assert (person.is_active, person.activation_pending) == (False, True)
    assert not person.has_usable_password()  # the old password no longer opens it
    # Who reopened it and when: in the log (accounts keep no change history).
    (line,) = [r.getMessage() for r in caplog.records if "reopened" in r.getMessage()]
    assert re.fullmatch(rf"account {person.pk} reopened by {admin.pk} at \d{{4}}-.+", line)
    (row,) = OutgoingEmail.objects.all()
    assert row.to == "cerrada@example.mx" and row.status == OutboxStatus.SENT
    (message,) = smtp_server.messages
    assert " ".join(str(message["Subject"]).split()) == "Se reabrió tu cuenta en Metrópoli"
    text = message.get_content()
    assert "Ana, quien administra Metrópoli, reabrió tu cuenta" in text
    assert "El enlace sirve durante 3 días" in text
    path = re.search(r"http://[^/\s]+(/cuentas/activar/\S+)", text).group(1)
    # The owner follows the link, chooses a password and signs in with it.
    owner = Client(headers=ES)
    assert "Elige la contraseña" in owner.get(path).content.decode()
    chosen = owner.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert chosen.status_code == 302 and chosen["Location"] == reverse("accounts:profile")
    owner.logout()
    old = owner.post(
        reverse("accounts:login"), {"username": "cerrada@example.mx", "password": PASSWORD}
    )
    assert old.status_code == 200  # refused
    signed = owner.post(
        reverse("accounts:login"), {"username": "cerrada@example.mx", "password": NEW_PASSWORD}
    )
    assert signed.status_code == 302
    assert owner.get(reverse("accounts:profile")).status_code == 200
    assert Client().post(path, {}).status_code == 400  # the link is spent


def test_a_deleted_account_cannot_be_reopened(admin, django_capture_on_commit_callbacks):
    leaving = UserFactory(email="se-fue@example.mx")
    signed_in(leaving).post(reverse("accounts:delete"), {"password": PASSWORD})
    assert not User.objects.filter(email="se-fue@example.mx").exists()
    people = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_in(admin, headers=ES).post(PAGE, {"email": "se-fue@example.mx"})
    assert answer.status_code == 404
    assert "Ninguna cuenta tiene esa dirección" in answer.content.decode()
    assert User.objects.count() == people and not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("email", "status", "message"),
    [
        ("activa@example.mx", 409, "está activa: no hay nada que reabrir"),
        ("espera@example.mx", 409, "no está cerrada: espera su activación"),
        ("cerrada@example", 400, "correo electrónico válido"),
        ("", 400, "Este campo es obligatorio"),
        ("cerrada", 400, "correo electrónico válido"),
        ("%@example.mx", 404, "Ninguna cuenta tiene esa dirección"),  # no search: whole addresses
        ("x" * 250 + "@example.mx", 400, "como máximo 254"),
    ],
)
def test_only_a_closed_account_named_whole_is_reopened(admin, email, status, message):
    accounts = [
        closed_account(),
        UserFactory(email="activa@example.mx"),
        UserFactory(email="espera@example.mx", is_active=False, activation_pending=True),
    ]
    before = [state(person) for person in accounts]
    answer = signed_in(admin, headers=ES).post(PAGE, {"email": email})
    assert answer.status_code == status
    assert message in answer.content.decode()
    assert [state(person) for person in accounts] == before
    assert not OutgoingEmail.objects.exists()


def test_only_platform_administrators_reopen(guadalajara):
    person = closed_account()
    before = state(person)
    for role in (Role.MUNICIPAL_STAFF, Role.CITIZEN):
        client = signed_in(person_with(role, guadalajara), headers=ES)
        assert client.get(PAGE).status_code == 403
        refused = client.post(PAGE, {"email": "cerrada@example.mx"})
        assert refused.status_code == 403
        assert "Solo quienes administran la plataforma reabren" in refused.content.decode()
        assert f'href="{PAGE}"' not in client.get(reverse("accounts:profile")).content.decode()
    anonymous = Client().post(PAGE, {"email": "cerrada@example.mx"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/cuentas/entrar")
    with pytest.raises(Forbidden):
        reopening.reopen_account(
            reopened_by=person_with(Role.MUNICIPAL_STAFF, guadalajara), email="cerrada@example.mx"
        )
    assert state(person) == before and not OutgoingEmail.objects.exists()
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(person_with(Role.PLATFORM_ADMIN, None))
    assert csrf.post(PAGE, {"email": "cerrada@example.mx"}).status_code == 403
    assert state(person) == before


def test_reopenings_count_with_the_days_invitations(admin, settings):
    settings.INVITATIONS_PER_DAY = 1
    closed_account()
    second = UserFactory(email="otra@example.mx", is_active=False)
    client = signed_in(admin, headers=ES)
    assert client.post(PAGE, {"email": "cerrada@example.mx"}).status_code == 302
    refused = client.post(PAGE, {"email": "otra@example.mx"})
    assert refused.status_code == 429
    assert "Hoy invitaste a muchas personas" in refused.content.decode()
    second.refresh_from_db()
    assert not second.activation_pending and second.has_usable_password()
    assert OutgoingEmail.objects.count() == 1
