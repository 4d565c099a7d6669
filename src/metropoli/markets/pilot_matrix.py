"""Pilot-market selection: the stored matrix through the pure decision module, and its chart."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from metropoli.common import charts

from .decision import Criterion, DecisionError, SensitivityReport, sensitivity
from .models import SelectionCandidate, SelectionCriterion, SelectionScore

GREEN, ORANGE = "#1b5e20", "#e65100"


@dataclass
class Analysis:
    criteria: list[SelectionCriterion]
    candidates: list[SelectionCandidate]
    matrix: list[list[float]]
    report: SensitivityReport | None
    error: str = ""

    @property
    def illustrative(self) -> bool:
        return any(c.illustrative for c in self.criteria)

    def rows(self):
        """Side-by-side table rows with the rank range under ±10/±20 % weight changes."""
        if self.report is None:
            return []
        names = list(self.report.baseline.alternatives)
        rows = []
        for row in self.report.baseline.rows():
            index = names.index(row.name)
            rows.append(
                {
                    "name": row.name,
                    "topsis_score": row.topsis_score,
                    "topsis_rank": row.topsis_rank,
                    "topsis_range": self.report.topsis.rank_ranges[index],
                    "weighted_sum_score": row.weighted_sum_score,
                    "weighted_sum_rank": row.weighted_sum_rank,
                    "weighted_sum_range": self.report.weighted_sum.rank_ranges[index],
                }
            )
        return rows

    def changed_perturbations(self):
        """The weight changes that alter the first place (per method)."""
        if self.report is None:
            return []
        criteria = {c.key: c.name for c in self.criteria}
        found = []
        for label, stability in (
            ("TOPSIS", self.report.topsis),
            (_("Weighted sum"), self.report.weighted_sum),
        ):
            for outcome in stability.perturbations:
                if not outcome.top_unchanged:
                    found.append(
                        {
                            "method": label,
                            "criterion": criteria.get(outcome.criterion, outcome.criterion),
                            "change": round(outcome.change * 100),
                            "first": outcome.order[0],
                        }
                    )
        return found


def analyse() -> Analysis:
    criteria = list(SelectionCriterion.objects.all())
    candidates = list(SelectionCandidate.objects.all())
    values = {
        (s.candidate_id, s.criterion_id): float(s.value) for s in SelectionScore.objects.all()
    }
    matrix = [[values.get((a.pk, c.pk), 0.0) for c in criteria] for a in candidates]
    analysis = Analysis(criteria, candidates, matrix, None)
    if len(candidates) < 2 or not criteria:
        analysis.error = _("Add at least two candidate markets and one criterion.")
        return analysis
    try:
        analysis.report = sensitivity(
            [a.name for a in candidates],
            matrix,
            [Criterion(c.key, float(c.weight), c.direction) for c in criteria],
        )
    except DecisionError as exc:
        analysis.error = exc.message
    return analysis


CHART_LAYOUT = charts.Layout(
    label_width=250, value_width=60, bar_height=12, row_gap=14, font_size=12, max_label=38
)


def chart_svg(analysis: Analysis) -> str:
    """Both scores per candidate as horizontal bars (common/charts.py); served alone as
    image/svg+xml, so it names its own font. Plain SVG, no script, no CDN."""
    methods = (("topsis_score", "TOPSIS", GREEN), ("weighted_sum_score", _("Weighted sum"), ORANGE))
    return charts.bar_chart(
        [
            charts.Row(
                row["name"],
                [
                    charts.Bar(row[key], f"{row[key]:.2f}", colour, name)
                    for key, name, colour in methods
                ],
            )
            for row in analysis.rows()
        ],
        title=_("TOPSIS closeness and weighted-sum score per candidate market"),
        chart_id="selection-chart",
        legend=[(name, colour) for _key, name, colour in methods],
        peak=1.0,
        layout=CHART_LAYOUT,
        font_family="sans-serif",
    )
