"""Who belongs to the cooperation office is decided by the office itself (and platform
administrators) at /cooperacion/oficina/, not in the Django admin; a colleague without an
account is invited (decision 0113)."""

import re

import pytest
from django.test import Client

from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.models import OutgoingEmail
from metropoli.common.testing import signed_in
from metropoli.cooperation.rules import COOPERATION_OFFICE_GROUP

pytestmark = pytest.mark.django_db

OFFICE = "/cooperacion/oficina/"


def in_office(person) -> bool:
    return person.groups.filter(name=COOPERATION_OFFICE_GROUP).exists()


def test_the_office_adds_a_colleague_who_can_then_edit(office):
    colleague = UserFactory(email="colega@example.mx", display_name="Colega")
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    assert client.get(OFFICE).status_code == 200
    answer = client.post(OFFICE, {"email": "  Colega@Example.MX "}, follow=True)
    assert "Colega ahora integra la oficina de cooperación." in answer.content.decode()
    assert in_office(colleague)
    assert signed_in(colleague).get("/cooperacion/nuevo/").status_code == 200
    again = client.post(OFFICE, {"email": "colega@example.mx"}, follow=True)
    assert "Colega ya integraba la oficina de cooperación." in again.content.decode()


def test_taking_someone_out_and_a_second_click(office):
    colleague = UserFactory(email="colega@example.mx", display_name="Colega")
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    client.post(OFFICE, {"email": "colega@example.mx"})
    remove = f"{OFFICE}{colleague.pk}/quitar/"
    assert "Colega ya no integra" in client.post(remove, follow=True).content.decode()
    assert not in_office(colleague)
    assert signed_in(colleague).get("/cooperacion/nuevo/").status_code == 403
    second = client.post(remove, follow=True).content.decode()
    assert "Esa persona no está en la oficina; no cambió nada." in second
    assert client.post(f"{OFFICE}999999/quitar/").status_code == 302
    assert client.get(remove).status_code == 405


@pytest.mark.parametrize(
    "email, message",
    [
        ("nadie@example.mx", "Nadie tiene una cuenta activa con esa dirección"),
        ("cerrada@example.mx", "Nadie tiene una cuenta activa con esa dirección"),
        ("no es un correo", "correo electrónico válido"),
        ("", "obligatorio"),
    ],
)
def test_only_active_accounts_join(office, email, message):
    UserFactory(email="cerrada@example.mx", is_active=False)
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    answer = client.post(OFFICE, {"email": email})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert list(office.groups.get(name=COOPERATION_OFFICE_GROUP).user_set.all()) == [office]


@pytest.mark.parametrize("who", ["citizen", "staff_here"])
def test_nobody_else_changes_the_office(client, people, office, who):
    person = signed_in(people[who], HTTP_ACCEPT_LANGUAGE="es")
    assert person.get(OFFICE).status_code == 403
    refused = person.post(OFFICE, {"email": people[who].email})
    assert refused.status_code == 403 and "oficina de cooperación" in refused.content.decode()
    assert person.post(f"{OFFICE}{office.pk}/quitar/").status_code == 403
    assert in_office(office) and not in_office(people[who])
    assert client.get(OFFICE).status_code == 302  # anonymous: log in first


def test_a_platform_administrator_staffs_the_office(people):
    admin = signed_in(people["admin"])
    assert admin.post(OFFICE, {"email": people["citizen"].email}).status_code == 302
    assert in_office(people["citizen"])


def key_of(client) -> str:
    page = client.get(OFFICE).content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


def test_a_colleague_without_an_account_is_invited_and_opens_it_with_the_link(office):
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    answer = client.post(
        OFFICE,
        {"email": "nuevo@example.mx", "display_name": "Nuevo", "how": "link",
         "idempotency_key": key_of(client)},
    )  # fmt: skip
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Nuevo ahora integra la oficina de cooperación." in page
    link = re.search(r'id="activation-link" value="http://[^/"]+(/cuentas/activar/[^"]+)"', page)
    path = link.group(1).replace("&amp;", "&")
    colleague = User.objects.get(email="nuevo@example.mx")
    assert in_office(colleague) and not colleague.is_active
    listed = client.get(OFFICE).content.decode()
    assert (
        "Nuevo" in listed and "invitación pendiente" in listed and "activation-link" not in listed
    )
    assert not OutgoingEmail.objects.exists()
    person = Client(HTTP_ACCEPT_LANGUAGE="es")
    password = "Oficina-de-cooperacion-7"
    opened = person.post(path, {"new_password1": password, "new_password2": password})
    assert opened.status_code == 302
    person.logout()
    person.post("/cuentas/entrar", {"username": "nuevo@example.mx", "password": password})
    assert person.get("/cooperacion/nuevo/").status_code == 200


def test_an_invitation_by_e_mail_sent_twice_is_one(
    office, smtp_server, django_capture_on_commit_callbacks
):
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    data = {"email": "nuevo@example.mx", "display_name": "Nuevo", "how": "invite",
            "idempotency_key": key_of(client)}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(OFFICE, data).status_code == 302
        assert client.post(OFFICE, data).status_code == 302
    assert User.objects.filter(email="nuevo@example.mx").count() == 1
    assert OutgoingEmail.objects.filter(to="nuevo@example.mx").count() == 1
    (message,) = smtp_server.messages
    subject = " ".join(str(message["Subject"]).split())
    assert subject == "Te invitan a integrar la oficina de cooperación en Metrópoli"
    assert "/cuentas/activar/" in message.get_content()


@pytest.mark.parametrize("who", ["citizen", "staff_here"])
def test_nobody_else_invites_to_the_office(people, who):
    person = signed_in(people[who], HTTP_ACCEPT_LANGUAGE="es")
    before = User.objects.count()
    refused = person.post(OFFICE, {"email": "nuevo@example.mx", "display_name": "Nuevo"})
    assert refused.status_code == 403
    assert User.objects.count() == before and not OutgoingEmail.objects.exists()


def test_a_closed_account_is_not_invited(office):
    UserFactory(email="cerrada@example.mx", is_active=False)
    client = signed_in(office, HTTP_ACCEPT_LANGUAGE="es")
    refused = client.post(OFFICE, {"email": "cerrada@example.mx", "display_name": "Cerrada"})
    assert refused.status_code == 400 and "está cerrada" in refused.content.decode()
    assert list(office.groups.get(name=COOPERATION_OFFICE_GROUP).user_set.all()) == [office]
