"""Concurrent votes on one record reach exactly one decision (row lock on the tree).

Runs real parallel transactions, as gunicorn workers would.
"""

import pytest

from metropoli.accounts.tests.factories import person_with
from metropoli.common.errors import DomainError
from metropoli.common.testing import run_in_parallel
from metropoli.territory.models import Role
from metropoli.validation import services
from metropoli.validation.models import Decision, Vote

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_expert_votes_reach_one_decision(make_tree, guadalajara):
    tree = make_tree()
    experts = [person_with(Role.CERTIFIED_EXPERT, guadalajara) for _ in range(6)]
    outcomes = run_in_parallel(
        [lambda e=e: services.cast_vote(tree=tree, voter=e, kind="confirm") for e in experts]
    )
    decisions = [o.decision for o in outcomes if not isinstance(o, DomainError) and o.decision]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert Decision.objects.filter(tree=tree).count() == 1
    assert len(decisions) == 1
    # The second vote decided; the later ones were refused as already decided.
    assert Vote.objects.filter(tree=tree).count() == 2
    assert {error.code for error in refused} == {"already_decided"}


def test_parallel_arborists_reach_one_decision(make_tree, guadalajara):
    tree = make_tree()
    arborists = [person_with(Role.ARBORIST, guadalajara) for _ in range(4)]
    kinds = ["confirm", "reject", "confirm", "reject"]
    outcomes = run_in_parallel(
        [
            lambda a=a, k=k: services.cast_vote(tree=tree, voter=a, kind=k, reason="r")
            for a, k in zip(arborists, kinds, strict=True)
        ]
    )
    assert Decision.objects.filter(tree=tree).count() == 1
    assert sum(1 for o in outcomes if isinstance(o, DomainError)) == 3
