"""Pages where municipal staff and platform administrators write lessons and quizzes, instead
of the Django admin (decision 0108). Every write goes through learning.editing, which checks
learning.edit_content; these pages check it too, so nobody else sees the forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, is_forbidden, message_of, status_of
from metropoli.common.errors import DomainError
from metropoli.common.history import history_of
from metropoli.common.ratelimit import limit_photo_uploads

from . import editing, selectors
from .errors import LearningErrorCode
from .forms import DeleteLessonForm, LessonForm, MoveForm, QuestionForm, QuizForm
from .html import clean_html
from .models import Choice, Lesson, Question, Quiz


def _require_editor(request: HttpRequest) -> None:
    require(request, "learning.edit_content", code=LearningErrorCode.CONTENT_PERMISSION_DENIED)


def _lesson(request: HttpRequest, slug: str) -> Lesson:
    _require_editor(request)
    return get_object_or_404(Lesson.objects.select_related("quiz"), slug=slug)


def _quiz_of(lesson: Lesson) -> Quiz | None:
    return getattr(lesson, "quiz", None)


@login_required
def content(request: HttpRequest) -> HttpResponse:
    """Every lesson, published or not, with its quiz: where editing starts."""
    _require_editor(request)
    return render(
        request, "learning/editor/content.html", {"lessons": selectors.lessons_for_editing()}
    )


def _preview(form: LessonForm):
    body = form.cleaned_data.get("body", "") if form.is_bound and form.is_valid() else ""
    return mark_safe(clean_html(body))  # noqa: S308 - cleaned by nh3, as on the lesson page


def _latest_changes(lesson: Lesson, count: int = 10) -> list[dict]:
    """The lesson's last changes (its quiz and questions' too): when, who, what and which
    fields, named in the page's language."""
    changes = []
    for record in history_of(Lesson, lesson.pk).order_by("-changed_at", "-pk")[:count]:
        model = ContentType.objects.get_for_id(record.content_type_id).model_class()
        fields = []
        for change in record.changes:
            name = change.get("field", "")
            if name == "choices":
                fields.append(Choice._meta.verbose_name_plural)
                continue
            try:
                fields.append(model._meta.get_field(name).verbose_name if model else name)
            except FieldDoesNotExist:
                fields.append(name)
        changes.append(
            {
                "record": record,
                "subject": model._meta.verbose_name if model else "",
                "fields": fields,
            }
        )
    return changes


def _lesson_page(request, lesson, form, *, status=200, preview=None, delete_form=None):
    return render(
        request,
        "learning/editor/lesson.html",
        {
            "lesson": lesson,
            "form": form,
            "preview": preview,
            "delete_form": delete_form or DeleteLessonForm(),
            "history": _latest_changes(lesson) if lesson else [],
        },
        status=status,
    )


def _save_lesson(request: HttpRequest, lesson: Lesson | None) -> HttpResponse:
    has_image = bool(lesson and lesson.image)
    if request.method != "POST":
        initial = LessonForm.initial_of(lesson) if lesson else {"order": 0, "published": False}
        return _lesson_page(request, lesson, LessonForm(initial=initial, has_image=has_image))
    form = LessonForm(request.POST, request.FILES, has_image=has_image)
    if not form.is_valid():
        return _lesson_page(request, lesson, form, status=400)
    if "preview" in request.POST:
        return _lesson_page(request, lesson, form, preview=_preview(form))
    image = form.cleaned_data["image"]
    try:
        if image is not None:
            limit_photo_uploads(request)
        if lesson is None:
            saved = editing.create_lesson(by=request.user, text=form.text(), image=image)
            messages.success(request, _("Lesson created."))
        else:
            saved = editing.update_lesson(
                by=request.user,
                lesson=lesson,
                text=form.text(),
                image=image,
                remove_image=form.cleaned_data.get("remove_image", False),
            )
            messages.success(request, _("Lesson saved."))
    except DomainError as error:
        if is_forbidden(error):
            raise
        add_to_form(form, error)
        return _lesson_page(request, lesson, form, status=status_of(error))
    return redirect("learning:edit_lesson", slug=saved.slug)


