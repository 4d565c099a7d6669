"""Decision matrix: hand-computed examples, a textbook example and validation errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from metropoli.markets.decision import Criterion, DecisionError, Direction, rank, sensitivity

MARKETS = ["corona", "libertad", "abastos"]
CRITERIA = [
    Criterion("conectividad", 5),
    Criterion("smartphones", 3),
    Criterion("distancia_bodega", 2, Direction.COST),
]
# corona, libertad, abastos (rows) x the criteria above (columns)
MATRIX = [
    [3, 1, 1],
    [4, 2, 2],
    [0, 2, 2],
]


def test_topsis_matches_hand_computation():
    # Weights 5, 3, 2 normalise to 0.5, 0.3, 0.2.
    # Column norms: sqrt(9+16+0) = 5, sqrt(1+4+4) = 3, sqrt(1+4+4) = 3.
    # Normalised r: col1 (0.6, 0.8, 0), col2 (1/3, 2/3, 2/3), col3 (1/3, 2/3, 2/3).
    # Weighted v:   col1 (0.3, 0.4, 0), col2 (0.1, 0.2, 0.2), col3 (1/15, 2/15, 2/15).
    # Ideal A+ = (0.4, 0.2, 1/15) (col3 is a cost: its ideal is the minimum);
    # anti-ideal A- = (0, 0.1, 2/15).
    # corona   v=(0.3, 0.1, 1/15): D+ = sqrt(0.1^2 + 0.1^2 + 0) = sqrt(0.02)
    #                              D- = sqrt(0.3^2 + 0 + (1/15)^2) = sqrt(17/180)
    # libertad v=(0.4, 0.2, 2/15): D+ = sqrt(0 + 0 + (1/15)^2) = 1/15
    #                              D- = sqrt(0.4^2 + 0.1^2 + 0) = sqrt(0.17)
    # abastos  v=(0, 0.2, 2/15):   D+ = sqrt(0.4^2 + 0 + (1/15)^2) = sqrt(37)/15
    #                              D- = sqrt(0 + 0.1^2 + 0) = 0.1
    # C = D- / (D+ + D-) -> corona 0.6848475..., libertad 0.8608145..., abastos 0.1978170...
    expected = (
        math.sqrt(17 / 180) / (math.sqrt(0.02) + math.sqrt(17 / 180)),
        math.sqrt(0.17) / (1 / 15 + math.sqrt(0.17)),
        0.1 / (math.sqrt(37) / 15 + 0.1),
    )

    result = rank(MARKETS, MATRIX, CRITERIA)

    assert result.weights == pytest.approx((0.5, 0.3, 0.2), abs=1e-15)
    assert result.topsis.scores == pytest.approx(expected, abs=1e-9)
    assert result.topsis.scores == pytest.approx((0.6848475, 0.8608145, 0.1978170), abs=1e-7)
    assert result.topsis.ranks == (2, 1, 3)
    assert result.topsis.order == ("libertad", "corona", "abastos")
    assert result.non_discriminating == ()
    assert result.warnings == ()


def test_weighted_sum_matches_hand_computation():
    # Min-max per column, best observed value -> 1:
    # col1 benefit, min 0 max 4: (0.75, 1, 0)
    # col2 benefit, min 1 max 2: (0, 1, 1)
    # col3 cost,    min 1 max 2: ((2-1)/1, (2-2)/1, (2-2)/1) = (1, 0, 0)
    # S = 0.5*col1 + 0.3*col2 + 0.2*col3:
    # corona 0.375 + 0 + 0.2 = 0.575; libertad 0.5 + 0.3 + 0 = 0.8; abastos 0 + 0.3 + 0 = 0.3
    result = rank(MARKETS, MATRIX, CRITERIA)

    assert result.weighted_sum.scores == pytest.approx((0.575, 0.8, 0.3), abs=1e-12)
    assert result.weighted_sum.ranks == (2, 1, 3)
    assert result.weighted_sum.order == ("libertad", "corona", "abastos")


def test_rows_put_both_methods_side_by_side_in_topsis_order():
    rows = rank(MARKETS, MATRIX, CRITERIA).rows()

    assert [row.name for row in rows] == ["libertad", "corona", "abastos"]
    assert [(row.topsis_rank, row.weighted_sum_rank) for row in rows] == [(1, 1), (2, 2), (3, 3)]
    assert rows[0].weighted_sum_score == pytest.approx(0.8, abs=1e-12)


def test_textbook_fighter_aircraft_example():
    # Hwang & Yoon (1981), "Multiple Attribute Decision Making", fighter-aircraft example:
    # max speed (Mach), ferry range (NM), max payload (lb), cost (10^6 $, a cost criterion),
    # reliability and manoeuvrability on a 1-9 interval scale; weights 0.2, 0.1, 0.1, 0.1,
    # 0.2, 0.3. Published relative closeness: A1 0.643, A2 0.268, A3 0.613, A4 0.312. The book
    # rounds intermediate steps (exact arithmetic gives A3 0.6135), hence the 1e-3 tolerance.
    criteria = [
        Criterion("max_speed", 0.2),
        Criterion("ferry_range", 0.1),
        Criterion("max_payload", 0.1),
        Criterion("cost", 0.1, Direction.COST),
        Criterion("reliability", 0.2),
        Criterion("maneuverability", 0.3),
    ]
    matrix = [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]

    result = rank(["A1", "A2", "A3", "A4"], matrix, criteria)

    assert result.topsis.scores == pytest.approx((0.643, 0.268, 0.613, 0.312), abs=1e-3)
    assert result.topsis.order == ("A1", "A3", "A4", "A2")


def test_ties_share_the_better_rank_and_are_ordered_by_name():
    criteria = [Criterion("a", 1), Criterion("b", 1)]
    matrix = [[5, 5], [1, 1], [5, 5], [1, 1]]

    result = rank(["zapopan", "tonala", "centro", "alamo"], matrix, criteria)

    for method in (result.topsis, result.weighted_sum):
        assert method.ranks == (1, 3, 1, 3)
        assert method.order == ("centro", "zapopan", "alamo", "tonala")
        assert method.top == frozenset({"centro", "zapopan"})


def test_all_equal_criterion_has_zero_effect_and_is_reported():
    # Adding a constant column with raw weight 10 makes the weights 0.25, 0.15, 0.1, 0.5.
    # TOPSIS: the constant column adds 0 to every distance and the other weights are all halved,
    # so every D+ and D- halves and the closeness coefficients are unchanged.
    # Weighted sum: the constant column contributes 0, the others carry half their former
    # weight, so scores halve: 0.2875, 0.4, 0.15.
    criteria = [*CRITERIA, Criterion("ocupacion", 10)]
    matrix = [[*row, 7] for row in MATRIX]

    result = rank(MARKETS, matrix, criteria)
    base = rank(MARKETS, MATRIX, CRITERIA)

    assert result.non_discriminating == ("ocupacion",)
    assert [w.code for w in result.warnings] == ["non_discriminating_criterion"]
    assert "ocupacion" in result.warnings[0].message
    assert result.topsis.scores == pytest.approx(base.topsis.scores, abs=1e-12)
    assert result.weighted_sum.scores == pytest.approx((0.2875, 0.4, 0.15), abs=1e-12)
    assert result.topsis.ranks == result.weighted_sum.ranks == (2, 1, 3)


def test_all_zero_criterion_does_not_divide_by_zero():
    criteria = [Criterion("a", 1), Criterion("cobertura", 1)]

    with np.errstate(all="raise"):
        result = rank(["x", "y"], [[1, 0], [2, 0]], criteria)

    assert result.non_discriminating == ("cobertura",)
    assert result.topsis.scores == (0.0, 1.0)
    assert result.weighted_sum.scores == (0.0, 0.5)


@pytest.mark.parametrize(
    ("alternatives", "matrix", "criteria", "code"),
    [
        (["a"], [[1]], [Criterion("c", 1)], "too_few_alternatives"),
        ([], [], [Criterion("c", 1)], "too_few_alternatives"),
        (["a", "b"], [[1], [2]], [], "no_criteria"),
        (["a", "b"], [[1, 2], [3, 4]], [Criterion("c", 1)], "shape_mismatch"),
        (["a", "b", "c"], [[1], [2]], [Criterion("c", 1)], "shape_mismatch"),
        (["a", "b"], [[1, 2], [3]], [Criterion("c", 1), Criterion("d", 1)], "invalid_matrix"),
        (["a", "b"], [["x"], [3]], [Criterion("c", 1)], "invalid_matrix"),
        (["a", "b"], [[1], [math.nan]], [Criterion("c", 1)], "value_not_finite"),
        (["a", "b"], [[math.inf], [1]], [Criterion("c", 1)], "value_not_finite"),
        (["a", "a"], [[1], [2]], [Criterion("c", 1)], "duplicate_alternative"),
        (["a", " "], [[1], [2]], [Criterion("c", 1)], "invalid_alternative_name"),
        (["a", "b"], [[1, 1], [2, 2]], [Criterion("c", 1)] * 2, "duplicate_criterion"),
        (
            ["a", "b"],
            [[1, 3], [1, 3]],
            [Criterion("c", 1), Criterion("d", 1)],
            "no_discriminating_criterion",
        ),
    ],
)
def test_invalid_input_raises_coded_error(alternatives, matrix, criteria, code):
    with pytest.raises(DecisionError) as raised:
        rank(alternatives, matrix, criteria)

    assert raised.value.code == code
    assert raised.value.message


def test_nan_error_names_the_cell():
    with pytest.raises(DecisionError) as raised:
        rank(
            ["corona", "libertad"], [[1, 2], [3, math.nan]], [Criterion("a", 1), Criterion("b", 1)]
        )

    assert raised.value.message == (
        "El valor de «libertad» en el criterio «b» no es un número (vacío, NaN o infinito)."
    )


@pytest.mark.parametrize("weight", [0, -1, -0.5, math.nan, math.inf, True, "3"])
def test_weight_must_be_a_positive_number(weight):
    with pytest.raises(DecisionError) as raised:
        Criterion("conectividad", weight)

    assert raised.value.code == "weight_not_positive"
    assert "conectividad" in raised.value.message


def test_direction_accepts_strings_and_rejects_unknown_values():
    assert Criterion("c", 1, "cost").direction is Direction.COST  # type: ignore[arg-type]

    with pytest.raises(DecisionError) as raised:
        Criterion("c", 1, "more")  # type: ignore[arg-type]

    assert raised.value.code == "invalid_direction"


# --- sensitivity -------------------------------------------------------------------------------


def test_sensitivity_detects_flips_with_renormalised_weights():
    # Two markets, each best on one criterion; weights 0.52 / 0.48.
    # Weighted sum: A = 0.52 * 1 = w1, B = w2. TOPSIS: v_A = (w1, 0), v_B = (0, w2),
    # A+ = (w1, w2), A- = (0, 0) -> C_A = w1 / (w1 + w2) = w1 and C_B = w2. So whoever has the
    # larger weight wins in both methods.
    # c1 -10 %: w1 = 0.468, w2 = 0.48 * (1 - 0.468) / 0.48 = 0.532 -> B wins (flip)
    # c1 +10 %: w1 = 0.572, w2 = 0.428 -> A stays
    # c2 -10 %: w2 = 0.432, w1 = 0.568 -> A stays
    # c2 +10 %: w2 = 0.528, w1 = 0.472 -> B wins (flip)
    criteria = [Criterion("c1", 0.52), Criterion("c2", 0.48)]

    report = sensitivity(["A", "B"], [[1, 0], [0, 1]], criteria, changes=(-0.1, 0.1))

    for stability in (report.topsis, report.weighted_sum):
        outcomes = {(o.criterion, o.change): o for o in stability.perturbations}
        assert outcomes[("c1", -0.1)].weights == pytest.approx((0.468, 0.532), abs=1e-12)
        assert outcomes[("c2", 0.1)].weights == pytest.approx((0.472, 0.528), abs=1e-12)
        flipped = {key for key, o in outcomes.items() if not o.top_unchanged}
        assert flipped == {("c1", -0.1), ("c2", 0.1)}
        assert {key for key, o in outcomes.items() if not o.ranking_unchanged} == flipped
        assert outcomes[("c1", -0.1)].order == ("B", "A")
        assert not stability.top_always_unchanged
        assert [(r.best, r.worst) for r in stability.rank_ranges] == [(1, 2), (1, 2)]
    assert report.skipped == ()
    assert report.baseline.topsis.order == ("A", "B")


def test_sensitivity_on_stable_problem_reports_no_change():
    report = sensitivity(MARKETS, MATRIX, CRITERIA)

    assert report.changes == (-0.2, -0.1, 0.1, 0.2)
    assert len(report.topsis.perturbations) == 12
    assert report.topsis.top_always_unchanged
    assert report.weighted_sum.top_always_unchanged
    for outcome in report.topsis.perturbations:
        assert sum(outcome.weights) == pytest.approx(1.0, abs=1e-12)
    expected = [(2, 2), (1, 1), (3, 3)]
    assert [(r.best, r.worst) for r in report.topsis.rank_ranges] == expected


def test_sensitivity_skips_changes_that_leave_no_weight_for_the_others():
    # 0.9 * 1.2 = 1.08 > 1 cannot be renormalised; 0.9 * 1.1 = 0.99 can.
    criteria = [Criterion("big", 0.9), Criterion("small", 0.1)]

    report = sensitivity(["a", "b"], [[1, 2], [2, 1]], criteria)

    assert [(s.criterion, s.change) for s in report.skipped] == [("big", 0.2)]
    assert len(report.topsis.perturbations) == 7


def test_sensitivity_with_one_criterion_skips_everything():
    report = sensitivity(["a", "b"], [[1], [2]], [Criterion("solo", 1)])

    assert len(report.skipped) == 4
    assert report.topsis.perturbations == ()
    assert report.topsis.top_always_unchanged


@pytest.mark.parametrize("change", [0, -1, -1.5, math.nan])
def test_sensitivity_rejects_meaningless_changes(change):
    with pytest.raises(DecisionError) as raised:
        sensitivity(MARKETS, MATRIX, CRITERIA, changes=(change,))

    assert raised.value.code == "invalid_change"
