"""Rank stability under one-at-a-time weight changes.

For each criterion j and each relative change d (default -20 %, -10 %, +10 %, +20 %), starting
from the normalised weights w (sum 1):
  w'_j = w_j * (1 + d)
  w'_i = w_i * (1 - w'_j) / (1 - w_j)  for every other criterion i,
so the perturbed criterion moves by exactly d and the others keep their proportions and make the
total 1 again. A change that would need w'_j >= 1 (or a problem with one criterion) leaves no
weight for the others; it is listed in ``skipped`` instead of being evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from metropoli.markets.decision.errors import DecisionError
from metropoli.markets.decision.methods import Problem
from metropoli.markets.decision.model import Criterion, MethodResult, Ranking

DEFAULT_CHANGES: tuple[float, ...] = (-0.2, -0.1, 0.1, 0.2)


@dataclass(frozen=True)
class PerturbationOutcome:
    """One method's ranking after changing one criterion's weight."""

    criterion: str
    change: float
    weights: tuple[float, ...]
    ranks: tuple[int, ...]
    order: tuple[str, ...]
    top_unchanged: bool
    ranking_unchanged: bool


@dataclass(frozen=True)
class RankRange:
    best: int
    worst: int


@dataclass(frozen=True)
class MethodStability:
    """How one method's ranking reacts to the perturbations.

    ``rank_ranges`` is aligned with the alternatives and spans the baseline rank and every
    evaluated perturbation, so a fully stable alternative has ``best == worst``.
    """

    perturbations: tuple[PerturbationOutcome, ...]
    rank_ranges: tuple[RankRange, ...]

    @property
    def top_always_unchanged(self) -> bool:
        return all(outcome.top_unchanged for outcome in self.perturbations)

    @property
    def ranking_always_unchanged(self) -> bool:
        return all(outcome.ranking_unchanged for outcome in self.perturbations)


@dataclass(frozen=True)
class SkippedPerturbation:
    criterion: str
    change: float


@dataclass(frozen=True)
class SensitivityReport:
    baseline: Ranking
    changes: tuple[float, ...]
    topsis: MethodStability
    weighted_sum: MethodStability
    skipped: tuple[SkippedPerturbation, ...]


def sensitivity(
    alternatives: Sequence[str],
    matrix: ArrayLike,
    criteria: Sequence[Criterion],
    *,
    changes: Sequence[float] = DEFAULT_CHANGES,
) -> SensitivityReport:
    """Re-rank with each criterion's weight changed by each of ``changes`` (relative)."""
    problem = Problem(alternatives, matrix, criteria)
    steps = _validate_changes(changes)
    baseline = problem.evaluate()
    topsis_outcomes: list[PerturbationOutcome] = []
    weighted_outcomes: list[PerturbationOutcome] = []
    skipped: list[SkippedPerturbation] = []
    for column, criterion in enumerate(problem.criteria):
        for change in steps:
            weights = _perturbed_weights(problem.weights, column, change)
            if weights is None:
                skipped.append(SkippedPerturbation(criterion.key, change))
                continue
            ranking = problem.evaluate(weights)
            used = ranking.weights
            topsis_outcomes.append(
                _outcome(criterion.key, change, used, baseline.topsis, ranking.topsis)
            )
            weighted_outcomes.append(
                _outcome(criterion.key, change, used, baseline.weighted_sum, ranking.weighted_sum)
            )
    return SensitivityReport(
        baseline=baseline,
        changes=steps,
        topsis=_stability(baseline.topsis, topsis_outcomes),
        weighted_sum=_stability(baseline.weighted_sum, weighted_outcomes),
        skipped=tuple(skipped),
    )


def _validate_changes(changes: Sequence[float]) -> tuple[float, ...]:
    steps = tuple(float(change) for change in changes)
    for change in steps:
        # -100 % or less would make the weight zero or negative; 0 % is the baseline itself.
        if not np.isfinite(change) or change <= -1 or change == 0:
            raise DecisionError(
                "invalid_change",
                "Cada variación de peso debe ser un número mayor que -100 % y distinto de 0 %; "
                f"se recibió {change:g}.",
                change=change,
            )
    return steps


def _perturbed_weights(weights: np.ndarray, column: int, change: float) -> np.ndarray | None:
    new_weight = weights[column] * (1 + change)
    others = 1.0 - weights[column]
    if len(weights) < 2 or new_weight >= 1.0 or others <= 0.0:
        return None
    perturbed = weights * ((1.0 - new_weight) / others)
    perturbed[column] = new_weight
    return perturbed


def _outcome(
    key: str,
    change: float,
    weights: tuple[float, ...],
    baseline: MethodResult,
    result: MethodResult,
) -> PerturbationOutcome:
    return PerturbationOutcome(
        criterion=key,
        change=change,
        weights=weights,
        ranks=result.ranks,
        order=result.order,
        top_unchanged=result.top == baseline.top,
        ranking_unchanged=result.ranks == baseline.ranks,
    )


def _stability(baseline: MethodResult, outcomes: list[PerturbationOutcome]) -> MethodStability:
    all_ranks = [baseline.ranks, *(outcome.ranks for outcome in outcomes)]
    ranges = tuple(
        RankRange(best=min(column), worst=max(column)) for column in zip(*all_ranks, strict=True)
    )
    return MethodStability(perturbations=tuple(outcomes), rank_ranges=ranges)
