"""Demo data of Treender: the Guadalajara arborist has reviewed a few records, two of them
flagged, so the dashboard and the work queue have something to show; the tree at risk of
falling is assigned to the arborist with a due date and a cost, and assessed. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from metropoli.accounts.models import User
from metropoli.territory.models import Municipality
from metropoli.trees.models import Source, Tree, ValidationState

from . import services, work_orders
from .models import Decision, WorkItem

ARBORIST = "arbolista.gdl@demo.metropoli.mx"
STAFF = "personal.gdl@demo.metropoli.mx"
VOTES = [
    {"kind": "confirm"},
    {"kind": "flag", "flags": ["risk"]},
    {"kind": "flag", "flags": ["disease", "pest"]},
]


def load(stdout=None) -> None:
    arborist = User.objects.filter(email=ARBORIST).first()
    guadalajara = Municipality.objects.filter(inegi_code="14039").first()
    if arborist is None or guadalajara is None or Decision.objects.exists():
        return
    trees = list(
        Tree.objects.filter(
            site__municipality=guadalajara,
            source=Source.CAPTURE,
            validation_state=ValidationState.SUBMITTED,
        )
        .exclude(recorded_by=arborist)
        .order_by("recorded_at", "pk")[: len(VOTES)]
    )
    for tree, vote in zip(trees, VOTES, strict=False):
        services.cast_vote(tree=tree, voter=arborist, **vote)
    _work_order(arborist)
    if stdout is not None:
        stdout.write(f"validation: {len(trees)} demo decisions")


def _work_order(arborist) -> None:
    """The tree at risk of falling: planned by the staff, assessed by the arborist."""
    staff = User.objects.filter(email=STAFF).first()
    item = WorkItem.objects.filter(risk=True).order_by("pk").first()
    if staff is None or item is None:
        return
    work_orders.plan_work(
        item=item,
        planned_by=staff,
        assignee_id=arborist.pk,
        due_date=timezone.localdate() + timedelta(days=14),
        cost="2400.00",
    )
    work_orders.assess_risk(
        item=item,
        assessed_by=arborist,
        likelihood_of_failure="probable",
        likelihood_of_impact="high",
        consequences="significant",
        target="Banqueta y parada de camión",
        notes="Rama codominante con corteza incluida sobre la banqueta.",
    )
