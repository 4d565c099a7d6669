"""Multi-criteria decision matrix for choosing pilot markets (pure Python + numpy, no Django).

Staff define criteria (key, weight, benefit or cost), score candidate markets, and compare the
TOPSIS and weighted-sum rankings, with a one-at-a-time weight sensitivity analysis. See
``docs/decisions/0021-mcda-library.md`` for why this is our own small module.
"""

from metropoli.markets.decision.errors import DecisionError, DecisionWarning
from metropoli.markets.decision.methods import TIE_TOLERANCE, rank
from metropoli.markets.decision.model import (
    Criterion,
    Direction,
    MethodResult,
    RankedAlternative,
    Ranking,
)
from metropoli.markets.decision.sensitivity import (
    DEFAULT_CHANGES,
    MethodStability,
    PerturbationOutcome,
    RankRange,
    SensitivityReport,
    SkippedPerturbation,
    sensitivity,
)

__all__ = [
    "DEFAULT_CHANGES",
    "TIE_TOLERANCE",
    "Criterion",
    "DecisionError",
    "DecisionWarning",
    "Direction",
    "MethodResult",
    "MethodStability",
    "PerturbationOutcome",
    "RankRange",
    "RankedAlternative",
    "Ranking",
    "SensitivityReport",
    "SkippedPerturbation",
    "rank",
    "sensitivity",
]
