"""One test per rule over anonymous / citizen / staff without the right / staff with it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.participation.models import Contribution, PhaseKind
from metropoli.territory.models import Role

from .conftest import make_proceeding

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(guadalajara, zapopan):
    return {
        "anonymous": AnonymousUser(),
        "citizen": person_with(Role.CITIZEN, guadalajara),
        "other_staff": person_with(Role.MUNICIPAL_STAFF, zapopan),
        "staff": person_with(Role.MUNICIPAL_STAFF, guadalajara),
    }


def check(people, perm, obj):
    return {name: person.has_perm(perm, obj) for name, person in people.items()}


@pytest.mark.parametrize(
    "perm",
    [
        "participation.moderate_proceeding",
        "participation.change_proceeding",
        "participation.export_contributions",
    ],
)
def test_staff_rules(people, guadalajara, perm):
    proceeding = make_proceeding(guadalajara)
    assert check(people, perm, proceeding) == {
        "anonymous": False,
        "citizen": False,
        "other_staff": False,
        "staff": True,
    }


def test_metropolitan_proceeding_is_managed_by_platform_administrators(people):
    proceeding = make_proceeding(None, slug="metro")
    admin = person_with(Role.PLATFORM_ADMIN)
    assert not people["staff"].has_perm("participation.moderate_proceeding", proceeding)
    assert admin.has_perm("participation.moderate_proceeding", proceeding)


def test_add_contribution_follows_phase_and_anonymity(people, guadalajara):
    open_to_all = make_proceeding(guadalajara, slug="abierta")
    accounts_only = make_proceeding(guadalajara, slug="cuentas", anonymous=False)
    closed = make_proceeding(guadalajara, slug="cerrada", kind=PhaseKind.RESULTS)
    perm = "participation.add_contribution"
    assert all(check(people, perm, open_to_all).values())
    assert check(people, perm, accounts_only) == {
        "anonymous": False,
        "citizen": True,
        "other_staff": True,
        "staff": True,
    }
    assert not any(check(people, perm, closed).values())


def test_react_to_contribution_open_in_evaluation(people, guadalajara):
    evaluation = make_proceeding(
        guadalajara, slug="eval", kind=PhaseKind.EVALUATION, anonymous=False
    )
    information = make_proceeding(guadalajara, slug="info", kind=PhaseKind.INFORMATION)
    perm = "participation.react_to_contribution"
    assert check(people, perm, evaluation) == {
        "anonymous": False,
        "citizen": True,
        "other_staff": True,
        "staff": True,
    }
    assert not any(check(people, perm, information).values())


def test_view_and_report_are_open_to_everybody(people, guadalajara):
    proceeding = make_proceeding(guadalajara)
    assert all(check(people, "participation.view_proceeding", proceeding).values())
    assert all(check(people, "participation.report_contribution", proceeding).values())


def test_delete_contribution_only_by_its_author(people, guadalajara):
    proceeding = make_proceeding(guadalajara)
    contribution = Contribution.objects.create(
        proceeding=proceeding,
        phase=proceeding.phases.get(),
        category=proceeding.categories.first(),
        text="x",
        geometry="POINT(-103.35 20.67)",
        author=people["citizen"],
    )
    assert check(people, "participation.delete_contribution", contribution) == {
        "anonymous": False,
        "citizen": True,
        "other_staff": False,
        "staff": False,
    }
    assert not UserFactory().has_perm("participation.delete_contribution", contribution)
