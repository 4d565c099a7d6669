"""/cuentas/roles/plataforma: platform administrators name and take out one another on the
product's page, not in the Django admin; the platform never has no active administrator, and
nobody takes their own role away (decision 0117)."""

import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from metropoli.accounts import invitations
from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import PASSWORD, UserFactory, person_with
from metropoli.common.api import Forbidden
from metropoli.common.errors import DomainError
from metropoli.common.models import OutboxStatus, OutgoingEmail
from metropoli.common.testing import run_in_parallel, signed_in
from metropoli.territory import services
from metropoli.territory.errors import TerritoryErrorCode
from metropoli.territory.models import Role, RoleAssignment
from metropoli.territory.selectors import platform_administrators

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
PAGE = "/cuentas/roles/plataforma"
NEW_PASSWORD = "Sombra-de-fresno-2026"


def remove_path(person) -> str:
    return f"{PAGE}/{person.pk}/quitar"


def holds_role(person) -> bool:
    return RoleAssignment.objects.filter(
        user=person, role=Role.PLATFORM_ADMIN, municipality=None
    ).exists()


def active_administrators() -> set[str]:
    return set(platform_administrators().filter(is_active=True).values_list("email", flat=True))


def test_only_platform_administrators_reach_the_page_and_its_writes(guadalajara):
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    admin = person_with(Role.PLATFORM_ADMIN, None, email="admin@example.mx")
    UserFactory(email="activa@example.mx")
    people_before = User.objects.count()
    for role in (Role.MUNICIPAL_STAFF, Role.CITIZEN):
        client = signed_in(person_with(role, guadalajara), headers=ES)
        people_before += 1
        page = client.get(PAGE)
        assert page.status_code == 403
        assert "Solo quienes administran la plataforma" in page.content.decode()
        assert client.post(PAGE, {"email": "activa@example.mx"}).status_code == 403
        assert client.post(remove_path(admin)).status_code == 403
        assert PAGE not in client.get(reverse("accounts:profile")).content.decode()
    anonymous = Client().get(PAGE)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/cuentas/entrar")
    assert Client().post(remove_path(admin)).status_code == 302
    assert active_administrators() == {"admin@example.mx"}
    assert User.objects.count() == people_before and not OutgoingEmail.objects.exists()
    # The services check it themselves, whatever page calls them.
    with pytest.raises(Forbidden):
        invitations.give_role(
            granted_by=staff,
            email="nueva@example.mx",
            display_name="Nueva",
            invite=True,
            role=Role.PLATFORM_ADMIN,
            municipality=None,
        )
    with pytest.raises(Forbidden):
        services.revoke_role(
            revoked_by=staff, user=admin, role=Role.PLATFORM_ADMIN, municipality=None
        )
    assert User.objects.count() == people_before and holds_role(admin)
    # Platform administrators find the page from their profile and from the roles page; a
    # Django superuser without the role is one too.
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for person in (admin, superuser):
        client = signed_in(person, headers=ES)
        assert f'href="{PAGE}"' in client.get(reverse("accounts:profile")).content.decode()
        assert f'href="{PAGE}"' in client.get(reverse("accounts:roles")).content.decode()
        assert client.get(PAGE).status_code == 200


def test_an_active_account_is_added_and_taken_out(guadalajara):
    admin = signed_in(
        person_with(Role.PLATFORM_ADMIN, None, display_name="Ana", email="ana@example.mx"),
        headers=ES,
    )
    rosa = UserFactory(email="rosa@example.mx", display_name="Rosa")
    page = admin.get(PAGE).content.decode()
    assert "Quienes administran la plataforma" in page and "eres tú" in page
    assert remove_path(User.objects.get(email="ana@example.mx")) not in page  # not oneself
    answer = admin.post(PAGE, {"email": " ROSA@example.mx"}, follow=True)
    assert "Rosa ahora administra la plataforma." in answer.content.decode()
    held = RoleAssignment.objects.get(user=rosa, role=Role.PLATFORM_ADMIN)
    assert held.municipality is None and held.granted_by.email == "ana@example.mx"
    assert not OutgoingEmail.objects.exists()  # an active account is not invited
    # Rosa is one now: the municipalities, every municipality's roles, this page.
    rosa_client = signed_in(rosa)
    assert rosa_client.get("/territorio/municipios/").status_code == 200
    assert rosa_client.get(PAGE).status_code == 200
    assert remove_path(rosa) in admin.get(PAGE).content.decode()
    # Added twice: still one role.
    admin.post(PAGE, {"email": "rosa@example.mx"})
    assert RoleAssignment.objects.filter(user=rosa, role=Role.PLATFORM_ADMIN).count() == 1
    taken = admin.post(remove_path(rosa), follow=True)
    assert "Rosa ya no administra la plataforma." in taken.content.decode()
    assert not holds_role(rosa)
    assert signed_in(rosa).get(PAGE).status_code == 403
    again = admin.post(remove_path(rosa), follow=True)
    assert "Esa persona no administra la plataforma; no cambió nada." in again.content.decode()
    assert admin.get(remove_path(rosa)).status_code == 405


