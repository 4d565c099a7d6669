"""/cuentas/roles: municipal staff give and take the roles of their own municipality in the
browser; nobody else can, and nothing outside their municipality is offered or reachable."""

import pytest
from django.test import Client
from django.urls import reverse

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.testing import signed_in
from metropoli.territory.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}


def test_staff_give_and_take_back_a_role_in_their_municipality(guadalajara, zapopan):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    person = UserFactory(email="arbol@example.mx", display_name="Rosa")
    profile = staff.get(reverse("accounts:profile"), headers=ES).content.decode()
    assert 'href="/cuentas/roles"' in profile
    page = staff.get(reverse("accounts:roles"), headers=ES).content.decode()
    assert "Roles en tu municipio" in page
    assert 'href="/arbol/aprende/certificaciones/"' in page
    # Only their own municipality is offered.
    assert "Guadalajara" in page and "Zapopan" not in page
    answer = staff.post(
        reverse("accounts:roles"),
        {"email": "ARBOL@example.mx ", "role": Role.ARBORIST, "municipality": guadalajara.pk},
        headers=ES,
        follow=True,
    )
    assert "Rosa ahora es arbolista en Guadalajara." in answer.content.decode()
    held = RoleAssignment.objects.get(user=person, role=Role.ARBORIST)
    assert held.municipality == guadalajara and held.granted_by is not None
    # Given twice (a double click): still one.
    staff.post(
        reverse("accounts:roles"),
        {"email": "arbol@example.mx", "role": Role.ARBORIST, "municipality": guadalajara.pk},
    )
    assert RoleAssignment.objects.filter(user=person, role=Role.ARBORIST).count() == 1
    revoke = reverse("accounts:revoke_role", args=[held.pk])
    answer = staff.post(revoke, headers=ES, follow=True)
    assert "Rosa ya no es arbolista en Guadalajara." in answer.content.decode()
    assert not RoleAssignment.objects.filter(pk=held.pk).exists()
    again = staff.post(revoke, headers=ES, follow=True)
    assert "ya no tiene ese rol; no cambió nada." in again.content.decode()


def test_nothing_outside_their_municipality_is_reachable(guadalajara, zapopan):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    person = UserFactory(email="otra@example.mx")
    forged = staff.post(
        reverse("accounts:roles"),
        {"email": "otra@example.mx", "role": Role.ARBORIST, "municipality": zapopan.pk},
        headers=ES,
    )
    assert forged.status_code == 400
    assert (
        "Escoja una opción válida" in forged.content.decode() or "válid" in forged.content.decode()
    )
    assert not RoleAssignment.objects.filter(user=person, role=Role.ARBORIST).exists()
    elsewhere = person_with(Role.ARBORIST, zapopan)
    held = RoleAssignment.objects.get(user=elsewhere, role=Role.ARBORIST)
    staff.post(reverse("accounts:revoke_role", args=[held.pk]))
    assert RoleAssignment.objects.filter(pk=held.pk).exists()
    # Platform administrators and certified experts are not made here (the certification page
    # records why), nor a citizen's own role taken.
    for role in (Role.PLATFORM_ADMIN, Role.CERTIFIED_EXPERT):
        refused = staff.post(
            reverse("accounts:roles"),
            {"email": "otra@example.mx", "role": role, "municipality": guadalajara.pk},
        )
        assert refused.status_code == 400
        assert not RoleAssignment.objects.filter(user=person, role=role).exists()
    citizen = RoleAssignment.objects.create(
        user=person, role=Role.CITIZEN, municipality=guadalajara
    )
    staff.post(reverse("accounts:revoke_role", args=[citizen.pk]))
    assert RoleAssignment.objects.filter(pk=citizen.pk).exists()


def test_an_unknown_address_is_explained(guadalajara):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    answer = staff.post(
        reverse("accounts:roles"),
        {"email": "nadie@example.mx", "role": Role.ARBORIST, "municipality": guadalajara.pk},
        headers=ES,
    )
    assert answer.status_code == 400
    assert "Nadie tiene una cuenta activa con esa dirección" in answer.content.decode()


def test_only_staff_and_platform_administrators_manage_roles(guadalajara, zapopan):
    for role in (Role.CITIZEN, Role.ARBORIST, Role.CERTIFIED_EXPERT):
        client = signed_in(person_with(role, guadalajara))
        assert client.get(reverse("accounts:roles"), headers=ES).status_code == 403
        assert (
            'href="/cuentas/roles"' not in client.get(reverse("accounts:profile")).content.decode()
        )
    assert Client().get(reverse("accounts:roles")).status_code == 302  # to log in
    admin = signed_in(person_with(Role.PLATFORM_ADMIN))
    page = admin.get(reverse("accounts:roles"), headers=ES).content.decode()
    assert "Guadalajara" in page and "Zapopan" in page


def test_the_page_needs_its_csrf_token(guadalajara):
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    UserFactory(email="csrf@example.mx")
    answer = staff.post(
        reverse("accounts:roles"),
        {"email": "csrf@example.mx", "role": Role.ARBORIST, "municipality": guadalajara.pk},
    )
    assert answer.status_code == 403
    assert not RoleAssignment.objects.filter(role=Role.ARBORIST).exists()
