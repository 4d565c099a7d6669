"""TOPSIS and weighted sum over a validated decision matrix.

Rows are alternatives (candidate markets), columns are criteria.

TOPSIS (Hwang & Yoon, 1981), classic form:
  1. vector normalisation per column: r_ij = x_ij / sqrt(sum_i x_ij^2);
  2. weighting: v_ij = w_j * r_ij, with the weights normalised to sum 1;
  3. ideal A+ = best v per column (max for benefit, min for cost), anti-ideal A- = worst;
  4. Euclidean distances D+_i to A+ and D-_i to A-;
  5. closeness C_i = D-_i / (D+_i + D-_i), in [0, 1]; higher is better.

Weighted sum: min-max normalisation that respects direction, so every column lands in [0, 1]
with 1 = best observed value: r_ij = (x_ij - min_j) / (max_j - min_j) for benefit,
r_ij = (max_j - x_ij) / (max_j - min_j) for cost; score S_i = sum_j w_j r_ij, in [0, 1].
Scores are relative to the candidates being compared, not absolute grades.

A column whose values are all equal cannot discriminate: both methods give it zero effect (its
normalised values are set to 0) instead of dividing by a zero range or norm.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from metropoli.markets.decision.errors import DecisionError, DecisionWarning
from metropoli.markets.decision.model import Criterion, Direction, MethodResult, Ranking

# Scores closer than this are a tie: the same data reached through a different floating-point
# path (e.g. rows in another order) must not produce a different ranking.
TIE_TOLERANCE = 1e-12

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class Problem:
    """A validated decision matrix, reusable across weight perturbations."""

    def __init__(
        self,
        alternatives: Sequence[str],
        matrix: ArrayLike,
        criteria: Sequence[Criterion],
    ) -> None:
        self.alternatives = _validate_alternatives(alternatives)
        self.criteria = _validate_criteria(criteria)
        self.values = _validate_matrix(matrix, self.alternatives, self.criteria)
        self.is_cost: BoolArray = np.array(
            [criterion.direction is Direction.COST for criterion in self.criteria]
        )
        self.constant: BoolArray = np.ptp(self.values, axis=0) == 0
        if self.constant.all():
            raise DecisionError(
                "no_discriminating_criterion",
                "Ningún criterio distingue entre las alternativas: en cada uno todas tienen el "
                "mismo valor.",
            )
        raw = np.array([criterion.weight for criterion in self.criteria])
        self.weights: FloatArray = raw / raw.sum()

    @property
    def non_discriminating(self) -> tuple[str, ...]:
        return tuple(c.key for c, flat in zip(self.criteria, self.constant, strict=True) if flat)

    def evaluate(self, weights: FloatArray | None = None) -> Ranking:
        """Rank with the given normalised weights (default: the criteria's own)."""
        used = self.weights if weights is None else weights
        topsis = _method_result(self.alternatives, topsis_scores(self, used))
        weighted = _method_result(self.alternatives, weighted_sum_scores(self, used))
        warnings = tuple(
            DecisionWarning(
                code="non_discriminating_criterion",
                message=(
                    f"Todas las alternativas tienen el mismo valor en «{key}»; este criterio no "
                    "distingue entre ellas y no influye en la clasificación."
                ),
                params={"criterion": key},
            )
            for key in self.non_discriminating
        )
        return Ranking(
            alternatives=self.alternatives,
            criteria=self.criteria,
            weights=tuple(float(w) for w in used),
            topsis=topsis,
            weighted_sum=weighted,
            non_discriminating=self.non_discriminating,
            warnings=warnings,
        )


def rank(
    alternatives: Sequence[str],
    matrix: ArrayLike,
    criteria: Sequence[Criterion],
) -> Ranking:
    """Rank ``alternatives`` (rows of ``matrix``) on ``criteria`` (its columns), both methods."""
    return Problem(alternatives, matrix, criteria).evaluate()


def topsis_scores(problem: Problem, weights: FloatArray) -> FloatArray:
    values = problem.values
    # Dividing by the largest magnitude first keeps x**2 from overflowing; it cancels out in
    # x / ||x||, so the result is the classic vector normalisation.
    scale = np.abs(values).max(axis=0)
    scale[problem.constant] = 1.0
    scaled = values / scale
    norms = np.sqrt((scaled**2).sum(axis=0))
    norms[problem.constant] = 1.0
    normalised = np.where(problem.constant, 0.0, scaled / norms)
    weighted = normalised * weights
    best = np.where(problem.is_cost, weighted.min(axis=0), weighted.max(axis=0))
    worst = np.where(problem.is_cost, weighted.max(axis=0), weighted.min(axis=0))
    to_best = np.sqrt(((weighted - best) ** 2).sum(axis=1))
    to_worst = np.sqrt(((weighted - worst) ** 2).sum(axis=1))
    # Positive for every row: at least one column discriminates and carries positive weight, and
    # no value can equal both its column's best and worst there.
    return to_worst / (to_best + to_worst)


def weighted_sum_scores(problem: Problem, weights: FloatArray) -> FloatArray:
    values = problem.values
    low = values.min(axis=0)
    high = values.max(axis=0)
    span = np.where(problem.constant, 1.0, high - low)
    gain = np.where(problem.is_cost, high - values, values - low) / span
    normalised = np.where(problem.constant, 0.0, gain)
    # Weights sum to 1 only up to rounding; clipping keeps the documented [0, 1] range exact.
    return np.clip(normalised @ weights, 0.0, 1.0)


def competition_ranks(
    names: Sequence[str], scores: Sequence[float]
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Ranks (higher score is better) aligned with ``names``, and names best first.

    Scores within ``TIE_TOLERANCE`` of the first score of their group share that group's rank,
    the better one; inside a group names are sorted so the order never depends on input order.
    """
    by_score = sorted(range(len(names)), key=lambda i: (-scores[i], names[i]))
    groups: list[list[int]] = []
    for index in by_score:
        if groups and scores[groups[-1][0]] - scores[index] <= TIE_TOLERANCE:
            groups[-1].append(index)
        else:
            groups.append([index])
    ranks = [0] * len(names)
    order: list[str] = []
    position = 1
    for group in groups:
        for index in sorted(group, key=lambda i: names[i]):
            ranks[index] = position
            order.append(names[index])
        position += len(group)
    return tuple(ranks), tuple(order)


def _method_result(names: tuple[str, ...], scores: FloatArray) -> MethodResult:
    as_floats = tuple(float(score) for score in scores)
    ranks, order = competition_ranks(names, as_floats)
    return MethodResult(scores=as_floats, ranks=ranks, order=order)


def _validate_alternatives(alternatives: Sequence[str]) -> tuple[str, ...]:
    names = tuple(alternatives)
    if len(names) < 2:
        raise DecisionError(
            "too_few_alternatives",
            f"Se necesitan al menos 2 alternativas para comparar; se recibieron {len(names)}.",
            count=len(names),
        )
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise DecisionError(
                "invalid_alternative_name",
                f"Cada alternativa necesita un nombre no vacío; se recibió {name!r}.",
                name=name,
            )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise DecisionError(
            "duplicate_alternative",
            f"Hay alternativas repetidas: {', '.join(duplicates)}.",
            names=duplicates,
        )
    return names


def _validate_criteria(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    items = tuple(criteria)
    if not items:
        raise DecisionError("no_criteria", "Defina al menos un criterio.")
    keys = [criterion.key for criterion in items]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise DecisionError(
            "duplicate_criterion",
            f"Hay criterios repetidos: {', '.join(duplicates)}.",
            keys=duplicates,
        )
    return items


def _validate_matrix(
    matrix: ArrayLike,
    alternatives: tuple[str, ...],
    criteria: tuple[Criterion, ...],
) -> FloatArray:
    expected = (len(alternatives), len(criteria))
    try:
        values = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        # Ragged rows and non-numeric cells both land here; the shape message fits the first,
        # the code stays the same so the API can point at the table as a whole.
        raise DecisionError(
            "invalid_matrix",
            f"La matriz debe ser una tabla de números con {expected[0]} filas (una por "
            f"alternativa) y {expected[1]} columnas (una por criterio).",
            expected_shape=expected,
        ) from None
    if values.shape != expected:
        raise DecisionError(
            "shape_mismatch",
            f"La matriz debe tener {expected[0]} filas (una por alternativa) y {expected[1]} "
            f"columnas (una por criterio); tiene la forma {values.shape}.",
            expected_shape=expected,
            shape=values.shape,
        )
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        row, column = (int(i) for i in bad[0])
        raise DecisionError(
            "value_not_finite",
            f"El valor de «{alternatives[row]}» en el criterio «{criteria[column].key}» no es "
            "un número (vacío, NaN o infinito).",
            alternative=alternatives[row],
            criterion=criteria[column].key,
        )
    return values
