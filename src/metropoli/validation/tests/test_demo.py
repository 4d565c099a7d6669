from metropoli.accounts.tests.factories import person_with
from metropoli.territory.models import Role
from metropoli.validation import demo
from metropoli.validation.models import Decision, RiskAssessment, WorkItem


def test_demo_is_idempotent(make_tree, guadalajara):
    arborist = person_with(Role.ARBORIST, guadalajara, email=demo.ARBORIST)
    person_with(Role.MUNICIPAL_STAFF, guadalajara, email=demo.STAFF)
    for i in range(4):
        make_tree(lon=-103.35 + i * 0.001)
    demo.load()
    demo.load()
    assert Decision.objects.count() == 3
    assert WorkItem.objects.count() == 2
    # The tree at risk of falling has a work order: assigned, due, costed and assessed.
    planned = WorkItem.objects.get(risk=True)
    assert (planned.assignee, planned.risk_rating) == (arborist, "high")
    assert planned.due_date is not None and planned.cost is not None
    assert RiskAssessment.objects.count() == 1
