"""Horizontal SVG bar charts drawn on the server: the one builder every module uses.

No Django here: callers hand over text already translated and numbers already formatted for the
reader (``Bar.text``); this module lays the bars out and writes the markup. The markup is built
as an ElementTree and serialised by it, so every label, title and attribute is escaped by the
serialiser rather than by hand, and characters XML cannot carry at all (control characters) are
dropped first: the chart stays well-formed both inline in a page and served alone as
``image/svg+xml``.

Accessibility: the ``<svg>`` is ``role="img"`` named by its ``<title>`` (and described by an
optional ``<desc>``); every bar carries a ``<title>`` with its label and value (a tooltip for
pointer users), and labels are text, never colour alone. Pages show the same numbers in a table
next to the chart.

The result is a ``str`` that also answers ``__html__`` (the protocol Django templates, Jinja
and MarkupSafe share), so ``{{ chart }}`` prints it as markup without a ``mark_safe`` at every
caller.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

SVG_NS = "http://www.w3.org/2000/svg"
GREEN = "#2e7d32"

# XML 1.0 allows tab, newline, carriage return and everything from U+0020 up except the
# surrogates and U+FFFE/U+FFFF; anything else makes the document unreadable to an XML parser.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class Svg(str):
    """SVG markup that templates print unescaped: it was escaped while it was built."""

    __slots__ = ()

    def __html__(self) -> Svg:
        return self


@dataclass(frozen=True)
class Bar:
    """One bar: its length comes from ``value``; ``text`` is what the reader sees at its end."""

    value: float | int | Decimal
    text: str
    colour: str = GREEN
    series: str = ""  # names the bar inside its row when a row has several (e.g. two methods)


@dataclass(frozen=True)
class Row:
    """A labelled row of one bar, or of several bars side by side (one per series)."""

    label: str
    bars: Sequence[Bar]


@dataclass(frozen=True)
class Layout:
    """Sizes in SVG user units; the chart scales to its box through its viewBox."""

    label_width: int = 220
    bar_width: int = 300
    value_width: int = 140
    bar_height: int = 18
    row_gap: int = 10  # between rows; bars of one row are 2 apart
    font_size: int = 13
    max_label: int = 30  # characters; longer labels end in "…" (the bar's title keeps it whole)
    min_bar: float = 1.0  # a positive value never disappears into a zero-length bar
    outline: str = ""  # a stroke round each bar, for fill colours chosen by people (may be pale)


def clean(text: object) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", str(text))


def shorten(label: str, limit: int) -> str:
    label = clean(label)
    if len(label) <= limit:
        return label
    return label[: max(limit - 1, 1)].rstrip() + "…"


def _colour(value: str) -> str:
    return value if _COLOUR.fullmatch(value or "") else GREEN


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _float(value: float | int | Decimal) -> float:
    number = float(value)
    return number if math.isfinite(number) else 0.0


def bar_length(value: float, peak: float, layout: Layout) -> float:
    """Length of a bar: proportional to ``value / peak``, never negative, never past the plot,
    and at least ``layout.min_bar`` for a positive value."""
    if value <= 0 or peak <= 0:
        return 0.0
    return min(max(value / peak * layout.bar_width, layout.min_bar), float(layout.bar_width))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def bar_chart(
    rows: Sequence[Row],
    *,
    title: str,
    chart_id: str,
    desc: str = "",
    legend: Sequence[tuple[str, str]] = (),
    peak: float | None = None,
    layout: Layout | None = None,
    css_class: str = "chart",
    font_family: str = "",
) -> Svg:
    """Horizontal bars: label on the left, the bar, its value at its end.

    ``peak`` is the value of a full-length bar (the largest value when not given; scores in
    [0, 1] pass 1). ``legend`` holds (name, colour) swatches drawn above the bars. ``chart_id``
    prefixes the ids of the title and description, so it must be unique on the page.
    ``font_family`` is for charts served alone (inline ones take the page's).
    """
    layout = layout or Layout()
    ident = _ID_UNSAFE.sub("-", clean(chart_id)) or "chart"
    values = [_float(bar.value) for row in rows for bar in row.bars]
    top = _float(peak) if peak is not None else max(values, default=0.0)
    series_per_row = max((len(row.bars) for row in rows), default=1) or 1
    group = series_per_row * layout.bar_height + (series_per_row - 1) * 2
    pitch = group + layout.row_gap
    entries = list(legend)
    first_row = 4 + (layout.font_size + 12 if entries else 0)
    width = layout.label_width + layout.bar_width + layout.value_width
    height = first_row + pitch * max(len(rows), 1)

    root = ET.Element("svg")
    attrs = {
        "xmlns": SVG_NS,
        "class": css_class,
        "viewBox": f"0 0 {width} {height}",
        "role": "img",
        "aria-labelledby": f"{ident}-title",
        "font-size": str(layout.font_size),
    }
    if desc:
        attrs["aria-describedby"] = f"{ident}-desc"
    if font_family:
        attrs["font-family"] = font_family
    for key, value in attrs.items():
        root.set(key, clean(value))
    _sub(root, "title", title, id=f"{ident}-title")
    if desc:
        _sub(root, "desc", desc, id=f"{ident}-desc")

    baseline = round(layout.font_size * 0.35, 1)  # puts a line of text on a bar's middle
    if entries:
        legend_g = _sub(root, "g", **{"class": "legend"})
        x = float(layout.label_width)
        swatch = layout.font_size - 1
        for name, colour in entries:
            _sub(
                legend_g,
                "rect",
                x=_number(x),
                y=4,
                width=swatch,
                height=swatch,
                fill=_colour(colour),
            )
            _sub(legend_g, "text", name, x=_number(x + swatch + 4), y=_number(4 + swatch - 1))
            x += swatch + 4 + 8 * len(clean(name)) + 24

    for index, row in enumerate(rows):
        y = first_row + index * pitch
        row_g = _sub(root, "g")
        label = clean(row.label)
        _sub(
            row_g,
            "text",
            shorten(label, layout.max_label),
            x=layout.label_width - 8,
            y=_number(y + group / 2 + baseline),
            text_anchor="end",
        )
        for position, bar in enumerate(row.bars):
            bar_y = y + position * (layout.bar_height + 2)
            length = bar_length(_float(bar.value), top, layout)
            rect = _sub(
                row_g,
                "rect",
                x=layout.label_width,
                y=_number(bar_y),
                width=_number(length),
                height=layout.bar_height,
                fill=_colour(bar.colour),
            )
            if layout.outline:
                rect.set("stroke", _colour(layout.outline))
            name = f"{label} · {bar.series}" if bar.series else label
            _sub(rect, "title", f"{name}: {bar.text}")
            _sub(
                row_g,
                "text",
                bar.text,
                x=_number(layout.label_width + length + 6),
                y=_number(bar_y + layout.bar_height / 2 + baseline),
            )
    return Svg(ET.tostring(root, encoding="unicode"))
