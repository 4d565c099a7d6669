"""Only the municipality's staff change its eco-benefit settings, whoever calls (decision 0088)."""

import pytest
from django.core.exceptions import PermissionDenied

from metropoli.accounts.tests.factories import UserFactory
from metropoli.benefits import services
from metropoli.benefits.models import BenefitSettings

pytestmark = pytest.mark.django_db


def test_a_stranger_cannot_change_the_settings(guadalajara):
    with pytest.raises(PermissionDenied):
        services.update_settings(
            municipality=guadalajara, region="SWDsrtGDL", rates=None, changed_by=UserFactory()
        )
    assert not BenefitSettings.objects.filter(municipality=guadalajara, region="SWDsrtGDL").exists()
