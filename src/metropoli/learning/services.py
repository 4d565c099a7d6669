"""Every write of the learning path: one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.territory.models import Role, RoleAssignment
from metropoli.territory.services import assign_role, unassign_role

from . import selectors
from .errors import LearningErrorCode
from .models import (
    CertificationAction,
    CertificationEvent,
    CertificationRule,
    Choice,
    Lesson,
    LessonCompletion,
    Question,
    Quiz,
    QuizAttempt,
)


def _require_login(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise DomainError(LearningErrorCode.NOT_AUTHENTICATED)


@transaction.atomic
def complete_lesson(*, user, lesson: Lesson) -> LessonCompletion:
    _require_login(user)
    completion, _created = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    return completion


@dataclass(frozen=True)
class AnswerFeedback:
    question: Question
    chosen: Choice | None
    correct: bool
    right_choices: list[Choice]


def check_answer(*, question: Question, choice_id: int | None) -> AnswerFeedback:
    """Mark one answer of a submitted quiz (nothing is stored)."""
    choices = list(question.choices.all())
    chosen = next((c for c in choices if c.pk == choice_id), None)
    if choice_id is not None and chosen is None:
        raise DomainError(LearningErrorCode.INVALID_CHOICE)
    return AnswerFeedback(
        question=question,
        chosen=chosen,
        correct=bool(chosen and chosen.is_correct),
        right_choices=[c for c in choices if c.is_correct],
    )


@dataclass(frozen=True)
class QuizResult:
    attempt: QuizAttempt
    feedback: list[AnswerFeedback]
    certified_now: bool


def submit_quiz(*, user, quiz: Quiz, answers: dict[int, int | None]) -> QuizResult:
    """Score a quiz; passing the certification quiz certifies when the accuracy is reached.

    Answers are marked only here, all at once (decision 0043): the certification exam has a
    few attempts a day, so its answers cannot be found by trying one submission after another.
    """
    _require_login(user)
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        raise DomainError(LearningErrorCode.EMPTY_QUIZ)
    with transaction.atomic():
        if quiz.is_certification:
            _check_exam_attempts(user, quiz)
        feedback = [check_answer(question=q, choice_id=answers.get(q.pk)) for q in questions]
        correct = sum(item.correct for item in feedback)
        attempt = QuizAttempt.objects.create(
            user=user,
            quiz=quiz,
            correct=correct,
            total=len(questions),
            passed=correct / len(questions) >= quiz.pass_mark,
        )
    certified_now = False
    if attempt.passed and quiz.is_certification:
        certified_now = request_certification(user=user, quiet=True) is not None
    return QuizResult(attempt=attempt, feedback=feedback, certified_now=certified_now)


def _check_exam_attempts(user, quiz: Quiz) -> None:
    """Refuse an attempt past the day's limit. Call inside the transaction that stores the
    attempt: the person's row stays locked until it commits, so submissions sent at once are
    counted one after another instead of all reading the same count."""
    limit = settings.LEARNING_CERTIFICATION_ATTEMPTS_PER_DAY
    if not limit:
        return
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
    since = timezone.now() - timedelta(days=1)
    if QuizAttempt.objects.filter(user=user, quiz=quiz, submitted_at__gte=since).count() >= limit:
        raise DomainError(LearningErrorCode.TOO_MANY_ATTEMPTS, limit=limit)


def request_certification(*, user, quiet: bool = False) -> RoleAssignment | None:
    """Grant the certified-expert role in the person's municipality if they qualify.

    quiet: answer None instead of an error when they do not qualify yet.
    """
    _require_login(user)
    status = selectors.certification_status(user)
    problem = None
    if status.municipality is None:
        problem = DomainError(
            LearningErrorCode.NOT_ELIGIBLE,
            gettext_noop("Choose the municipality where you live in your profile first."),
        )
    elif status.certified:
        problem = DomainError(
            LearningErrorCode.NOT_ELIGIBLE,
            gettext_noop("You are already a certified expert in %(municipality)s."),
            municipality=status.municipality.name,
        )
    elif not status.quiz_passed:
        problem = DomainError(LearningErrorCode.NOT_ELIGIBLE)
    elif not status.accuracy_reached:
        problem = DomainError(
            LearningErrorCode.NOT_ELIGIBLE,
            gettext_noop(
                "%(accuracy)s %% of your last %(n)s decided records must have been validated as "
                "you recorded them."
            ),
            accuracy=round(status.rule.min_accuracy * 100),
            n=status.rule.last_n,
        )
    if problem:
        if quiet:
            return None
        raise problem
    return _grant(
        user=user,
        municipality=status.municipality,
        by=None,
        reason=_("Passed the certification quiz and reached the accuracy."),
    )


def _grant(*, user, municipality, by, reason: str) -> RoleAssignment:
    with transaction.atomic():
        # The role is written by territory's services, like every role (decision 0089).
        role, created = assign_role(
            user=user, role=Role.CERTIFIED_EXPERT, municipality=municipality, granted_by=by
        )
        if created:
            CertificationEvent.objects.create(
                user=user,
                municipality=municipality,
                action=CertificationAction.GRANTED,
                by=by,
                reason=reason,
            )
    return role


def _require_certifier(by, municipality) -> None:
    """Only the municipality's staff (or a platform administrator) name certified experts and
    set the rule for earning the certification."""
    require(
        by,
        "learning.grant_certification",
        municipality,
        code=LearningErrorCode.PERMISSION_DENIED,
        municipality=municipality.name,
    )


def grant_certification(*, user, municipality, by, reason: str = "") -> RoleAssignment:
    _require_certifier(by, municipality)
    return _grant(user=user, municipality=municipality, by=by, reason=reason)


@transaction.atomic
def set_certification_rule(
    *, by, municipality, min_accuracy: float | None, last_n: int | None
) -> None:
    """The municipality's own rule for earning the certification, or (None) the platform's
    again. Who is certified stays certified; the rule applies to the next decided records."""
    _require_certifier(by, municipality)
    if min_accuracy is None or last_n is None:
        CertificationRule.objects.filter(municipality=municipality).delete()
        return
    CertificationRule.objects.update_or_create(
        municipality=municipality, defaults={"min_accuracy": min_accuracy, "last_n": last_n}
    )


@transaction.atomic
def revoke_certification(*, user, municipality, by, reason: str = "") -> None:
    _require_certifier(by, municipality)
    if not unassign_role(user=user, role=Role.CERTIFIED_EXPERT, municipality=municipality):
        raise DomainError(LearningErrorCode.NOT_CERTIFIED)
    CertificationEvent.objects.create(
        user=user,
        municipality=municipality,
        action=CertificationAction.REVOKED,
        by=by,
        reason=reason,
    )
    user.__dict__.pop("_metropoli_roles", None)
