"""Small server-rendered SVG line charts: no JavaScript, no outside library."""

from __future__ import annotations

from datetime import datetime
from html import escape

from django.utils import formats, timezone

from .selectors import Series

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 84, 12, 12, 40


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _label(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def line_chart(series: Series, *, title: str) -> str:
    """An accessible SVG: mean line over a min–max band; the title names what it shows."""
    points = series.points
    unit = escape(series.unit)
    head = (
        f'<svg class="sensor-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    )
    frame = (
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="#fff" stroke="#9e9e9e"/>'
    )
    if not points:
        return head + frame + "</svg>"
    low = min(p.minimum for p in points)
    high = max(p.maximum for p in points)
    if high == low:
        high, low = high + 1, low - 1
    start, end = series.start.timestamp(), series.end.timestamp()
    span = max(end - start, 1)
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return LEFT + (moment.timestamp() + series.bucket_seconds / 2 - start) / span * inner_w

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * inner_h

    band = " ".join(f"{x(p.start):.1f},{y(p.maximum):.1f}" for p in points) + " "
    band += " ".join(f"{x(p.start):.1f},{y(p.minimum):.1f}" for p in reversed(points))
    line = " ".join(f"{x(p.start):.1f},{y(p.mean):.1f}" for p in points)
    labels = (
        f'<text x="{LEFT - 4}" y="{TOP + 16}" text-anchor="end">{_fmt(high)}</text>'
        f'<text x="{LEFT - 4}" y="{HEIGHT - BOTTOM}" text-anchor="end">{_fmt(low)}</text>'
        f'<text x="{LEFT - 4}" y="{TOP + inner_h / 2 + 4:.0f}" text-anchor="end">{unit}</text>'
        f'<text x="{LEFT}" y="{HEIGHT - 10}">{escape(_label(series.start))}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 10}" text-anchor="end">'
        f"{escape(_label(series.end))}</text>"
    )
    return (
        head
        + frame
        + f'<polygon points="{band}" fill="#a5d6a7" fill-opacity="0.5" stroke="none"/>'
        + f'<polyline points="{line}" fill="none" stroke="#1b5e20" stroke-width="2"/>'
        + f'<g font-size="20" fill="#212121">{labels}</g></svg>'
    )
