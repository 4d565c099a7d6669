import re

import pytest
from lxml import etree

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.participation import services
from metropoli.participation.models import Comment, Contribution, Rating, Report
from metropoli.territory.models import Role

from .conftest import INSIDE

pytestmark = pytest.mark.django_db


@pytest.fixture
def contribution(proceeding, anonymous):
    item, _ = services.submit_contribution(
        proceeding=proceeding,
        actor=anonymous,
        category_id=proceeding.categories.first().pk,
        text="Faltan árboles frente a la escuela",
        geometry=INSIDE,
        device_token="device-token-123456",
    )
    return item


def test_list_and_proceeding_pages(client, contribution):
    home = client.get("/participa/")
    assert home.status_code == 200 and "Consulta de prueba" in home.content.decode()
    page = client.get("/participa/prueba/").content.decode()
    assert "data-map" in page and "Faltan árboles frente a la escuela" in page
    assert 'id="contribution-form"' in page
    # Categories carry icon and text, not only a colour.
    assert "participation/icons/shade.svg" in page and ">Sombra<" in page


def test_contribution_page_comment_rate_report(client, contribution):
    url = f"/participa/prueba/aportaciones/{contribution.pk}/"
    client.cookies["participa_device"] = "device-token-abcdef"
    assert client.get(url).status_code == 200
    client.post(url, {"action": "comment", "text": "Sí, y también en la otra esquina"})
    parent = Comment.objects.get()
    client.post(url, {"action": "comment", "text": "¿Cuál esquina?", "parent": parent.pk})
    client.post(url, {"action": "up"})
    client.post(url, {"action": "report", "reason": "Información falsa"})
    assert Comment.objects.filter(parent=parent).count() == 1
    assert Rating.objects.get().value == 1
    assert Report.objects.count() == 1
    page = client.get(url).content.decode()
    assert "¿Cuál esquina?" in page
    refused = client.post(url, {"action": "comment", "text": "  "})
    assert refused.status_code == 400
    assert Comment.objects.count() == 2


def test_moderation_page_is_for_moderators(client, contribution, guadalajara):
    url = "/participa/prueba/moderacion/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    assert client.get(url).status_code == 200
    client.post(url, {"contribution": contribution.pk, "action": "hide", "reason": "Duplicada"})
    contribution.refresh_from_db()
    assert contribution.hidden_reason == "Duplicada"
    assert client.get("/participa/prueba/").content.decode().count("Faltan árboles") == 0
    client.force_login(UserFactory())
    assert client.get(f"/participa/prueba/aportaciones/{contribution.pk}/").status_code == 404
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    # Moderators still open hidden contributions; others get 404.
    assert client.get(f"/participa/prueba/aportaciones/{contribution.pk}/").status_code == 200
    comment = Comment.objects.create(contribution=contribution, text="Insulto")
    services.report(
        contribution=contribution, actor=UserFactory(), reason="x", comment_id=comment.pk
    )
    assert "Insulto" in client.get(url).content.decode()
    client.post(
        url,
        {
            "contribution": contribution.pk,
            "comment": comment.pk,
            "action": "hide_comment",
            "reason": "Ofensivo",
        },
    )
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == ("hidden", "Ofensivo")
    contribution.refresh_from_db()
    assert contribution.hidden_reason == "Duplicada"
    client.post(url, {"action": "set_pin", "pin": "2468"})
    contribution.proceeding.refresh_from_db()
    assert services.pin_matches(contribution.proceeding, "2468")


def test_analysis_page_draws_svg_charts(client, contribution):
    # A category name is text typed by the organisers: it reaches the chart as text only.
    hostile = '<script>alert("x")</script> & Sombra'
    category = contribution.category
    category.name = hostile
    category.save()
    page = client.get("/participa/prueba/analisis/").content.decode()
    assert page.count("<svg") >= 3 and "<script>alert" not in page
    chart = re.search(r'<svg [^>]*aria-labelledby="per-category-chart-title".*?</svg>', page)
    root = etree.fromstring(chart.group(0).encode())
    svg = {"s": "http://www.w3.org/2000/svg"}
    assert root.find("s:title", svg).text == "Aportaciones por categoría"
    # Bars are labelled with the category name, not only coloured; the largest is full length.
    labels = root.xpath("s:g/s:text[@text-anchor='end']/text()", namespaces=svg)
    assert hostile[:29] + "…" in labels
    bars = root.xpath("s:g/s:rect", namespaces=svg)
    assert len(bars) == contribution.proceeding.categories.count()
    counted = [b for b in bars if b.get("width") != "0"]
    assert len(counted) == 1 and counted[0].get("width") == "300"
    assert counted[0].get("fill") == category.colour
    assert counted[0].find("s:title", svg).text == f"{hostile}: 1"
    assert "árboles" in page and "escuela" in page


def test_my_contributions_by_device_and_delete(client, contribution):
    client.cookies["participa_device"] = "device-token-123456"
    page = client.get("/participa/mis-aportaciones/").content.decode()
    assert "Faltan árboles frente a la escuela" in page
    client.cookies["participa_device"] = "another-device-0000"
    client.post("/participa/mis-aportaciones/", {"contribution": contribution.pk})
    assert Contribution.objects.count() == 1
    client.cookies["participa_device"] = "device-token-123456"
    client.post("/participa/mis-aportaciones/", {"contribution": contribution.pk})
    assert Contribution.objects.count() == 0


def test_privacy_notices(client):
    short = client.get("/participa/privacidad/").content.decode()
    full = client.get("/participa/privacidad/completo/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "LGPDPPSO" in short
    for needle in ("ARCO", "Transparency Unit", "Transfers", "Purposes", "Who is responsible"):
        assert needle in full


def test_table_page_and_its_service_worker(client, proceeding):
    page = client.get("/participa/mesa/prueba/").content.decode()
    assert 'id="panel-template"' in page
    worker = client.get("/participa/mesa/sw.js")
    assert worker["Service-Worker-Allowed"] == "/participa/mesa/"
    assert worker["Content-Type"] == "text/javascript"
