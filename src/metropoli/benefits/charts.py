"""The summary's bar charts: yearly values per species or municipality, drawn by common/charts.py
(horizontal bars, labelled, readable without colour); numbers in the reader's locale."""

from __future__ import annotations

import math
from dataclasses import replace

from django.utils.formats import number_format
from django.utils.text import slugify

from metropoli.common import charts

LAYOUT = charts.Layout(value_width=130, max_label=32)
# Room per character of a label, in font sizes: wider than the average letter of the page's
# sans-serif, so that the longest label always fits left of its bar (never cut at the edge).
EM_PER_CHARACTER = 0.62


def layout_for(labels: list[str]) -> charts.Layout:
    """The benefits layout with a label column as wide as its longest (shortened) label."""
    longest = max((len(charts.shorten(label, LAYOUT.max_label)) for label in labels), default=0)
    needed = math.ceil(longest * LAYOUT.font_size * EM_PER_CHARACTER) + 16
    return replace(LAYOUT, label_width=max(needed, 80))


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
        layout=layout_for([label for label, _value in items]),
        css_class="benefits-chart",
    )
