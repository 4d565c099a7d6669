"""Treender API: the next card, voting, the recorder's feedback and the work queue."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from metropoli.common.api import session
from metropoli.common.error_schema import ErrorOut
from metropoli.trees.models import Tree

from . import selectors, services
from .models import WorkItem

router = Router(tags=["validation"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


class CardOut(Schema):
    tree_id: int
    species_code: str | None
    species_name: str
    scientific_name: str
    dbh_cm: float | None
    lon: float
    lat: float
    municipality: str
    recorded_at: str
    recorder_name: str
    recorder_level: str
    recorder_level_label: str
    photo_url: str | None
    thumbnail_url: str | None
    escalated: bool
    remaining: int
    duplicate_note: str = ""


class NextOut(Schema):
    card: CardOut | None


@router.get(
    "/next",
    response={200: NextOut, 401: ErrorOut},
    auth=session,
    url_name="validation_next",
    summary="The next record to review",
)
def next_card(request: HttpRequest):
    tree = selectors.next_card(request.user)
    return {"card": selectors.card_for(tree, request.user).__dict__ if tree else None}


class VoteIn(Schema):
    kind: str
    reason: str = ""
    corrected_species: str | None = None
    corrected_dbh_cm: float | None = None
    flags: list[str] = []


class DecisionOut(Schema):
    outcome: str
    outcome_label: str
    rule: str


class VoteOut(Schema):
    vote_id: int
    tree_id: int
    kind: str
    weight: float
    decision: DecisionOut | None
    escalated: bool


@router.post(
    "/trees/{tree_id}/votes",
    response={201: VoteOut, **ERRORS},
    auth=session,
    url_name="validation_vote",
    summary="Vote on a tree record",
)
def vote(request: HttpRequest, tree_id: int, payload: VoteIn):
    tree = get_object_or_404(Tree, pk=tree_id)
    result = services.cast_vote(
        tree=tree,
        voter=request.user,
        kind=payload.kind,
        reason=payload.reason,
        corrected_species_code=payload.corrected_species,
        corrected_dbh_cm=payload.corrected_dbh_cm,
        flags=payload.flags,
    )
    decision = result.decision
    return 201, {
        "vote_id": result.vote.pk,
        "tree_id": tree.pk,
        "kind": result.vote.kind,
        "weight": result.vote.weight,
        "decision": {
            "outcome": decision.outcome,
            "outcome_label": str(decision.get_outcome_display()),
            "rule": decision.rule,
        }
        if decision
        else None,
        "escalated": result.escalated,
    }


class NotificationOut(Schema):
    id: int
    tree_id: int
    outcome: str
    lines: list[str]
    lesson_url: str
    created_at: str
    read: bool


@router.get(
    "/notifications",
    response={200: list[NotificationOut], 401: ErrorOut},
    auth=session,
    summary="What happened to my records",
)
def notifications(request: HttpRequest):
    return [
        {
            "id": note.pk,
            "tree_id": note.about.tree_id,
            "outcome": note.about.outcome,
            "lines": selectors.feedback_summary(note.about),
            "lesson_url": selectors.lesson_url(selectors.lesson_of(note)),
            "created_at": note.created_at.isoformat(),
            "read": note.read_at is not None,
        }
        for note in selectors.notifications_for(request.user)[:100]
    ]


class StatusIn(Schema):
    status: str
    note: str = ""


class WorkItemOut(Schema):
    id: int
    tree_id: int
    status: str
    flags: list[str]


@router.post(
    "/work-items/{item_id}/status",
    response={200: WorkItemOut, **ERRORS},
    auth=session,
    summary="Move a flagged tree along the work queue",
)
def work_status(request: HttpRequest, item_id: int, payload: StatusIn):
    item = get_object_or_404(WorkItem, pk=item_id)
    item = services.set_work_status(
        item=item, status=payload.status, changed_by=request.user, note=payload.note
    )
    return {"id": item.pk, "tree_id": item.tree_id, "status": item.status, "flags": item.flags}
