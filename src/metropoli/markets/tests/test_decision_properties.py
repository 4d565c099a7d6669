"""Decision matrix: properties that must hold for any well-formed input."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from metropoli.markets.decision import Criterion, Direction, rank, sensitivity

# Criteria are measurements: six decimals are plenty. Unrounded, hypothesis finds values such as
# 5e-324 whose scaled copy underflows to 0.0, a precision artefact rather than a ranking bug.
values = st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False).map(
    lambda v: round(v, 6)
)
weights = st.floats(min_value=0.1, max_value=10)
directions = st.sampled_from(list(Direction))


@st.composite
def problems(draw, min_rows=2, require_variation=True):
    rows = draw(st.integers(min_value=min_rows, max_value=6))
    columns = draw(st.integers(min_value=1, max_value=5))
    matrix = draw(
        st.lists(st.lists(values, min_size=columns, max_size=columns), min_size=rows, max_size=rows)
    )
    criteria = [Criterion(f"c{j}", draw(weights), draw(directions)) for j in range(columns)]
    names = [f"m{i}" for i in range(rows)]
    # A problem where no column varies has no ranking at all (tested separately).
    if require_variation:
        assume(np.ptp(np.array(matrix), axis=0).any())
    return names, matrix, criteria


@given(problems())
def test_scores_lie_in_unit_interval(problem):
    result = rank(*problem)

    for scores in (result.topsis.scores, result.weighted_sum.scores):
        assert all(0.0 <= score <= 1.0 for score in scores)


@given(problems(min_rows=1, require_variation=False), st.data())
def test_dominating_alternative_ranks_first_in_both_methods(problem, data):
    names, matrix, criteria = problem
    array = np.array(matrix)
    # Strictly better than every other alternative on every criterion.
    margin = data.draw(st.floats(min_value=1, max_value=100))
    best = [
        float(
            array[:, j].min() - margin
            if c.direction is Direction.COST
            else array[:, j].max() + margin
        )
        for j, c in enumerate(criteria)
    ]
    position = data.draw(st.integers(min_value=0, max_value=len(names)))
    names = [*names[:position], "dominant", *names[position:]]
    matrix = [*matrix[:position], best, *matrix[position:]]

    result = rank(names, matrix, criteria)

    for method in (result.topsis, result.weighted_sum):
        assert method.top == frozenset({"dominant"})
        assert method.ranks[position] == 1
        assert method.order[0] == "dominant"


@given(problems(), st.data())
def test_scaling_a_benefit_column_keeps_topsis_ranking(problem, data):
    names, matrix, criteria = problem
    benefit = [j for j, c in enumerate(criteria) if c.direction is Direction.BENEFIT]
    assume(benefit)
    column = data.draw(st.sampled_from(benefit))
    factor = data.draw(st.floats(min_value=1e-3, max_value=1e3))
    scaled = [[v * factor if j == column else v for j, v in enumerate(row)] for row in matrix]

    before = rank(names, matrix, criteria)
    after = rank(names, scaled, criteria)

    assert np.allclose(after.topsis.scores, before.topsis.scores, rtol=0, atol=1e-9)
    assert after.topsis.ranks == before.topsis.ranks
    assert after.topsis.order == before.topsis.order


@given(problems(), st.randoms(use_true_random=False))
def test_permuting_alternatives_permutes_results(problem, random):
    names, matrix, criteria = problem
    permutation = list(range(len(names)))
    random.shuffle(permutation)

    before = rank(names, matrix, criteria)
    after = rank([names[i] for i in permutation], [matrix[i] for i in permutation], criteria)

    for old, new in ((before.topsis, after.topsis), (before.weighted_sum, after.weighted_sum)):
        assert np.allclose(new.scores, [old.scores[i] for i in permutation], rtol=0, atol=1e-12)
        assert new.ranks == tuple(old.ranks[i] for i in permutation)
        assert new.order == old.order


@given(problems())
def test_sensitivity_rank_ranges_contain_baseline_and_every_perturbation(problem):
    report = sensitivity(*problem)

    for baseline, stability in (
        (report.baseline.topsis, report.topsis),
        (report.baseline.weighted_sum, report.weighted_sum),
    ):
        evaluated = len(stability.perturbations) + len(report.skipped)
        assert evaluated == len(problem[2]) * len(report.changes)
        for index, rank_range in enumerate(stability.rank_ranges):
            observed = [baseline.ranks[index]] + [o.ranks[index] for o in stability.perturbations]
            assert (rank_range.best, rank_range.worst) == (min(observed), max(observed))
        for outcome in stability.perturbations:
            assert abs(sum(outcome.weights) - 1.0) < 1e-12
            assert outcome.ranking_unchanged == (outcome.ranks == baseline.ranks)
