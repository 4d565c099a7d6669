"""Learning API: immediate feedback on a quiz answer."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from metropoli.common.errors import ErrorOut

from . import services
from .models import Question

router = Router(tags=["learning"])


class AnswerIn(Schema):
    choice_id: int


class AnswerOut(Schema):
    question_id: int
    correct: bool
    right_choice_ids: list[int]
    explanation: str


@router.post(
    "/questions/{question_id}/answer",
    response={200: AnswerOut, 400: ErrorOut, 404: ErrorOut},
    url_name="learning_answer",
    summary="Check one quiz answer",
)
def answer(request: HttpRequest, question_id: int, payload: AnswerIn):
    question = get_object_or_404(Question, pk=question_id)
    feedback = services.check_answer(question=question, choice_id=payload.choice_id)
    return {
        "question_id": question.pk,
        "correct": feedback.correct,
        "right_choice_ids": [c.pk for c in feedback.right_choices],
        "explanation": question.explanation,
    }