def test_a_new_address_is_invited_and_administers_once_it_opens_the_account(
    smtp_server, django_capture_on_commit_callbacks
):
    ana = person_with(Role.PLATFORM_ADMIN, None, display_name="Ana", email="ana@example.mx")
    admin = signed_in(ana, headers=ES)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', admin.get(PAGE).content.decode())
    data = {"email": "nueva@example.mx", "display_name": "Nueva", "how": "invite"}
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin.post(PAGE, {**data, "idempotency_key": key.group(1)})
        admin.post(PAGE, {**data, "idempotency_key": key.group(1)})  # a double tap
    assert answer.status_code == 302
    page = admin.get(PAGE).content.decode()
    assert "Nueva ahora administra la plataforma." in page
    assert "Se envió la invitación a nueva@example.mx" in page
    assert "invitación pendiente" in page
    person = User.objects.get(email="nueva@example.mx")
    assert (person.is_active, person.activation_pending) == (False, True) and holds_role(person)
    # Invited, not active: not counted among those who keep the platform administered.
    assert active_administrators() == {"ana@example.mx"}
    (row,) = OutgoingEmail.objects.all()
    assert row.to == "nueva@example.mx" and row.status == OutboxStatus.SENT
    (message,) = smtp_server.messages
    assert " ".join(str(message["Subject"]).split()) == (
        "Te invitan a administrar la plataforma en Metrópoli"
    )
    assert "Ana te invita a administrar la plataforma en Metrópoli" in message.get_content()
    path = re.search(r"http://[^/\s]+(/cuentas/activar/\S+)", message.get_content()).group(1)
    newcomer = Client(headers=ES)
    opened = newcomer.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert opened.status_code == 302
    newcomer.logout()
    signed = newcomer.post(
        reverse("accounts:login"), {"username": "nueva@example.mx", "password": NEW_PASSWORD}
    )
    assert signed.status_code == 302
    assert newcomer.get(PAGE).status_code == 200
    assert "nueva@example.mx" in active_administrators()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "nadie@example.mx"}, "Nadie tiene una cuenta activa con esa dirección"),
        ({"email": "no es un correo"}, "correo electrónico válido"),
        ({"email": ""}, "Este campo es obligatorio"),
        ({"email": "nueva@example.mx", "display_name": "x" * 81}, "como máximo 80 caracteres"),
        ({"email": "cerrada@example.mx", "display_name": "Cerrada"}, "está cerrada"),
        ({"email": "nueva@example.mx", "idempotency_key": "k" * 81}, "El formulario está dañado"),
    ],
)
def test_bad_input_is_refused_with_nothing_stored(fields, message):
    admin = signed_in(person_with(Role.PLATFORM_ADMIN, None), headers=ES)
    UserFactory(email="cerrada@example.mx", is_active=False)
    people = User.objects.count()
    answer = admin.post(PAGE, fields)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert User.objects.count() == people
    assert RoleAssignment.objects.filter(role=Role.PLATFORM_ADMIN).count() == 1
    assert not OutgoingEmail.objects.exists()


