"""One test per rule: anonymous, citizen, staff without the right, staff with it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db


def test_view_sensor_is_public(sensor):
    assert AnonymousUser().has_perm("sensors.view_sensor", sensor)
    assert UserFactory().has_perm("sensors.view_sensor", sensor)


def test_register_sensor_needs_an_account(guadalajara):
    assert not AnonymousUser().has_perm("sensors.register_sensor")
    assert UserFactory().has_perm("sensors.register_sensor")
    assert person_with(Role.ARBORIST, guadalajara).has_perm("sensors.register_sensor")


def test_change_sensor_is_for_the_owner_and_the_municipalitys_staff(sensor, owner, zapopan):
    guadalajara = sensor.municipality
    assert not AnonymousUser().has_perm("sensors.change_sensor", sensor)
    assert not UserFactory().has_perm("sensors.change_sensor", sensor)
    assert not person_with(Role.ARBORIST, guadalajara).has_perm("sensors.change_sensor", sensor)
    assert not person_with(Role.MUNICIPAL_STAFF, zapopan).has_perm("sensors.change_sensor", sensor)
    assert person_with(Role.MUNICIPAL_STAFF, guadalajara).has_perm("sensors.change_sensor", sensor)
    assert owner.has_perm("sensors.change_sensor", sensor)


def test_register_sensor_for_others_is_for_municipal_staff(guadalajara, zapopan):
    assert not AnonymousUser().has_perm("sensors.register_sensor_for_others", guadalajara)
    assert not UserFactory().has_perm("sensors.register_sensor_for_others", guadalajara)
    assert not person_with(Role.CERTIFIED_EXPERT, guadalajara).has_perm(
        "sensors.register_sensor_for_others", guadalajara
    )
    assert not person_with(Role.MUNICIPAL_STAFF, zapopan).has_perm(
        "sensors.register_sensor_for_others", guadalajara
    )
    assert person_with(Role.MUNICIPAL_STAFF, guadalajara).has_perm(
        "sensors.register_sensor_for_others", guadalajara
    )
