"""Dependency-free SVG bar charts (horizontal bars, labelled, readable without colour)."""

from __future__ import annotations

from html import escape

from django.utils.formats import number_format

ROW, LABEL_W, BAR_W, VALUE_W = 26, 220, 300, 130


def bar_chart(items: list[tuple[str, float]], *, title: str, unit: str) -> str:
    """items: (label, value). Negative values are drawn as zero-length bars with their value."""
    width = LABEL_W + BAR_W + VALUE_W
    height = ROW * max(len(items), 1) + 8
    top = max((v for _, v in items), default=0.0)
    parts = [
        f'<svg class="benefits-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * ROW
        length = 0.0 if top <= 0 or value <= 0 else value / top * BAR_W
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 17}" text-anchor="end" font-size="13">'
            f"{escape(short)}</text>"
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" '
            f'fill="#2e7d32"/>'
            f'<text x="{LABEL_W + length + 6:.1f}" y="{y + 17}" font-size="13">'
            f"{escape(number_format(value, 0, force_grouping=True))} {escape(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
