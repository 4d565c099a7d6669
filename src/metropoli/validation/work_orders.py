"""Work orders: who does a flagged tree's work, by when, at what cost, and how risky the tree is.

Staff plan (assignee, due date, cost; decision 0071), arborists assess the risk with the ISA
matrices (risk.py; decision 0072). Each write is one transaction on the locked work item; the
status workflow itself is `services.set_work_status`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.territory.models import Role

from . import risk
from .errors import ValidationErrorCode
from .models import COST_CURRENCY, RiskAssessment, WorkItem, WorkStatus

MAX_COST = Decimal("9999999999.99")  # what the column holds: ten digits of pesos


def arborists_of(municipality) -> QuerySet:
    """People who hold the arborist role in the municipality itself (the possible assignees)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role=Role.ARBORIST,
            role_assignments__municipality=municipality,
        )
        .distinct()
        .order_by("display_name", "pk")
    )


def _locked(item: WorkItem) -> WorkItem:
    return (
        WorkItem.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .get(pk=item.pk)
    )


def check_cost(cost) -> Decimal | None:
    if cost is None or cost == "":
        return None
    try:
        amount = Decimal(str(cost).strip().replace(",", ""))
    except InvalidOperation as error:
        raise DomainError(ValidationErrorCode.INVALID_COST, on_field="cost") from error
    if (
        not amount.is_finite()
        or amount < 0
        or amount > MAX_COST
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise DomainError(ValidationErrorCode.INVALID_COST, on_field="cost")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def plan_work(
    *, item: WorkItem, planned_by, assignee_id: int | None, due_date: date | None, cost
) -> WorkItem:
    """Set (or clear) the assignee, due date and cost of a work order."""
    item = _locked(item)
    municipality = item.municipality
    require(
        planned_by,
        "validation.plan_work",
        municipality,
        code=ValidationErrorCode.PLAN_DENIED,
        municipality=municipality.name,
    )
    if item.status == WorkStatus.REMOVED:
        raise DomainError(ValidationErrorCode.WORK_CLOSED)
    assignee = None
    if assignee_id is not None:
        assignee = arborists_of(municipality).filter(pk=assignee_id).first()
        if assignee is None:
            person = get_user_model().objects.filter(pk=assignee_id).first()
            raise DomainError(
                ValidationErrorCode.NOT_AN_ARBORIST,
                on_field="assignee",
                person=str(person) if person else f"#{assignee_id}",
                municipality=municipality.name,
            )
    # A due date already set may have passed; a new one may not be in the past.
    if due_date is not None and due_date != item.due_date and due_date < timezone.localdate():
        raise DomainError(ValidationErrorCode.DUE_DATE_PAST, on_field="due_date")
    item.assignee = assignee
    item.due_date = due_date
    item.cost = check_cost(cost)
    item.cost_currency = COST_CURRENCY
    item.save(update_fields=["assignee", "due_date", "cost", "cost_currency", "updated_at"])
    return item


@transaction.atomic
def assess_risk(
    *,
    item: WorkItem,
    assessed_by,
    likelihood_of_failure: str,
    likelihood_of_impact: str,
    consequences: str,
    target: str = "",
    notes: str = "",
) -> RiskAssessment:
    """Record an ISA risk assessment; its rating becomes the work item's priority."""
    item = _locked(item)
    municipality = item.municipality
    require(
        assessed_by,
        "validation.assess_risk",
        municipality,
        code=ValidationErrorCode.ASSESS_DENIED,
        municipality=municipality.name,
    )
    if item.status == WorkStatus.REMOVED:
        raise DomainError(ValidationErrorCode.WORK_CLOSED)
    for field, value, scale in (
        ("likelihood_of_failure", likelihood_of_failure, risk.Failure),
        ("likelihood_of_impact", likelihood_of_impact, risk.Impact),
        ("consequences", consequences, risk.Consequences),
    ):
        if value not in {step.value for step in scale}:
            raise DomainError(
                ValidationErrorCode.INVALID_RISK,
                on_field=field,
                field=str(RiskAssessment._meta.get_field(field).verbose_name),
            )
    notes, target = (notes or "").strip(), (target or "").strip()
    if len(notes) > 1000:
        raise DomainError(ValidationErrorCode.NOTE_TOO_LONG, on_field="notes")
    result = risk.assess(likelihood_of_failure, likelihood_of_impact, consequences)
    assessment = RiskAssessment.objects.create(
        item=item,
        target=target[:200],
        likelihood_of_failure=result.failure.value,
        likelihood_of_impact=result.impact.value,
        failure_and_impact=result.failure_and_impact.value,
        consequences=result.consequences.value,
        rating=result.rating.value,
        notes=notes,
        assessed_by=assessed_by,
    )
    item.risk_rating = result.rating.value
    item.risk_priority = result.priority
    item.save(update_fields=["risk_rating", "risk_priority", "updated_at"])
    return assessment
