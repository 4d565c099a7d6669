"""The summary's bar charts: yearly values per species or municipality, drawn by common/charts.py
(horizontal bars, labelled, readable without colour); numbers in the reader's locale."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.text import slugify

from metropoli.common import charts

LAYOUT = charts.Layout(value_width=130, max_label=32)


def bar_chart(
    items: list[tuple[str, float]], *, title: str, unit: str, chart_id: str = ""
) -> charts.Svg:
    """items: (label, value). Negative values are drawn as zero-length bars with their value."""
    return charts.bar_chart(
        [
            charts.Row(
                label,
                [charts.Bar(value, f"{number_format(value, 0, force_grouping=True)} {unit}")],
            )
            for label, value in items
        ],
        title=title,
        chart_id=chart_id or f"benefits-{slugify(title)}",
        layout=LAYOUT,
        css_class="benefits-chart",
    )
