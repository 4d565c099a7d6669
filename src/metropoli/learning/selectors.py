"""Reads of the learning path: lessons, progress, levels and certification status."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet

from metropoli.territory.models import Role, RoleAssignment
from metropoli.validation.selectors import recorder_accuracy

from .models import CertificationRule, Lesson, LessonCompletion, Level, Quiz, QuizAttempt


def published_lessons() -> QuerySet[Lesson]:
    return Lesson.objects.filter(published=True).select_related("quiz").order_by("order", "pk")


def lesson_by_slug(slug: str, *, unpublished: bool = False) -> Lesson | None:
    """A published lesson; with ``unpublished`` (for editors) any lesson."""
    lessons = Lesson.objects.select_related("quiz") if unpublished else published_lessons()
    return lessons.filter(slug=slug).first()


def can_edit_content(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("learning.edit_content")


def quiz_is_open_to(quiz: Quiz, user) -> bool:
    """Citizens take the quizzes of published lessons (and any quiz not tied to a lesson);
    editors every quiz."""
    return quiz.lesson is None or quiz.lesson.published or can_edit_content(user)


def lessons_for_editing() -> QuerySet[Lesson]:
    """Every lesson, published or not, with how many people read it and took its quiz."""
    return (
        Lesson.objects.select_related("quiz")
        .annotate(
            readers=Count("completions", distinct=True),
            attempts=Count("quiz__attempts", distinct=True),
            questions=Count("quiz__questions", distinct=True),
        )
        .order_by("order", "pk")
    )


def certification_quiz() -> Quiz | None:
    return Quiz.objects.filter(is_certification=True).order_by("pk").first()


def completed_lesson_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(LessonCompletion.objects.filter(user=user).values_list("lesson_id", flat=True))


def passed_quiz_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(QuizAttempt.objects.filter(user=user, passed=True).values_list("quiz_id", flat=True))


def is_certified(user, municipality=None) -> bool:
    qs = RoleAssignment.objects.filter(user=user, role=Role.CERTIFIED_EXPERT)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return qs.exists()


def level_of(user) -> Level:
    """Expert when certified; recorder after passing every observer lesson's quiz."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Level.OBSERVER
    if is_certified(user):
        return Level.EXPERT
    needed = set(
        Quiz.objects.filter(lesson__published=True, lesson__level=Level.OBSERVER).values_list(
            "pk", flat=True
        )
    )
    if needed and needed <= passed_quiz_ids(user):
        return Level.RECORDER
    return Level.OBSERVER


@dataclass(frozen=True)
class CertificationRuleInEffect:
    min_accuracy: float
    last_n: int


def has_own_certification_rule(municipality) -> bool:
    return CertificationRule.objects.filter(municipality=municipality).exists()


def certification_rule(municipality) -> CertificationRuleInEffect:
    rule = (
        CertificationRule.objects.filter(municipality=municipality).first()
        if municipality is not None
        else None
    )
    if rule is not None:
        return CertificationRuleInEffect(rule.min_accuracy, rule.last_n)
    return CertificationRuleInEffect(
        settings.LEARNING_CERTIFICATION_ACCURACY, settings.LEARNING_CERTIFICATION_LAST_N
    )


@dataclass(frozen=True)
class CertificationStatus:
    municipality: object | None
    certified: bool
    quiz: Quiz | None
    quiz_passed: bool
    accuracy: float | None
    decided_records: int
    rule: CertificationRuleInEffect

    @property
    def accuracy_reached(self) -> bool:
        return (
            self.accuracy is not None
            and self.decided_records >= self.rule.last_n
            and self.accuracy >= self.rule.min_accuracy
        )

    @property
    def eligible(self) -> bool:
        return (
            self.municipality is not None
            and not self.certified
            and self.quiz_passed
            and self.accuracy_reached
        )


def certification_status(user) -> CertificationStatus:
    municipality = user.home_municipality
    rule = certification_rule(municipality)
    quiz = certification_quiz()
    accuracy, decided = recorder_accuracy(user, rule.last_n)
    return CertificationStatus(
        municipality=municipality,
        certified=is_certified(user, municipality) if municipality else False,
        quiz=quiz,
        quiz_passed=bool(quiz and quiz.pk in passed_quiz_ids(user)),
        accuracy=accuracy,
        decided_records=decided,
        rule=rule,
    )


def certified_experts(municipality) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(
        role=Role.CERTIFIED_EXPERT, municipality=municipality
    ).select_related("user", "granted_by")
