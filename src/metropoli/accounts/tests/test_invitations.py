"""Staff invite a person who has no account to a role on /cuentas/roles: the role goes to a new
account waiting for activation, opened from an e-mailed invitation (through the outbox, to a real
SMTP server) or from a one-time link shown once; the person chooses a password and signs in
holding the role. Refusals store nothing; a form sent twice is one invitation (decision 0113)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from metropoli.accounts import invitations
from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.api import Forbidden
from metropoli.common.models import OutboxStatus, OutgoingEmail
from metropoli.common.testing import signed_in
from metropoli.territory.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
ROLES = "/cuentas/roles"
NEW_PASSWORD = "Sombra-de-fresno-2026"
LINK = re.compile(r'id="activation-link" value="http://[^/"]+(/cuentas/activar/[^"]+)"')


def form_key(client) -> str:
    page = client.get(ROLES, headers=ES).content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


def invitation(municipality, **fields) -> dict:
    return {
        "email": "nueva@example.mx",
        "display_name": "Nueva",
        "how": "invite",
        "role": Role.MUNICIPAL_STAFF,
        "municipality": municipality.pk,
        **fields,
    }


def opened(path: str, password: str = NEW_PASSWORD) -> Client:
    """The invitee follows the link, chooses a password, and signs in again with it."""
    person = Client(headers=ES)
    assert "Activar mi cuenta" in person.get(path).content.decode()
    weak = person.post(path, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 400
    answer = person.post(path, {"new_password1": password, "new_password2": password})
    assert answer.status_code == 302 and answer["Location"] == reverse("accounts:profile")
    person.logout()
    signed = person.post(
        reverse("accounts:login"), {"username": "nueva@example.mx", "password": password}
    )
    assert signed.status_code == 302
    return person


def nothing_stored(people_before: int) -> None:
    assert User.objects.count() == people_before
    assert not RoleAssignment.objects.filter(user__email="nueva@example.mx").exists()
    assert not OutgoingEmail.objects.exists()


def test_an_invitation_by_e_mail_opens_an_account_that_holds_the_role(
    guadalajara, smtp_server, django_capture_on_commit_callbacks
):
    staff = signed_in(
        person_with(Role.MUNICIPAL_STAFF, guadalajara, display_name="Rosa"), headers=ES
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff.post(ROLES, invitation(guadalajara, idempotency_key=form_key(staff)))
    assert answer.status_code == 302
    page = staff.get(ROLES).content.decode()
    assert "Nueva ahora es personal municipal en Guadalajara." in page
    assert "Se envió la invitación a nueva@example.mx" in page
    assert "invitación pendiente" in page
    person = User.objects.get(email="nueva@example.mx")
    assert (person.is_active, person.activation_pending) == (False, True)
    assert person.display_name == "Nueva" and not person.has_usable_password()
    held = RoleAssignment.objects.get(user=person)
    assert (held.role, held.municipality, held.granted_by.display_name) == (
        Role.MUNICIPAL_STAFF, guadalajara, "Rosa",
    )  # fmt: skip
    # One row in the outbox, handed to the SMTP server.
    (row,) = OutgoingEmail.objects.all()
    assert row.to == "nueva@example.mx" and row.status == OutboxStatus.SENT
    (message,) = smtp_server.messages
    subject = " ".join(str(message["Subject"]).split())
    assert subject == "Te invitan a formar parte del personal municipal de Guadalajara en Metrópoli"
    text = message.get_content()
    assert "Rosa te invita a formar parte del personal municipal de Guadalajara" in text
    assert "El enlace sirve durante 3 días" in text
    path = re.search(r"http://[^/\s]+(/cuentas/activar/\S+)", text).group(1)
    person_client = opened(path)
    # Signed in with the password, holding the role: the roles page is theirs too.
    assert person_client.get(ROLES).status_code == 200
    person.refresh_from_db()
    assert (person.is_active, person.activation_pending) == (True, False)
    assert Client().post(path, {}).status_code == 400  # the link is spent


def test_a_one_time_link_is_shown_once_and_opens_the_account(guadalajara):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    answer = staff.post(
        ROLES,
        invitation(guadalajara, role=Role.ARBORIST, how="link", idempotency_key=form_key(staff)),
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Nueva ahora es arbolista en Guadalajara." in page
    assert "La cuenta de nueva@example.mx espera a la persona" in page
    path = LINK.search(page).group(1).replace("&amp;", "&")
    assert not OutgoingEmail.objects.exists()  # no e-mail in link mode
    # The page shows it on that answer only, with a new form below it.
    again = staff.get(ROLES).content.decode()
    assert "activation-link" not in again and "invitación pendiente" in again
    assert RoleAssignment.objects.filter(
        user__email="nueva@example.mx", role=Role.ARBORIST
    ).exists()
    person = opened(path)
    assert "Arbolista" in person.get(reverse("accounts:profile")).content.decode()


def test_a_form_sent_twice_is_one_invitation_and_a_new_one_sends_again(
    guadalajara, smtp_server, django_capture_on_commit_callbacks
):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    data = invitation(guadalajara, idempotency_key=form_key(staff))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert staff.post(ROLES, data).status_code == 302
    assert User.objects.filter(email="nueva@example.mx").count() == 1
    assert RoleAssignment.objects.filter(user__email="nueva@example.mx").count() == 1
    assert len(smtp_server.messages) == 1 and OutgoingEmail.objects.count() == 1
    first = re.search(r"(/cuentas/activar/\S+)", smtp_server.messages[0].get_content()).group(1)
    # Invited again from a new form (the e-mail got lost): sent again, still one account and one
    # role, and only the newest link opens it.
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(ROLES, {**data, "idempotency_key": form_key(staff)})
    assert User.objects.filter(email="nueva@example.mx").count() == 1
    assert RoleAssignment.objects.filter(user__email="nueva@example.mx").count() == 1
    assert len(smtp_server.messages) == 2
    newest = re.search(r"(/cuentas/activar/\S+)", smtp_server.messages[1].get_content()).group(1)
    assert Client().get(first).status_code == 400
    opened(newest)


def test_a_link_form_sent_twice_shows_a_working_link_on_the_last_answer(guadalajara):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    data = invitation(guadalajara, how="link", idempotency_key=form_key(staff))
    staff.post(ROLES, data)  # the browser drops this answer: the button was tapped again
    last = staff.post(ROLES, data)
    assert User.objects.filter(email="nueva@example.mx").count() == 1
    opened(LINK.search(last.content.decode()).group(1).replace("&amp;", "&"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"display_name": ""},
            "Nadie tiene una cuenta activa con esa dirección: escribe el nombre",
        ),
        (
            {"display_name": "   "},
            "Nadie tiene una cuenta activa con esa dirección: escribe el nombre",
        ),
        ({"display_name": "x" * 81}, "como máximo 80 caracteres"),
        ({"email": "no es un correo"}, "correo electrónico válido"),
        ({"email": ""}, "Este campo es obligatorio"),
        ({"role": Role.PLATFORM_ADMIN}, "Elige una opción válida"),
        ({"idempotency_key": "k" * 81}, "El formulario está dañado"),
    ],
)
def test_bad_input_is_refused_on_the_form_with_nothing_stored(guadalajara, fields, message):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    before = User.objects.count()
    answer = staff.post(ROLES, invitation(guadalajara, **fields))
    assert answer.status_code == 400
    assert message in answer.content.decode()
    nothing_stored(before)


def test_another_municipality_and_people_without_the_right_are_refused(guadalajara, zapopan):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    before = User.objects.count()
    elsewhere = staff.post(ROLES, invitation(zapopan))
    assert elsewhere.status_code == 400
    assert "Elige una opción válida" in elsewhere.content.decode()
    for role in (Role.CITIZEN, Role.ARBORIST, Role.CERTIFIED_EXPERT):
        client = signed_in(person_with(role, guadalajara), headers=ES)
        before += 1
        assert client.post(ROLES, invitation(guadalajara)).status_code == 403
    nothing_stored(before)
    # The service itself checks before it writes: no account for a municipality not managed.
    with pytest.raises(Forbidden):
        invitations.give_role(
            granted_by=User.objects.get(role_assignments__role=Role.MUNICIPAL_STAFF),
            email="nueva@example.mx",
            display_name="Nueva",
            invite=True,
            role=Role.ARBORIST,
            municipality=zapopan,
        )
    nothing_stored(before)


def test_invitations_are_limited_per_person_in_spanish(guadalajara, settings):
    settings.INVITATIONS_PER_DAY = 2
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    for n in range(2):
        assert (
            staff.post(ROLES, invitation(guadalajara, email=f"p{n}@example.mx")).status_code == 302
        )
    refused = staff.post(ROLES, invitation(guadalajara, email="p2@example.mx"))
    assert refused.status_code == 429 and refused["Retry-After"].isdigit()
    assert "Hoy invitaste a muchas personas. Inténtalo de nuevo mañana." in refused.content.decode()
    assert not User.objects.filter(email="p2@example.mx").exists()
    # Giving a role to an active account invites nobody: not counted, not refused.
    UserFactory(email="activa@example.mx", display_name="Activa")
    assert staff.post(ROLES, invitation(guadalajara, email="activa@example.mx")).status_code == 302
    # Another person has their own count.
    colleague = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    assert colleague.post(ROLES, invitation(guadalajara, email="p2@example.mx")).status_code == 302


def test_an_address_with_an_account_tells_no_more_than_before(
    guadalajara, django_capture_on_commit_callbacks
):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    active = UserFactory(email="activa@example.mx", display_name="Activa")
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff.post(ROLES, invitation(guadalajara, email="activa@example.mx"), follow=True)
    # An active account gets the role under its own name (as before): no e-mail, no new account.
    assert "Activa ahora es personal municipal en Guadalajara." in answer.content.decode()
    assert "Se envió la invitación" not in answer.content.decode()
    active.refresh_from_db()
    assert active.display_name == "Activa" and not OutgoingEmail.objects.exists()
    # A closed account: without a name the same answer as an unknown address; invited, refused.
    UserFactory(email="cerrada@example.mx", is_active=False)
    before = User.objects.count()
    same = staff.post(ROLES, invitation(guadalajara, email="cerrada@example.mx", display_name=""))
    unknown = staff.post(ROLES, invitation(guadalajara, email="nadie@example.mx", display_name=""))
    assert same.status_code == unknown.status_code == 400
    assert "Nadie tiene una cuenta activa con esa dirección" in same.content.decode()
    assert error_texts(same) == error_texts(unknown)
    closed = staff.post(ROLES, invitation(guadalajara, email="cerrada@example.mx"))
    assert closed.status_code == 400 and "está cerrada" in closed.content.decode()
    assert User.objects.count() == before
    assert not RoleAssignment.objects.filter(user__email="cerrada@example.mx").exists()


def test_a_sign_up_waiting_for_activation_is_invited_without_its_password(guadalajara):
    """Whoever signed up with someone else's address chose its password: an invitation drops
    it, so a role never reaches an account someone other than the address's owner can open."""
    waiting = UserFactory(email="nueva@example.mx", is_active=False, activation_pending=True)
    assert waiting.has_usable_password()
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    answer = staff.post(ROLES, invitation(guadalajara, how="link"))
    waiting.refresh_from_db()
    assert not waiting.has_usable_password() and waiting.display_name == "Nueva"
    assert User.objects.filter(email="nueva@example.mx").count() == 1
    opened(LINK.search(answer.content.decode()).group(1).replace("&amp;", "&"))


def error_texts(answer) -> list[str]:
    return re.findall(r'<p class="error" role="alert">([^<]*)</p>', answer.content.decode())


def test_a_form_sent_again_with_other_values_asks_to_fill_it_in_again(guadalajara):
    """The back button after an invitation, another address typed over the first: the key was
    spent, so nothing is done and the form comes back with a new one."""
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara), headers=ES)
    key = form_key(staff)
    assert staff.post(ROLES, invitation(guadalajara, idempotency_key=key)).status_code == 302
    again = staff.post(ROLES, invitation(guadalajara, email="otra@example.mx", idempotency_key=key))
    assert again.status_code == 400
    page = again.content.decode()
    assert "Este formulario ya se envió. Llénalo de nuevo para agregar a alguien." in page
    assert not User.objects.filter(email="otra@example.mx").exists()
    fresh = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    assert fresh != key
    retry = invitation(guadalajara, email="otra@example.mx", idempotency_key=fresh)
    assert staff.post(ROLES, retry).status_code == 302
    assert User.objects.filter(email="otra@example.mx").exists()