def test_nobody_takes_their_own_role_and_the_last_one_stays():
    ana = person_with(Role.PLATFORM_ADMIN, None, email="ana@example.mx")
    admin = signed_in(ana, headers=ES)
    refused = admin.post(remove_path(ana))
    assert refused.status_code == 409
    assert "No puedes quitarte tu propio rol" in refused.content.decode()
    assert holds_role(ana)
    # An administrator whose account was closed, or who was invited and never came, does not
    # keep the platform administered: the last active one stays, whoever asks.
    closed = person_with(Role.PLATFORM_ADMIN, None, email="cerrada@example.mx", is_active=False)
    with pytest.raises(DomainError) as last:
        services.revoke_role(revoked_by=ana, user=ana, role=Role.PLATFORM_ADMIN, municipality=None)
    assert last.value.code == TerritoryErrorCode.NOT_YOURSELF
    assert "cerrada@example.mx" not in admin.get(PAGE).content.decode()  # closed: not listed
    with pytest.raises(DomainError) as last:
        services.keep_a_platform_administrator(leaving=ana)
    assert last.value.code == TerritoryErrorCode.LAST_PLATFORM_ADMIN
    services.keep_a_platform_administrator(leaving=closed)  # not one who counts: nothing to keep
    # One invited who never opened the account does not count either, and may be taken out.
    invited = person_with(Role.PLATFORM_ADMIN, None, email="invitada@example.mx", is_active=False)
    invited.activation_pending = True
    invited.save()
    assert "invitada@example.mx" in admin.get(PAGE).content.decode()
    assert admin.post(remove_path(invited)).status_code == 302 and not holds_role(invited)
    # Nor by deleting one's account: the page says why and the account stays.
    deleted = admin.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert deleted.status_code == 409
    assert "La plataforma no puede quedarse sin nadie que la administre" in deleted.content.decode()
    assert User.objects.filter(pk=ana.pk).exists() and holds_role(ana)
    # With another active administrator, either may take the other out, or leave.
    bea = person_with(Role.PLATFORM_ADMIN, None, email="bea@example.mx")
    assert admin.post(remove_path(bea)).status_code == 302 and not holds_role(bea)
    services.grant_role(granted_by=ana, user=bea, role=Role.PLATFORM_ADMIN, municipality=None)
    assert admin.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code == 302
    assert active_administrators() == {"bea@example.mx"}


def test_superusers_count_and_the_page_leaves_them_as_they_are():
    root = UserFactory(email="root@example.mx", display_name="Root", is_superuser=True)
    ana = person_with(Role.PLATFORM_ADMIN, None, email="ana@example.mx", display_name="Ana")
    assert active_administrators() == {"root@example.mx", "ana@example.mx"}
    as_ana = signed_in(ana, headers=ES)
    page = as_ana.get(PAGE).content.decode()
    assert "Root" in page and "superusuario de Django" in page
    assert remove_path(root) not in page
    refused = as_ana.post(remove_path(root))
    assert refused.status_code == 409
    assert "Root es superusuario de Django" in refused.content.decode()
    assert User.objects.get(pk=root.pk).is_superuser
    # The superuser keeps the platform administered: Ana may go.
    as_root = signed_in(root, headers=ES)
    assert as_root.post(remove_path(ana)).status_code == 302
    assert active_administrators() == {"root@example.mx"}
    assert signed_in(ana).get(PAGE).status_code == 403
    # Alone, the superuser cannot delete their account either.
    assert as_root.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code == 409


def test_the_forms_need_their_csrf_token():
    ana = person_with(Role.PLATFORM_ADMIN, None)
    bea = person_with(Role.PLATFORM_ADMIN, None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)
    UserFactory(email="activa@example.mx")
    assert client.post(PAGE, {"email": "activa@example.mx"}).status_code == 403
    assert client.post(remove_path(bea)).status_code == 403
    assert RoleAssignment.objects.filter(role=Role.PLATFORM_ADMIN).count() == 2


def backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep what they showed first: look anew.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_removals_at_once_leave_one_administrator():
    """Ana takes Bea out while Bea takes Ana out. Alone, each sees the other still there: without
    the lock both would commit and leave nobody. This test holds both role rows until both
    removals wait for a lock, so that neither can write before the other has looked; then lets
    go. Under the lock the second one looks only after the first committed, finds that it lost
    its own role, and writes nothing."""
    ana = person_with(Role.PLATFORM_ADMIN, None, email="ana@example.mx")
    bea = person_with(Role.PLATFORM_ADMIN, None, email="bea@example.mx")

    def removal(by_pk: int, of_pk: int):
        # Each thread reads its own people, as each request does.
        return lambda: services.revoke_role(
            revoked_by=User.objects.get(pk=by_pk),
            user=User.objects.get(pk=of_pk),
            role=Role.PLATFORM_ADMIN,
            municipality=None,
        )

    outcomes: list = []
    both = threading.Thread(
        target=lambda: outcomes.extend(
            run_in_parallel([removal(ana.pk, bea.pk), removal(bea.pk, ana.pk)])
        )
    )
    with transaction.atomic():
        list(RoleAssignment.objects.select_for_update().filter(role=Role.PLATFORM_ADMIN))
        both.start()
        deadline = time.monotonic() + 10
        while backends_waiting_for_a_lock() < 2:
            assert time.monotonic() < deadline, "the removals never both waited"
            time.sleep(0.02)
    both.join(10)
    assert sorted(type(o).__name__ for o in outcomes) == ["Forbidden", "bool"]
    assert True in outcomes
    assert len(active_administrators()) == 1
    assert RoleAssignment.objects.filter(role=Role.PLATFORM_ADMIN).count() == 1
