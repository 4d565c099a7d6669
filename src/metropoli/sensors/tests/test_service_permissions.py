"""Only who may change a sensor gets a new password for it, whoever calls (decision 0088)."""

import pytest
from django.core.exceptions import PermissionDenied

from metropoli.accounts.tests.factories import UserFactory
from metropoli.sensors import services

pytestmark = pytest.mark.django_db


def test_a_new_password_only_for_the_owner(sensor, owner):
    old = sensor.password_hash
    with pytest.raises(PermissionDenied):
        services.rotate_password(sensor=sensor, actor=UserFactory())
    sensor.refresh_from_db()
    assert sensor.password_hash == old
    password = services.rotate_password(sensor=sensor, actor=owner)
    assert services.check_credentials(sensor, sensor.sensor_id, password)
