"""Value objects of the decision matrix: criteria in, rankings out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from numbers import Real

from metropoli.markets.decision.errors import DecisionError, DecisionWarning


class Direction(StrEnum):
    """Whether more of a criterion is better (benefit) or worse (cost)."""

    BENEFIT = "benefit"
    COST = "cost"


@dataclass(frozen=True)
class Criterion:
    """A column of the decision matrix.

    ``weight`` is any positive number; weights are normalised to sum to 1 when ranking, so staff
    may think in points (30, 20, ...) or in fractions.
    """

    key: str
    weight: float
    direction: Direction = Direction.BENEFIT

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key.strip():
            raise DecisionError(
                "invalid_criterion_key",
                "Cada criterio necesita una clave no vacía.",
                key=self.key,
            )
        # bool is a Real in Python; True as a weight is almost certainly a form bug.
        weight = self.weight
        if (
            isinstance(weight, bool)
            or not isinstance(weight, Real)
            or not math.isfinite(weight)
            or weight <= 0
        ):
            raise DecisionError(
                "weight_not_positive",
                f"El peso del criterio «{self.key}» debe ser un número positivo; "
                f"se recibió {weight!r}.",
                criterion=self.key,
                weight=weight,
            )
        try:
            direction = Direction(self.direction)
        except ValueError:
            raise DecisionError(
                "invalid_direction",
                f"La dirección del criterio «{self.key}» debe ser «benefit» (más es mejor) "
                f"o «cost» (menos es mejor); se recibió {self.direction!r}.",
                criterion=self.key,
                direction=self.direction,
            ) from None
        # Frozen dataclass: object.__setattr__ is the documented way to normalise in post-init.
        object.__setattr__(self, "weight", float(weight))
        object.__setattr__(self, "direction", direction)


@dataclass(frozen=True)
class MethodResult:
    """Scores and ranks of one method, aligned with ``Ranking.alternatives`` (input order).

    ``order`` lists the alternatives best first; tied alternatives share the better rank
    (competition ranking: 1, 2, 2, 4) and are listed by name.
    """

    scores: tuple[float, ...]
    ranks: tuple[int, ...]
    order: tuple[str, ...]

    @property
    def top(self) -> frozenset[str]:
        """Every alternative ranked first (more than one only when tied)."""
        # ``order`` is sorted by rank, so the first-ranked alternatives are its head.
        return frozenset(self.order[: self.ranks.count(1)])


@dataclass(frozen=True)
class RankedAlternative:
    """One row of the side-by-side table."""

    name: str
    topsis_score: float
    topsis_rank: int
    weighted_sum_score: float
    weighted_sum_rank: int


@dataclass(frozen=True)
class Ranking:
    """TOPSIS and weighted-sum results for the same matrix, side by side.

    ``weights`` are the normalised weights (sum 1) in criteria order. ``non_discriminating``
    names criteria whose values are all equal: they cannot tell alternatives apart, so they were
    given zero effect (their weight still counts in the normalisation, see ``warnings``).
    """

    alternatives: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    weights: tuple[float, ...]
    topsis: MethodResult
    weighted_sum: MethodResult
    non_discriminating: tuple[str, ...]
    warnings: tuple[DecisionWarning, ...]

    def rows(self) -> tuple[RankedAlternative, ...]:
        """Table rows ordered by TOPSIS rank, then name."""
        rows = [
            RankedAlternative(
                name=name,
                topsis_score=self.topsis.scores[index],
                topsis_rank=self.topsis.ranks[index],
                weighted_sum_score=self.weighted_sum.scores[index],
                weighted_sum_rank=self.weighted_sum.ranks[index],
            )
            for index, name in enumerate(self.alternatives)
        ]
        return tuple(sorted(rows, key=lambda row: (row.topsis_rank, row.name)))
