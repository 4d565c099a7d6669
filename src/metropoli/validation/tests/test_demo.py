from metropoli.accounts.tests.factories import person_with
from metropoli.territory.models import Role
from metropoli.validation import demo
from metropoli.validation.models import Decision, WorkItem


def test_demo_is_idempotent(make_tree, guadalajara):
    person_with(Role.ARBORIST, guadalajara, email=demo.ARBORIST)
    for i in range(4):
        make_tree(lon=-103.35 + i * 0.001)
    demo.load()
    demo.load()
    assert Decision.objects.count() == 3
    assert WorkItem.objects.count() == 2
