"""One test per rule: anonymous / citizen / staff without the right / staff with it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role


@pytest.mark.parametrize(
    ("perm", "without", "with_"),
    [
        ("validation.vote", Role.MUNICIPAL_STAFF, Role.CERTIFIED_EXPERT),
        ("validation.decide", Role.CERTIFIED_EXPERT, Role.ARBORIST),
        ("validation.manage_queue", Role.CERTIFIED_EXPERT, Role.ARBORIST),
        ("validation.view_dashboard", Role.CERTIFIED_EXPERT, Role.MUNICIPAL_STAFF),
    ],
)
def test_rule(perm, without, with_, guadalajara, zapopan):
    assert not AnonymousUser().has_perm(perm, guadalajara)
    assert not UserFactory().has_perm(perm, guadalajara)
    assert not person_with(without, guadalajara).has_perm(perm, guadalajara)
    holder = person_with(with_, guadalajara)
    assert holder.has_perm(perm, guadalajara)
    assert not holder.has_perm(perm, zapopan)  # only in their own municipality


def test_arborists_also_vote(guadalajara):
    assert person_with(Role.ARBORIST, guadalajara).has_perm("validation.vote", guadalajara)
