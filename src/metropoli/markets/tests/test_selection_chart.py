"""The pilot-market chart is served alone as image/svg+xml: an XML parser must read it whole,
whatever the candidates are called."""

import pytest
from lxml import etree

from metropoli.markets import demo
from metropoli.markets.models import SelectionCandidate

pytestmark = pytest.mark.django_db

SVG = {"s": "http://www.w3.org/2000/svg"}


def test_chart_has_both_scores_per_candidate_and_survives_a_hostile_name(client, municipalities):
    demo.load()
    hostile = 'Mercado <script>alert(1)</script> & "Hijos"'
    candidate = SelectionCandidate.objects.order_by("pk").first()
    candidate.name = hostile
    candidate.save()
    response = client.get("/mercado/seleccion/grafica.svg", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == "image/svg+xml"
    root = etree.fromstring(response.content)  # well-formed, or the browser shows nothing
    assert root.get("role") == "img" and root.get("font-family") == "sans-serif"
    assert root.find("s:title", SVG).text == (
        "TOPSIS closeness and weighted-sum score per candidate market"
    )
    legend = root.xpath("s:g[@class='legend']/s:text/text()", namespaces=SVG)
    assert legend == ["TOPSIS", "Weighted sum"]
    rows = root.xpath("s:g[not(@class)]", namespaces=SVG)
    assert len(rows) == SelectionCandidate.objects.count()
    assert all(len(row.xpath("s:rect", namespaces=SVG)) == 2 for row in rows)
    titles = root.xpath("s:g/s:rect/s:title/text()", namespaces=SVG)
    assert any(t.startswith(f"{hostile} · TOPSIS: 0.") for t in titles)
    assert any(t.startswith(f"{hostile} · Weighted sum: 0.") for t in titles)
    assert not root.xpath("//s:script", namespaces=SVG)
    # Scores lie in [0, 1]: a score of 1 would fill the 300 units, none goes past them.
    widths = [float(w) for w in root.xpath("s:g/s:rect[s:title]/@width", namespaces=SVG)]
    assert widths and all(0 <= w <= 300 for w in widths)
