"""The ISA risk matrices (pure Python, no database): the published cells and their order."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metropoli.validation.risk import (
    FAILURE_AND_IMPACT,
    RISK_RATING,
    Consequences,
    Failure,
    FailureAndImpact,
    Impact,
    Rating,
    assess,
    failure_and_impact,
    risk_rating,
)

failures = st.sampled_from(list(Failure))
impacts = st.sampled_from(list(Impact))
consequences = st.sampled_from(list(Consequences))


@pytest.mark.parametrize(
    ("failure", "impact", "expected"),
    [
        ("imminent", "high", "very_likely"),
        ("imminent", "medium", "likely"),
        ("imminent", "low", "somewhat_likely"),
        ("imminent", "very_low", "unlikely"),
        ("probable", "high", "likely"),
        ("probable", "medium", "somewhat_likely"),
        ("probable", "low", "unlikely"),
        ("possible", "high", "somewhat_likely"),
        ("possible", "medium", "unlikely"),
        ("improbable", "high", "unlikely"),
    ],
)
def test_matrix_one_gives_the_published_cells(failure, impact, expected):
    assert failure_and_impact(Failure(failure), Impact(impact)) is FailureAndImpact(expected)


@pytest.mark.parametrize(
    ("combined", "consequences", "expected"),
    [
        ("very_likely", "severe", "extreme"),
        ("very_likely", "significant", "high"),
        ("very_likely", "minor", "moderate"),
        ("very_likely", "negligible", "low"),
        ("likely", "severe", "high"),
        ("likely", "significant", "high"),
        ("likely", "minor", "moderate"),
        ("somewhat_likely", "severe", "moderate"),
        ("somewhat_likely", "significant", "moderate"),
        ("somewhat_likely", "minor", "low"),
        ("unlikely", "severe", "low"),
    ],
)
def test_matrix_two_gives_the_published_cells(combined, consequences, expected):
    rating = risk_rating(FailureAndImpact(combined), Consequences(consequences))
    assert rating is Rating(expected)


def test_every_cell_is_filled_once():
    assert set(FAILURE_AND_IMPACT) == set(Failure)
    assert all(len(row) == len(Impact) for row in FAILURE_AND_IMPACT.values())
    assert set(RISK_RATING) == set(FailureAndImpact)
    assert all(len(row) == len(Consequences) for row in RISK_RATING.values())
    # Only the worst of everything is extreme.
    extreme = [
        (f, i, c)
        for f in Failure
        for i in Impact
        for c in Consequences
        if assess(f, i, c).rating is Rating.EXTREME
    ]
    assert extreme == [(Failure.IMMINENT, Impact.HIGH, Consequences.SEVERE)]


@given(failures, failures, impacts, impacts)
def test_matrix_one_never_improves_when_failure_or_impact_worsen(f1, f2, i1, i2):
    low_f, high_f = sorted((f1, f2), key=lambda s: s.rank)
    low_i, high_i = sorted((i1, i2), key=lambda s: s.rank)
    assert failure_and_impact(low_f, low_i).rank <= failure_and_impact(high_f, high_i).rank


@given(failures, failures, impacts, impacts, consequences, consequences)
def test_the_rating_never_improves_when_any_judgement_worsens(f1, f2, i1, i2, c1, c2):
    low_f, high_f = sorted((f1, f2), key=lambda s: s.rank)
    low_i, high_i = sorted((i1, i2), key=lambda s: s.rank)
    low_c, high_c = sorted((c1, c2), key=lambda s: s.rank)
    better, worse = assess(low_f, low_i, low_c), assess(high_f, high_i, high_c)
    assert better.rating.rank <= worse.rating.rank
    assert better.priority <= worse.priority


@given(failures, impacts, consequences)
def test_an_assessment_is_the_two_matrices_chained(failure, impact, consequence):
    result = assess(failure.value, impact.value, consequence.value)
    assert result.failure_and_impact is failure_and_impact(failure, impact)
    assert result.rating is risk_rating(result.failure_and_impact, consequence)
    assert 1 <= result.priority <= 4
    assert result.rating.label


@given(st.text(min_size=1).filter(lambda s: s not in {f.value for f in Failure}))
def test_an_unknown_code_is_refused(code):
    with pytest.raises(ValueError):
        assess(code, "high", "severe")


def test_each_step_has_its_own_label_even_when_codes_repeat_across_scales():
    # "low" is a likelihood of impact and a rating: each keeps its own words.
    assert Impact.LOW.label == "Low" and Rating.LOW.label == "Low risk"
    assert Impact.HIGH.label == "High" and Rating.HIGH.label == "High risk"
    for scale in (Failure, Impact, FailureAndImpact, Consequences, Rating):
        assert len({step.label for step in scale}) == len(scale)
