"""The two matrices of the ISA Tree Risk Assessment (TRAQ), as pure Python.

Likelihood of failure × likelihood of impacting the target → likelihood of failure and impact;
that × consequences of the failure → the risk rating (Dunster, Smiley, Matheny & Lilly, *Tree
Risk Assessment Manual*, ISA 2013, tables 1 and 2). No Django import: the Django layer stores
the codes and translates the labels (docs/decisions/0072-isa-risk-matrices-and-queue-order.md).
Each scale is ordered from least to most: a worse input never gives a better result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from metropoli.common.i18n import gettext_noop


class Scale(StrEnum):
    """A step of an ordered scale: compare steps of the same scale with ``rank``."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)

    @property
    def label(self) -> str:
        # Keyed by scale too: Impact.LOW == Rating.LOW == "low" as strings.
        return LABELS[type(self), self.value]


class Failure(Scale):
    """Likelihood that the tree or part fails within the time frame."""

    IMPROBABLE = "improbable"
    POSSIBLE = "possible"
    PROBABLE = "probable"
    IMMINENT = "imminent"


class Impact(Scale):
    """Likelihood that the failed tree or part hits the target."""

    VERY_LOW = "very_low"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class FailureAndImpact(Scale):
    """Likelihood of failure and impact (matrix 1)."""

    UNLIKELY = "unlikely"
    SOMEWHAT_LIKELY = "somewhat_likely"
    LIKELY = "likely"
    VERY_LIKELY = "very_likely"


class Consequences(Scale):
    """Consequences of the failure for the target."""

    NEGLIGIBLE = "negligible"
    MINOR = "minor"
    SIGNIFICANT = "significant"
    SEVERE = "severe"


class Rating(Scale):
    """The risk rating (matrix 2)."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    EXTREME = "extreme"


_U, _S, _L, _V = (
    FailureAndImpact.UNLIKELY,
    FailureAndImpact.SOMEWHAT_LIKELY,
    FailureAndImpact.LIKELY,
    FailureAndImpact.VERY_LIKELY,
)
# Matrix 1 — rows: failure; columns: impact (very low, low, medium, high).
FAILURE_AND_IMPACT: dict[Failure, tuple[FailureAndImpact, ...]] = {
    Failure.IMPROBABLE: (_U, _U, _U, _U),
    Failure.POSSIBLE: (_U, _U, _U, _S),
    Failure.PROBABLE: (_U, _U, _S, _L),
    Failure.IMMINENT: (_U, _S, _L, _V),
}

_LO, _MO, _HI, _EX = Rating.LOW, Rating.MODERATE, Rating.HIGH, Rating.EXTREME
# Matrix 2 — rows: failure and impact; columns: consequences (negligible … severe).
RISK_RATING: dict[FailureAndImpact, tuple[Rating, ...]] = {
    FailureAndImpact.UNLIKELY: (_LO, _LO, _LO, _LO),
    FailureAndImpact.SOMEWHAT_LIKELY: (_LO, _LO, _MO, _MO),
    FailureAndImpact.LIKELY: (_LO, _MO, _HI, _HI),
    FailureAndImpact.VERY_LIKELY: (_LO, _MO, _HI, _EX),
}

LABELS: dict[tuple[type[Scale], str], str] = {
    (Failure, Failure.IMPROBABLE.value): gettext_noop("Improbable"),
    (Failure, Failure.POSSIBLE.value): gettext_noop("Possible"),
    (Failure, Failure.PROBABLE.value): gettext_noop("Probable"),
    (Failure, Failure.IMMINENT.value): gettext_noop("Imminent"),
    (Impact, Impact.VERY_LOW.value): gettext_noop("Very low"),
    (Impact, Impact.LOW.value): gettext_noop("Low"),
    (Impact, Impact.MEDIUM.value): gettext_noop("Medium"),
    (Impact, Impact.HIGH.value): gettext_noop("High"),
    (FailureAndImpact, FailureAndImpact.UNLIKELY.value): gettext_noop("Unlikely"),
    (FailureAndImpact, FailureAndImpact.SOMEWHAT_LIKELY.value): gettext_noop("Somewhat likely"),
    (FailureAndImpact, FailureAndImpact.LIKELY.value): gettext_noop("Likely"),
    (FailureAndImpact, FailureAndImpact.VERY_LIKELY.value): gettext_noop("Very likely"),
    (Consequences, Consequences.NEGLIGIBLE.value): gettext_noop("Negligible"),
    (Consequences, Consequences.MINOR.value): gettext_noop("Minor"),
    (Consequences, Consequences.SIGNIFICANT.value): gettext_noop("Significant"),
    (Consequences, Consequences.SEVERE.value): gettext_noop("Severe"),
    (Rating, Rating.LOW.value): gettext_noop("Low risk"),
    (Rating, Rating.MODERATE.value): gettext_noop("Moderate risk"),
    (Rating, Rating.HIGH.value): gettext_noop("High risk"),
    (Rating, Rating.EXTREME.value): gettext_noop("Extreme risk"),
}


def failure_and_impact(failure: Failure, impact: Impact) -> FailureAndImpact:
    """Matrix 1: how likely the tree fails and hits its target."""
    return FAILURE_AND_IMPACT[Failure(failure)][Impact(impact).rank]


def risk_rating(combined: FailureAndImpact, consequences: Consequences) -> Rating:
    """Matrix 2: the risk rating of a likelihood of failure and impact and its consequences."""
    return RISK_RATING[FailureAndImpact(combined)][Consequences(consequences).rank]


@dataclass(frozen=True)
class Assessment:
    """One target's assessment: the three judgements and what the matrices make of them."""

    failure: Failure
    impact: Impact
    consequences: Consequences
    failure_and_impact: FailureAndImpact
    rating: Rating

    @property
    def priority(self) -> int:
        """1 (low) … 4 (extreme): the work queue's first sort key; 0 means not assessed."""
        return self.rating.rank + 1


def assess(failure: str, impact: str, consequences: str) -> Assessment:
    """Both matrices from the three codes (ValueError on an unknown code)."""
    failure_, impact_, consequences_ = Failure(failure), Impact(impact), Consequences(consequences)
    combined = failure_and_impact(failure_, impact_)
    return Assessment(
        failure=failure_,
        impact=impact_,
        consequences=consequences_,
        failure_and_impact=combined,
        rating=risk_rating(combined, consequences_),
    )
