"""Edits of the pilot-market selection matrix (its analysis is the pure `pilot_matrix`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metropoli.common.errors import DomainError
from metropoli.common.transactions import retrying_atomic

from ..errors import MarketErrorCode
from ..models import SelectionCandidate, SelectionCriterion, SelectionScore


@dataclass(frozen=True)
class MatrixChanges:
    criteria: dict[int, tuple[Decimal, str]]
    values: dict[tuple[int, int], Decimal]
    new_criterion: tuple[str, str, Decimal, str] | None = None
    new_candidate: tuple[str, object] | None = None


@retrying_atomic
def save_selection_matrix(*, changes: MatrixChanges) -> None:
    """Weights, directions and values of the matrix; optionally one new criterion/candidate."""
    for pk, (weight, direction) in changes.criteria.items():
        if weight <= 0:
            raise DomainError(MarketErrorCode.WEIGHT_NOT_POSITIVE)
        SelectionCriterion.objects.filter(pk=pk).update(weight=weight, direction=direction)
    for (candidate_id, criterion_id), value in changes.values.items():
        SelectionScore.objects.update_or_create(
            candidate_id=candidate_id, criterion_id=criterion_id, defaults={"value": value}
        )
    if changes.new_criterion is not None:
        key, name, weight, direction = changes.new_criterion
        criterion = SelectionCriterion.objects.create(
            key=key, name=name, weight=weight, direction=direction
        )
        SelectionScore.objects.bulk_create(
            SelectionScore(candidate=c, criterion=criterion, value=Decimal(0))
            for c in SelectionCandidate.objects.all()
        )
    if changes.new_candidate is not None:
        name, municipality = changes.new_candidate
        candidate = SelectionCandidate.objects.create(name=name, municipality=municipality)
        SelectionScore.objects.bulk_create(
            SelectionScore(candidate=candidate, criterion=c, value=Decimal(0))
            for c in SelectionCriterion.objects.all()
        )
