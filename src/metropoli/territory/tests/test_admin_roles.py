"""Roles given and taken in the Django admin go through territory's services (decision 0089)."""

import pytest
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role, RoleAssignment

ADD = "/admin/territory/roleassignment/add/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    person = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(person)
    return person


def test_a_role_added_in_the_admin_is_granted_by_the_service(client, admin, guadalajara):
    person = UserFactory()
    response = client.post(
        ADD, {"user": person.pk, "role": Role.ARBORIST, "municipality": guadalajara.pk}
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert (assignment.role, assignment.municipality, assignment.granted_by) == (
        Role.ARBORIST,
        guadalajara,
        admin,
    )


def test_the_admin_refuses_what_the_service_refuses(rf, guadalajara, zapopan):
    # The admin's save and delete are the service's: the same check, whoever the admin is.
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    request = rf.post(ADD)
    request.user = staff
    model_admin = site._registry[RoleAssignment]
    person = UserFactory()
    refused = RoleAssignment(user=person, role=Role.ARBORIST, municipality=zapopan)
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, refused, form=None, change=False)
    allowed = RoleAssignment(user=person, role=Role.ARBORIST, municipality=guadalajara)
    model_admin.save_model(request, allowed, form=None, change=False)
    assert allowed.pk is not None and allowed.granted_by == staff
    elsewhere = RoleAssignment.objects.create(user=person, role=Role.ARBORIST, municipality=zapopan)
    with pytest.raises(PermissionDenied):
        model_admin.delete_model(request, elsewhere)
    assert RoleAssignment.objects.filter(user=person).count() == 2


def test_an_assignment_is_not_edited_in_place(client, admin, guadalajara, zapopan):
    person = UserFactory()
    client.post(ADD, {"user": person.pk, "role": Role.ARBORIST, "municipality": guadalajara.pk})
    assignment = RoleAssignment.objects.get(user=person)
    change = f"/admin/territory/roleassignment/{assignment.pk}/change/"
    client.post(
        change, {"user": person.pk, "role": Role.MUNICIPAL_STAFF, "municipality": zapopan.pk}
    )
    assignment.refresh_from_db()
    assert (assignment.role, assignment.municipality) == (Role.ARBORIST, guadalajara)


def test_deleting_in_the_admin_revokes_through_the_service(client, admin, guadalajara):
    people = [UserFactory() for _ in range(3)]
    for person in people:
        client.post(ADD, {"user": person.pk, "role": Role.ARBORIST, "municipality": guadalajara.pk})
    first, *others = RoleAssignment.objects.filter(user__in=people).order_by("pk")
    response = client.post(f"/admin/territory/roleassignment/{first.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        "/admin/territory/roleassignment/",
        {
            "action": "delete_selected",
            "_selected_action": [o.pk for o in others],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user__in=people).exists()