@login_required
def new_lesson(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return _save_lesson(request, None)


@login_required
def edit_lesson(request: HttpRequest, slug: str) -> HttpResponse:
    return _save_lesson(request, _lesson(request, slug))


@login_required
@require_POST
def delete_lesson(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _lesson(request, slug)
    form = DeleteLessonForm(request.POST)
    edit_form = LessonForm(initial=LessonForm.initial_of(lesson), has_image=bool(lesson.image))
    if not form.is_valid():
        return _lesson_page(request, lesson, edit_form, delete_form=form, status=400)
    try:
        editing.delete_lesson(by=request.user, lesson=lesson)
    except DomainError as error:
        form.add_error(None, message_of(error))
        return _lesson_page(request, lesson, edit_form, delete_form=form, status=status_of(error))
    messages.success(request, _("Lesson deleted."))
    return redirect("learning:content")


def _quiz_page(request, lesson, form, *, status=200, problem=None):
    quiz = _quiz_of(lesson)
    questions = list(quiz.questions.prefetch_related("choices")) if quiz else []
    return render(
        request,
        "learning/editor/quiz.html",
        {
            "lesson": lesson,
            "quiz": quiz,
            "form": form,
            "questions": questions,
            "attempts": quiz.attempts.count() if quiz else 0,
            "problem": problem,
        },
        status=status,
    )


@login_required
def edit_quiz(request: HttpRequest, slug: str) -> HttpResponse:
    """The lesson's quiz: its settings, and its questions to add, correct, move or remove."""
    lesson = _lesson(request, slug)
    if request.method != "POST":
        return _quiz_page(
            request, lesson, QuizForm(initial=QuizForm.initial_of(_quiz_of(lesson), lesson))
        )
    form = QuizForm(request.POST)
    if not form.is_valid():
        return _quiz_page(request, lesson, form, status=400)
    try:
        editing.save_quiz(
            by=request.user,
            lesson=lesson,
            title=form.cleaned_data["title"],
            pass_mark=form.cleaned_data["pass_percent"] / 100,
            is_certification=form.cleaned_data["is_certification"],
        )
    except DomainError as error:
        if is_forbidden(error):
            raise
        add_to_form(form, error)
        return _quiz_page(request, lesson, form, status=status_of(error))
    messages.success(request, _("Quiz saved."))
    return redirect("learning:edit_quiz", slug=lesson.slug)


@login_required
@require_POST
def delete_quiz(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _lesson(request, slug)
    quiz = _quiz_of(lesson)
    if quiz is None:
        return redirect("learning:edit_quiz", slug=lesson.slug)
    try:
        editing.delete_quiz(by=request.user, quiz=quiz)
    except DomainError as error:
        form = QuizForm(initial=QuizForm.initial_of(quiz, lesson))
        return _quiz_page(request, lesson, form, status=status_of(error), problem=message_of(error))
    messages.success(request, _("Quiz deleted."))
    return redirect("learning:edit_lesson", slug=lesson.slug)


def _question_page(request, lesson, question, form, *, status=200):
    return render(
        request,
        "learning/editor/question.html",
        {"lesson": lesson, "quiz": _quiz_of(lesson), "question": question, "form": form},
        status=status,
    )


def _save_question(request: HttpRequest, lesson: Lesson, question: Question | None):
    quiz = _quiz_of(lesson)
    if request.method != "POST":
        initial = QuestionForm.initial_of(question) if question else {}
        return _question_page(request, lesson, question, QuestionForm(initial=initial))
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _question_page(request, lesson, question, form, status=400)
    try:
        if question is None:
            editing.add_question(by=request.user, quiz=quiz, question=form.question())
            messages.success(request, _("Question added."))
        else:
            editing.update_question(by=request.user, question=question, text=form.question())
            messages.success(request, _("Question saved."))
    except DomainError as error:
        if is_forbidden(error):
            raise
        add_to_form(form, error)
        return _question_page(request, lesson, question, form, status=status_of(error))
    return redirect("learning:edit_quiz", slug=lesson.slug)


def _question_lesson(request: HttpRequest, slug: str) -> Lesson:
    """The lesson whose quiz gets questions: 404 until its quiz is made."""
    lesson = _lesson(request, slug)
    get_object_or_404(Quiz, lesson=lesson)
    return lesson


def _question(lesson: Lesson, question_id: int) -> Question:
    return get_object_or_404(
        Question.objects.select_related("quiz"), pk=question_id, quiz__lesson=lesson
    )


@login_required
def new_question(request: HttpRequest, slug: str) -> HttpResponse:
    return _save_question(request, _question_lesson(request, slug), None)


@login_required
def edit_question(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    lesson = _question_lesson(request, slug)
    return _save_question(request, lesson, _question(lesson, question_id))


@login_required
@require_POST
def delete_question(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    lesson = _question_lesson(request, slug)
    editing.delete_question(by=request.user, question=_question(lesson, question_id))
    messages.success(request, _("Question removed."))
    return redirect("learning:edit_quiz", slug=lesson.slug)


@login_required
@require_POST
def move_question(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    lesson = _question_lesson(request, slug)
    question = _question(lesson, question_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        quiz_form = QuizForm(initial=QuizForm.initial_of(_quiz_of(lesson), lesson))
        return _quiz_page(request, lesson, quiz_form, status=400, problem=_("Choose up or down."))
    editing.move_question(
        by=request.user, question=question, up=form.cleaned_data["direction"] == "up"
    )
    return redirect(
        f"{reverse('learning:edit_quiz', kwargs={'slug': lesson.slug})}#question-{question.pk}"
    )
