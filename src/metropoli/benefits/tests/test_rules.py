"""benefits.change_settings: anonymous / citizen / staff elsewhere / staff of the municipality."""

import pytest
from django.contrib.auth.models import AnonymousUser

from metropoli.accounts.tests.factories import person_with
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db


def test_change_settings_anonymous(guadalajara):
    assert not AnonymousUser().has_perm("benefits.change_settings", guadalajara)


def test_change_settings_citizen(guadalajara):
    assert not person_with(Role.CITIZEN, guadalajara).has_perm(
        "benefits.change_settings", guadalajara
    )


def test_change_settings_staff_of_another_municipality(guadalajara, zapopan):
    assert not person_with(Role.MUNICIPAL_STAFF, zapopan).has_perm(
        "benefits.change_settings", guadalajara
    )


def test_change_settings_staff_of_the_municipality(guadalajara):
    assert person_with(Role.MUNICIPAL_STAFF, guadalajara).has_perm(
        "benefits.change_settings", guadalajara
    )


def test_view_benefits_is_public(guadalajara):
    assert AnonymousUser().has_perm("benefits.view_benefits", guadalajara)
