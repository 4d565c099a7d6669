"""Demo data of Treender: the Guadalajara arborist has reviewed a few records, two of them
flagged, so the dashboard and the work queue have something to show. Idempotent."""

from metropoli.accounts.models import User
from metropoli.territory.models import Municipality
from metropoli.trees.models import Source, Tree, ValidationState

from . import services
from .models import Decision

ARBORIST = "arbolista.gdl@demo.metropoli.mx"
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
    if stdout is not None:
        stdout.write(f"validation: {len(trees)} demo decisions")
