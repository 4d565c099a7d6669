"""Pilot-market selection: the stored matrix through the pure decision module, and its chart."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from .decision import Criterion, DecisionError, SensitivityReport, sensitivity
from .models import SelectionCandidate, SelectionCriterion, SelectionScore


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


def chart_svg(analysis: Analysis) -> str:
    """Horizontal bars of both scores per candidate; plain SVG, no script, no CDN."""
    rows = analysis.rows()
    bar, gap, left, width = 14, 14, 250, 300
    height = 40 + len(rows) * (2 * bar + gap)
    title = _("TOPSIS closeness and weighted-sum score per candidate market")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 60} {height}" '
        f'role="img" aria-labelledby="chart-title" font-family="sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<rect x="{left}" y="6" width="12" height="12" fill="#1b5e20"/>'
        f'<text x="{left + 16}" y="16">TOPSIS</text>',
        f'<rect x="{left + 90}" y="6" width="12" height="12" fill="#e65100"/>'
        f'<text x="{left + 106}" y="16">{escape(_("Weighted sum"))}</text>',
    ]
    y = 32
    for row in rows:
        parts.append(
            f'<text x="{left - 8}" y="{y + bar + 4}" text-anchor="end">'
            f"{escape(row['name'][:38])}</text>"
        )
        for score, colour, offset in (
            (row["topsis_score"], "#1b5e20", 0),
            (row["weighted_sum_score"], "#e65100", bar),
        ):
            w = max(1.0, score * width)
            parts.append(
                f'<rect x="{left}" y="{y + offset}" width="{w:.1f}" height="{bar - 2}" '
                f'fill="{colour}"><title>{score:.3f}</title></rect>'
                f'<text x="{left + w + 4:.1f}" y="{y + offset + bar - 4}">{score:.2f}</text>'
            )
        y += 2 * bar + gap
    parts.append("</svg>")
    return "".join(parts)
