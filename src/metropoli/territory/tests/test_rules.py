"""One test per named permission: anonymous, citizen, staff without the right, staff with it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(guadalajara, zapopan):
    return {
        "anonymous": AnonymousUser(),
        "citizen": person_with(Role.CITIZEN, guadalajara),
        "staff_elsewhere": person_with(Role.MUNICIPAL_STAFF, zapopan),
        "staff_here": person_with(Role.MUNICIPAL_STAFF, guadalajara),
        "admin": person_with(Role.PLATFORM_ADMIN, None),
    }


def allowed(people, perm, obj):
    return {name: user.has_perm(perm, obj) for name, user in people.items()}


def test_view_municipality_is_public(people, guadalajara):
    assert set(allowed(people, "territory.view_municipality", guadalajara).values()) == {True}


def test_import_boundaries_only_platform_admin(people, guadalajara):
    assert allowed(people, "territory.import_boundaries", guadalajara) == {
        "anonymous": False,
        "citizen": False,
        "staff_elsewhere": False,
        "staff_here": False,
        "admin": True,
    }


def test_change_municipality_only_platform_admin(people, guadalajara):
    assert allowed(people, "territory.change_municipality", guadalajara) == {
        "anonymous": False,
        "citizen": False,
        "staff_elsewhere": False,
        "staff_here": False,
        "admin": True,
    }


def test_manage_roles_staff_of_that_municipality(people, guadalajara):
    assert allowed(people, "territory.manage_roles", guadalajara) == {
        "anonymous": False,
        "citizen": False,
        "staff_elsewhere": False,
        "staff_here": True,
        "admin": True,
    }


@pytest.mark.parametrize(
    "perm", ["territory.manage_platform_administrators", "accounts.reopen_account"]
)
def test_platform_administrators_only_name_one_another_and_reopen_accounts(people, perm):
    assert allowed(people, perm, None) == {
        "anonymous": False,
        "citizen": False,
        "staff_elsewhere": False,
        "staff_here": False,
        "admin": True,
    }
    # A Django superuser (`metropoli createsuperuser`) is a platform administrator too.
    assert UserFactory(is_superuser=True).has_perm(perm) is True


def test_change_profile_only_self(people):
    target = people["citizen"]
    result = allowed(people, "accounts.change_profile", target)
    assert result == {
        "anonymous": False,
        "citizen": True,
        "staff_elsewhere": False,
        "staff_here": False,
        "admin": False,
    }
    assert UserFactory().has_perm("accounts.change_profile", target) is False
