"""The one SVG bar-chart builder: layout, accessibility and escaping, read back with an XML
parser (as a browser reads the chart served alone as image/svg+xml)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from lxml import etree

from metropoli.common.charts import Bar, Layout, Row, Svg, bar_chart, bar_length

NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script> & co\'s </svg><svg onload=alert(1)> ]]>'


def parse(svg: str):
    return etree.fromstring(svg.encode())


def rects(root):
    return root.xpath("s:g[not(@class='legend')]/s:rect", namespaces=NS)


def values(root):
    return root.xpath("s:g[not(@class='legend')]/s:text[not(@text-anchor)]", namespaces=NS)


def test_bars_are_proportional_to_the_largest_value():
    root = parse(
        bar_chart(
            [Row("A", [Bar(40, "40")]), Row("B", [Bar(10, "10")]), Row("C", [Bar(0, "0")])],
            title="Per category",
            chart_id="c",
        )
    )
    assert [r.get("width") for r in rects(root)] == ["300", "75", "0"]
    labels = [t.text for t in root.findall("s:g/s:text[@text-anchor='end']", NS)]
    assert labels == ["A", "B", "C"]
    assert [t.text for t in values(root)] == ["40", "10", "0"]
    # Values sit just past the end of their bar.
    value_xs = [t.get("x") for t in values(root)]
    assert value_xs == ["526", "301", "226"]


def test_negative_tiny_and_non_finite_values_and_a_fixed_peak():
    layout = Layout()
    assert bar_length(-5, 10, layout) == 0
    assert bar_length(0.0001, 10, layout) == layout.min_bar
    assert bar_length(30, 10, layout) == layout.bar_width  # never past the plot
    assert bar_length(5, 0, layout) == 0
    root = parse(
        bar_chart(
            [Row("A", [Bar(0.5, "0.50")]), Row("B", [Bar(float("nan"), "?")])],
            title="Scores",
            chart_id="s",
            peak=1.0,
        )
    )
    assert [r.get("width") for r in rects(root)] == ["150", "0"]
    money = parse(bar_chart([Row("A", [Bar(Decimal("2.5"), "2.5")])], title="t", chart_id="m"))
    assert rects(money)[0].get("width") == "300"


def test_the_chart_is_an_image_named_by_its_title_and_described_by_its_desc():
    root = parse(
        bar_chart(
            [Row("A", [Bar(1, "1 MXN")])],
            title="Committed amounts",
            desc="Largest first",
            chart_id="by-theme",
        )
    )
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title = root.find("s:title", NS)
    assert (root.get("aria-labelledby"), title.get("id"), title.text) == (
        "by-theme-title",
        "by-theme-title",
        "Committed amounts",
    )
    desc = root.find("s:desc", NS)
    assert (root.get("aria-describedby"), desc.get("id"), desc.text) == (
        "by-theme-desc",
        "by-theme-desc",
        "Largest first",
    )
    # Each bar says what it is to a pointer (the label is text, never colour alone).
    assert rects(root)[0].find("s:title", NS).text == "A: 1 MXN"
    assert parse(bar_chart([], title="t", chart_id="e")).find("s:desc", NS) is None


def test_hostile_labels_titles_and_ids_come_back_as_plain_text():
    svg = bar_chart(
        [Row(HOSTILE, [Bar(3, HOSTILE, colour='red" onclick="alert(1)', series=HOSTILE)])],
        title=HOSTILE,
        desc=HOSTILE,
        chart_id='x" onload="alert(1)',
        legend=[(HOSTILE, "#fff")],
        layout=Layout(max_label=200),
    )
    root = parse(svg)  # well-formed: nothing broke out of its element or attribute
    assert "<script" not in svg and "onload=" not in svg.replace("&lt;svg onload=", "")
    assert root.find("s:title", NS).text == HOSTILE
    assert root.find("s:desc", NS).text == HOSTILE
    assert root.find("s:g/s:text[@text-anchor='end']", NS).text == HOSTILE
    assert root.find("s:g[@class='legend']/s:text", NS).text == HOSTILE
    bar = rects(root)[0]
    assert bar.get("fill") == "#2e7d32"  # not a colour: the default, not the injected text
    assert bar.find("s:title", NS).text == f"{HOSTILE} · {HOSTILE}: {HOSTILE}"
    assert root.get("aria-labelledby") == "x--onload--alert-1--title"
    assert {e.tag.split("}")[1] for e in root.iter()} == {
        "svg",
        "title",
        "desc",
        "g",
        "rect",
        "text",
    }
    assert all(not name.startswith("on") for e in root.iter() for name in e.attrib)


def test_characters_xml_cannot_hold_are_dropped():
    root = parse(
        bar_chart(
            [Row("Bad\x00\x07\x1b name\ufffe", [Bar(1, "1\x0c")])], title="t\x01", chart_id="c"
        )
    )
    assert root.find("s:g/s:text[@text-anchor='end']", NS).text == "Bad name"
    assert root.find("s:title", NS).text == "t"


def test_long_labels_end_in_an_ellipsis_and_the_bar_title_keeps_them_whole():
    label = "Programa de reforestación del Área Metropolitana de Guadalajara"
    root = parse(bar_chart([Row(label, [Bar(1, "1")])], title="t", chart_id="c"))
    shown = root.find("s:g/s:text[@text-anchor='end']", NS).text
    assert shown == "Programa de reforestación del…" and len(shown) == 30
    assert rects(root)[0].find("s:title", NS).text == f"{label}: 1"


def test_several_series_per_row_with_a_legend_and_an_outline():
    root = parse(
        bar_chart(
            [
                Row(
                    "Mercado A",
                    [Bar(0.8, "0.80", "#1b5e20", "TOPSIS"), Bar(0.4, "0.40", "#e65100", "Suma")],
                ),
                Row(
                    "Mercado B",
                    [Bar(0.2, "0.20", "#1b5e20", "TOPSIS"), Bar(1, "1.00", "#e65100", "Suma")],
                ),
            ],
            title="Scores",
            chart_id="sel",
            legend=[("TOPSIS", "#1b5e20"), ("Suma", "#e65100")],
            peak=1,
            layout=Layout(bar_height=12, row_gap=14, outline="#222"),
            font_family="sans-serif",
        )
    )
    legend = root.find("s:g[@class='legend']", NS)
    assert [t.text for t in legend.findall("s:text", NS)] == ["TOPSIS", "Suma"]
    assert [r.get("fill") for r in legend.findall("s:rect", NS)] == ["#1b5e20", "#e65100"]
    bars = rects(root)
    assert [(r.get("width"), r.get("fill"), r.get("stroke")) for r in bars] == [
        ("240", "#1b5e20", "#222"),
        ("120", "#e65100", "#222"),
        ("60", "#1b5e20", "#222"),
        ("300", "#e65100", "#222"),
    ]
    # The two bars of a row lie one under the other, rows further apart, below the legend.
    ys = [float(r.get("y")) for r in bars]
    assert ys[1] - ys[0] == 14 and ys[2] - ys[1] == 26 and ys[0] > 16
    assert bars[1].find("s:title", NS).text == "Mercado A · Suma: 0.40"
    assert root.get("font-family") == "sans-serif"
    height = float(root.get("viewBox").split()[3])
    assert height >= ys[-1] + 12


def test_an_empty_chart_is_still_a_well_formed_image():
    root = parse(bar_chart([], title="Nothing yet", chart_id="empty"))
    assert rects(root) == [] and float(root.get("viewBox").split()[3]) > 0


@pytest.mark.parametrize("label", ["<b>bold</b>", "a & b"])
def test_templates_print_the_chart_as_markup_once_escaped(label):
    svg = bar_chart([Row(label, [Bar(1, "1")])], title="t", chart_id="c")
    assert isinstance(svg, Svg) and svg.__html__() is svg
    html = Template("<div>{{ chart }}</div>").render(Context({"chart": svg}))
    assert html == f"<div>{svg}</div>"
    assert parse(html[5:-6]).find("s:g/s:text", NS).text == label
