"""Work orders: planning (assignee, due date, cost), ISA risk assessments, the queue's order,
the status workflow's record, the pages and the CSV export."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from metropoli.accounts.tests.factories import PASSWORD, person_with
from metropoli.common.errors import DomainError
from metropoli.territory.models import Role
from metropoli.validation import selectors, services, work_orders
from metropoli.validation.errors import ValidationErrorCode
from metropoli.validation.models import RiskAssessment, WorkItem, WorkItemChange

TOMORROW = timezone.localdate() + timedelta(days=1)


@pytest.fixture
def items(make_tree, expert):
    found = []
    for lon, flag in ((-103.351, "risk"), (-103.352, "disease"), (-103.353, "pest")):
        tree = make_tree(lon=lon)
        services.cast_vote(tree=tree, voter=expert, kind="flag", flags=[flag])
        found.append(WorkItem.objects.get(tree=tree))
    return found


def refusal(call) -> ValidationErrorCode:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_staff_assign_an_arborist_with_due_date_and_cost(items, staff, arborist):
    item = work_orders.plan_work(
        item=items[0], planned_by=staff, assignee_id=arborist.pk, due_date=TOMORROW, cost="1250.5"
    )
    item.refresh_from_db()
    assert item.assignee == arborist and item.due_date == TOMORROW
    assert item.cost == Decimal("1250.50") and item.cost_currency == "MXN"
    # Cleared again: nobody, no date, no cost.
    work_orders.plan_work(item=item, planned_by=staff, assignee_id=None, due_date=None, cost=None)
    item.refresh_from_db()
    assert (item.assignee, item.due_date, item.cost) == (None, None, None)


def test_only_an_arborist_of_the_municipality_can_be_assigned(
    items, staff, expert, zapopan, guadalajara
):
    elsewhere = person_with(Role.ARBORIST, zapopan)
    for person in (expert, elsewhere, staff):
        code = refusal(
            lambda p=person: work_orders.plan_work(
                item=items[0], planned_by=staff, assignee_id=p.pk, due_date=None, cost=None
            )
        )
        assert code is ValidationErrorCode.NOT_AN_ARBORIST
    assert list(work_orders.arborists_of(guadalajara)) == []
    assert WorkItem.objects.get(pk=items[0].pk).assignee is None


def test_planning_is_for_staff_and_checks_dates_and_costs(items, staff, arborist, zapopan):
    def plan(by, **kw):
        args = {"assignee_id": None, "due_date": None, "cost": None, **kw}
        return lambda: work_orders.plan_work(item=items[0], planned_by=by, **args)

    assert refusal(plan(arborist)) is ValidationErrorCode.PLAN_DENIED
    assert refusal(plan(person_with(Role.MUNICIPAL_STAFF, zapopan))) is (
        ValidationErrorCode.PLAN_DENIED
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    assert refusal(plan(staff, due_date=yesterday)) is ValidationErrorCode.DUE_DATE_PAST
    for cost in ("-1", "10.555", "abc", "1e20", "NaN"):
        assert refusal(plan(staff, cost=cost)) is ValidationErrorCode.INVALID_COST, cost


def test_an_arborist_assesses_the_risk_and_the_item_takes_its_rating(items, arborist):
    assessment = work_orders.assess_risk(
        item=items[1],
        assessed_by=arborist,
        likelihood_of_failure="imminent",
        likelihood_of_impact="high",
        consequences="significant",
        target="Parada de camión",
        notes="Rama muerta sobre la parada",
    )
    assert (assessment.failure_and_impact, assessment.rating) == ("very_likely", "high")
    assert assessment.assessed_by == arborist
    item = WorkItem.objects.get(pk=items[1].pk)
    assert (item.risk_rating, item.risk_priority) == ("high", 3)
    assert item.get_risk_rating_display() == "Riesgo alto"


def test_risk_assessments_are_for_arborists_with_known_codes(items, staff, arborist):
    def assess(by, failure="possible"):
        return lambda: work_orders.assess_risk(
            item=items[0],
            assessed_by=by,
            likelihood_of_failure=failure,
            likelihood_of_impact="low",
            consequences="minor",
        )

    assert refusal(assess(staff)) is ValidationErrorCode.ASSESS_DENIED
    assert refusal(assess(arborist, failure="certain")) is ValidationErrorCode.INVALID_RISK
    assert RiskAssessment.objects.count() == 0


def test_the_queue_is_ordered_by_rating_then_due_date(items, guadalajara, staff, arborist):
    first, second, third = items
    for item, due in ((first, TOMORROW + timedelta(days=5)), (third, TOMORROW)):
        work_orders.plan_work(
            item=item, planned_by=staff, assignee_id=arborist.pk, due_date=due, cost=None
        )
    # Unassessed items come last, soonest due first; the assessed one leads.
    assert list(selectors.work_items(municipality=guadalajara)) == [third, first, second]
    work_orders.assess_risk(
        item=second,
        assessed_by=arborist,
        likelihood_of_failure="probable",
        likelihood_of_impact="medium",
        consequences="severe",
    )
    assert list(selectors.work_items(municipality=guadalajara)) == [second, third, first]
    assert list(selectors.work_items(municipality=guadalajara, ratings=("moderate",))) == [second]
    assert list(selectors.work_items(municipality=guadalajara, assignee=arborist)) == [
        third,
        first,
    ]


def test_each_status_change_keeps_its_note_and_who(items, arborist):
    services.set_work_status(item=items[0], status="inspected", changed_by=arborist, note="Visto")
    change = WorkItemChange.objects.filter(item=items[0]).last()
    assert (change.old_status, change.new_status, change.note, change.changed_by) == (
        "reported",
        "inspected",
        "Visto",
        arborist,
    )
    services.set_work_status(item=items[0], status="removed", changed_by=arborist)
    code = refusal(
        lambda: services.set_work_status(item=items[0], status="treated", changed_by=arborist)
    )
    assert code is ValidationErrorCode.INVALID_TRANSITION


# --- pages -------------------------------------------------------------------------------------


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.login(email=user.email, password=PASSWORD)
    return client


def test_the_work_order_page_shows_each_role_its_forms(items, staff, arborist, expert):
    url = f"/arbol/treender/cola/{items[0].pk}/"
    for_staff = logged_in(staff).get(url).content.decode()
    assert 'id="plan-assignee"' in for_staff and 'id="risk-likelihood_of_failure"' not in for_staff
    for_arborist = logged_in(arborist).get(url).content.decode()
    assert 'id="plan-assignee"' not in for_arborist
    assert 'id="risk-likelihood_of_failure"' in for_arborist and 'id="move-status"' in for_arborist
    assert logged_in(expert).get(url).status_code == 403


def test_a_bad_plan_is_shown_again_with_the_reason_in_spanish(items, staff, expert):
    client = logged_in(staff)
    url = f"/arbol/treender/cola/{items[0].pk}/plan/"
    response = client.post(url, {"assignee": expert.pk, "cost": "-5"})
    assert response.status_code == 400
    assert "El valor debe ser mayor o igual a 0" in response.content.decode()
    response = client.post(url, {"assignee": expert.pk, "cost": "100"})
    assert response.status_code == 400
    assert "no es arbolista de Guadalajara" in response.content.decode()
    response = client.post(url, {"assignee": "", "due_date": "mañana"})
    assert response.status_code == 400 and "fecha válida" in response.content.decode()


def test_writes_need_the_permission_and_a_csrf_token(items, staff, arborist):
    url = f"/arbol/treender/cola/{items[0].pk}/"
    risk = {"likelihood_of_failure": "imminent", "likelihood_of_impact": "high"}
    assert logged_in(arborist).post(url + "plan/", {"cost": "5"}).status_code == 403
    risk["consequences"] = "severe"
    assert logged_in(staff).post(url + "riesgo/", risk).status_code == 403
    strict = logged_in(arborist, enforce_csrf_checks=True)
    assert strict.post(url + "riesgo/", risk).status_code == 403
    response = logged_in(arborist).post(url + "riesgo/", risk, follow=True)
    assert "Riesgo extremo" in response.content.decode()
    response = logged_in(arborist).post(
        url + "estado/nota/", {"status": "inspected", "note": "Revisado en campo"}, follow=True
    )
    assert "Revisado en campo" in response.content.decode()
    assert WorkItem.objects.get(pk=items[0].pk).status == "inspected"


def test_the_csv_has_spanish_labels_beside_the_codes(items, staff, arborist, zapopan):
    work_orders.plan_work(
        item=items[0], planned_by=staff, assignee_id=arborist.pk, due_date=TOMORROW, cost="900"
    )
    work_orders.assess_risk(
        item=items[0],
        assessed_by=arborist,
        likelihood_of_failure="probable",
        likelihood_of_impact="high",
        consequences="significant",
    )
    response = logged_in(staff).get("/arbol/treender/cola.csv?municipality=14039")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [int(r["tree_id"]) for r in rows] == [item.tree_id for item in items]
    first = rows[0]
    assert (first["risk_rating"], first["risk_rating_label"]) == ("high", "Riesgo alto")
    assert (first["status"], first["status_label"]) == ("reported", "Reportado")
    assert (first["cost"], first["cost_currency"], first["due_date"]) == (
        "900.00",
        "MXN",
        TOMORROW.isoformat(),
    )
    assert first["assignee"] == str(arborist)
    # Someone of another municipality gets no export of this one.
    outsider = person_with(Role.MUNICIPAL_STAFF, zapopan)
    assert logged_in(outsider).get("/arbol/treender/cola.csv?municipality=14039").status_code == 403


def test_the_risk_form_offers_each_scale_in_its_own_words(items, arborist):
    page = logged_in(arborist).get(f"/arbol/treender/cola/{items[0].pk}/").content.decode()
    assert '<option value="high">Alta</option>' in page
    assert '<option value="low">Baja</option>' in page
