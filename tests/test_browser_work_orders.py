"""Work orders on a phone, in Spanish: staff assign an arborist with a due date and a cost, the
arborist assesses the tree's risk (the queue puts it first), moves its status with a note and
exports the queue as CSV. axe-core (WCAG 2.2 AA, serious and critical) on every page."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role
from metropoli.trees.models import Species
from metropoli.trees.services import register_tree
from metropoli.validation import services
from metropoli.validation.models import WorkItem, WorkItemChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = "/static/vendor/axe-core/axe.min.js"
PHONE = {"width": 390, "height": 844}
WAIT_MS = 90_000


@pytest.fixture(autouse=True)
def no_outside_basemap(settings):
    # Tests have no network: the queue's map must not wait for outside basemap tiles.
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


def phone_page(page_factory, live_server, user):
    client = Client()
    client.force_login(user)
    page = page_factory(
        locale="es-MX", viewport=PHONE, has_touch=True, is_mobile=True, accept_downloads=True
    )
    page.set_default_timeout(WAIT_MS)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def assert_fits_and_accessible(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.add_script_tag(url=AXE)
    found = page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          const r = await axe.run(document, { runOnly: { type: "tag", values: tags } });
          return r.violations.filter((v) => ["serious", "critical"].includes(v.impact))
            .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
        }"""
    )
    assert found == []


def queue_order(page) -> list[str]:
    return page.locator("#work-list > li").evaluate_all("els => els.map(e => e.dataset.item)")


def test_staff_assign_the_arborist_assesses_moves_the_status_and_exports(
    live_server, page_factory, guadalajara
):
    Species.objects.create(
        code="JAMI", scientific_name="Jacaranda mimosifolia", common_name_es="Jacaranda"
    )
    citizen = UserFactory(display_name="Lupita", home_municipality=guadalajara)
    expert = person_with(Role.CERTIFIED_EXPERT, guadalajara)
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara, display_name="Personal")
    arborist = person_with(Role.ARBORIST, guadalajara, display_name="Arbolista Ana")
    items = []
    for lon, flag in ((-103.3468, "disease"), (-103.3478, "risk")):
        tree = register_tree(
            lon=lon, lat=20.6767, recorded_by=citizen, species_code="JAMI", dbh_cm="40"
        ).tree
        services.cast_vote(tree=tree, voter=expert, kind="flag", flags=[flag])
        items.append(WorkItem.objects.get(tree=tree))
    older, risky = items
    due = timezone.localdate() + timedelta(days=7)

    # Staff, on a phone: the queue (reported order), then the risky tree's work order.
    page = phone_page(page_factory, live_server, staff)
    page.goto(live_server.url + "/arbol/treender/cola/")
    assert queue_order(page) == [str(older.pk), str(risky.pk)]
    assert_fits_and_accessible(page)
    page.locator(f"#work-list li[data-item='{risky.pk}'] a.order-link").tap()
    page.wait_for_url(f"**/cola/{risky.pk}/")
    page.get_by_label("Arbolista asignado", exact=True).select_option(label="Arbolista Ana")
    page.get_by_label("Fecha límite", exact=True).fill(due.isoformat())
    page.get_by_label("Costo (MXN)", exact=True).fill("-3")
    page.get_by_role("button", name="Guardar la orden de trabajo").tap()
    page.wait_for_url("**/plan/")
    error = page.locator("#plan-title ~ form .error")
    assert "mayor o igual a 0" in error.inner_text()
    page.get_by_label("Costo (MXN)", exact=True).fill("1850.50")
    page.get_by_role("button", name="Guardar la orden de trabajo").tap()
    page.wait_for_selector("text=Orden de trabajo guardada.")
    assert page.locator("#work-assignee").inner_text() == "Arbolista Ana"
    assert "1,850.50 MXN" in page.locator("#work-cost").inner_text()
    assert page.locator("#risk-title").count() == 0  # assessing is the arborists' work
    assert_fits_and_accessible(page)

    # The arborist, in the field: only their orders, then the risk assessment.
    page = phone_page(page_factory, live_server, arborist)
    page.goto(live_server.url + "/arbol/treender/cola/")
    page.get_by_label("Asignado", exact=True).select_option(label="A mí")
    page.get_by_role("button", name="Filtrar").tap()
    page.wait_for_url("**mine=1**")
    assert queue_order(page) == [str(risky.pk)]
    page.locator("a.order-link").tap()
    page.wait_for_url(f"**/cola/{risky.pk}/")
    assert page.locator("#risk-rating").inner_text() == "Riesgo sin evaluar"
    page.get_by_label("Blanco", exact=True).fill("Parada de camión")
    page.get_by_label("Probabilidad de falla", exact=True).select_option(label="Inminente")
    page.get_by_label("Probabilidad de impacto en el blanco", exact=True).select_option(
        label="Alta"
    )
    page.get_by_label("Consecuencias", exact=True).select_option(label="Graves")
    page.get_by_label("Notas", exact=True).fill("Rama seca de 20 cm sobre la parada.")
    page.get_by_role("button", name="Guardar la evaluación").tap()
    page.wait_for_selector("text=Evaluación de riesgo guardada: Riesgo extremo.")
    assert page.locator("#risk-rating").inner_text() == "Riesgo extremo"
    assert_fits_and_accessible(page)

    # The queue now puts the extreme-risk tree first.
    page.get_by_role("link", name="Volver a la cola de trabajo").tap()
    page.wait_for_url("**/cola/?municipality=14039")
    assert queue_order(page) == [str(risky.pk), str(older.pk)]
    page.locator(f"#work-list li[data-item='{risky.pk}'] a.order-link").tap()
    page.wait_for_url(f"**/cola/{risky.pk}/")

    # Status with a note: the history says who and why.
    page.get_by_label("Nuevo estado", exact=True).select_option(label="Inspeccionado")
    page.get_by_label("Nota", exact=True).fill("Poda programada para el lunes.")
    page.get_by_role("button", name="Cambiar el estado").tap()
    page.wait_for_selector("text=Estado actualizado.")
    assert page.locator("#work-status").inner_text() == "Inspeccionado"
    history = page.locator("#status-history").inner_text()
    assert "Reportado → Inspeccionado" in history and "Poda programada para el lunes." in history
    assert "Arbolista Ana" in history
    change = WorkItemChange.objects.filter(item=risky).last()
    assert (change.changed_by, change.new_status) == (arborist, "inspected")

    # The CSV: codes beside Spanish labels, riskiest first.
    page.get_by_role("link", name="Volver a la cola de trabajo").tap()
    page.wait_for_url("**/cola/?municipality=14039")
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar CSV").tap()
    with open(download.value.path(), encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(io.StringIO(stream.read())))
    assert [int(r["tree_id"]) for r in rows] == [risky.tree_id, older.tree_id]
    first = rows[0]
    assert (first["risk_rating"], first["risk_rating_label"]) == ("extreme", "Riesgo extremo")
    assert (first["status"], first["status_label"]) == ("inspected", "Inspeccionado")
    assert (first["assignee"], first["due_date"]) == ("Arbolista Ana", due.isoformat())
    assert (first["cost"], first["cost_currency"]) == ("1850.50", "MXN")

    # On the smallest phones too, neither page scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/arbol/treender/cola/", f"/arbol/treender/cola/{risky.pk}/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
