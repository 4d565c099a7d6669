"""Dependency-free SVG charts rendered on the server (the bars through common/charts.py).

Every chart is decorative for assistive technology only in the sense that the page shows the
same numbers in a table next to it; the SVG still carries a title (role="img").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from metropoli.common import charts as bars
from metropoli.common.charts import Svg

BAR_COLOURS = ("#1b5e20", "#2e7d32", "#558b2f", "#00695c", "#33691e", "#004d40")


def _number(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.0f}"
    return f"{value:,}"


def bar_chart(
    items: Sequence[tuple[str, Decimal | int]], *, title: str, chart_id: str, unit: str = ""
) -> Svg:
    """Horizontal bars (common/charts.py): label on the left, bar, value at the end."""
    return bars.bar_chart(
        [
            bars.Row(
                label,
                [bars.Bar(value, f"{_number(value)}{unit}", BAR_COLOURS[i % len(BAR_COLOURS)])],
            )
            for i, (label, value) in enumerate(items)
        ],
        title=title,
        chart_id=chart_id,
    )


@dataclass(frozen=True)
class GanttRow:
    label: str
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None
    critical: bool = False
    href: str = ""


def gantt(rows: Sequence[GanttRow], *, title: str, chart_id: str, legend: dict) -> SafeString:
    """Planned bars (outline) with actual bars inside; critical-path rows drawn in orange."""
    if not rows:
        return mark_safe("")
    first = min(min(r.planned_start, r.actual_start or r.planned_start) for r in rows)
    last = max(max(r.planned_end, r.actual_end or r.planned_end) for r in rows)
    # The first of January after the last date (date.max for a date in 9999, the last year).
    start = date(first.year, 1, 1)
    end = date(last.year + 1, 1, 1) if last.year < date.max.year else date.max
    span = (end - start).days
    row, label_w, plot_w = 30, 240, 600
    width, height = label_w + plot_w + 10, 30 + row * len(rows) + 30

    def x(d: date) -> float:
        return label_w + (d - start).days / span * plot_w

    parts = [
        f'<svg class="chart gantt" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for year in range(start.year, end.year + 1):
        gx = x(date(year, 1, 1))
        parts.append(
            f'<line x1="{gx:.1f}" y1="20" x2="{gx:.1f}" y2="{height - 30}" stroke="#d0d0d0"/>'
        )
        if year < end.year:
            parts.append(f'<text x="{gx + 4:.1f}" y="15" font-size="12">{year}</text>')
    for i, r in enumerate(rows):
        y = 24 + i * row
        short = r.label if len(r.label) <= 34 else r.label[:33] + "…"
        # No link inside the picture (role="img" must hold nothing interactive): the table
        # beside every Gantt chart links each row.
        label = escape(short)
        colour = "#e65100" if r.critical else "#1b5e20"
        pw = max(x(r.planned_end) - x(r.planned_start), 3)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="12">{label}</text>'
            f'<rect x="{x(r.planned_start):.1f}" y="{y + 3}" width="{pw:.1f}" height="{row - 8}" '
            f'fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        if r.actual_start:
            actual_end = r.actual_end or r.actual_start
            aw = max(x(actual_end) - x(r.actual_start), 3)
            parts.append(
                f'<rect x="{x(r.actual_start):.1f}" y="{y + 8}" width="{aw:.1f}" '
                f'height="{row - 18}" fill="{colour}"/>'
            )
    ly = height - 12
    parts.append(
        f'<rect x="{label_w}" y="{ly - 10}" width="20" height="10" fill="none" stroke="#1b5e20"/>'
        f'<text x="{label_w + 26}" y="{ly}" font-size="12">{escape(legend["planned"])}</text>'
        f'<rect x="{label_w + 140}" y="{ly - 8}" width="20" height="6" fill="#1b5e20"/>'
        f'<text x="{label_w + 166}" y="{ly}" font-size="12">{escape(legend["actual"])}</text>'
    )
    if "critical" in legend:
        parts.append(
            f'<rect x="{label_w + 280}" y="{ly - 10}" width="20" height="10" fill="#e65100"/>'
            f'<text x="{label_w + 306}" y="{ly}" font-size="12">{escape(legend["critical"])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
