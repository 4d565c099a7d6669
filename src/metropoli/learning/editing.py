"""Writing lessons and quizzes in the product (learning.edit_content), not in the Django admin
(decision 0108): every write checks the permission, is one transaction and validates."""

from __future__ import annotations

import contextlib
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeAction, record_change
from metropoli.common.i18n import gettext_noop
from metropoli.common.photos import process_photo, refusal

from .errors import LearningErrorCode
from .html import clean_html
from .models import (
    Choice,
    Lesson,
    LessonCompletion,
    Level,
    Question,
    Quiz,
    QuizAttempt,
)

# --- Writing lessons and quizzes in the product (decision 0108) ------------------------------
# Lessons are shared by every municipality: whoever holds learning.edit_content writes them.
# Past quiz attempts keep the score they were given (QuizAttempt stores it, not the answers),
# so questions may change under them; a lesson or quiz somebody used is unpublished, not deleted.

MIN_CHOICES, MAX_CHOICES = 2, 6
MIN_PASS_MARK, MAX_PASS_MARK = 0.5, 1.0
# Path segments of the learning pages: a lesson may not take them as its short name.
RESERVED_SLUGS = {"contenido", "nueva", "certificacion", "certificaciones", "examen"}


def _require_editor(by) -> None:
    require(by, "learning.edit_content", code=LearningErrorCode.CONTENT_PERMISSION_DENIED)


def _too_long(value: str, model, field: str) -> None:
    limit = model._meta.get_field(field).max_length
    if len(value) > limit:
        raise DomainError(
            LearningErrorCode.INVALID_LESSON,
            gettext_noop("Too long: at most %(max)s characters."),
            on_field=field,
            max=limit,
        )


@dataclass(frozen=True)
class LessonText:
    """What an editor writes of a lesson (the image travels apart, as an upload)."""

    title: str
    summary: str
    body: str  # HTML; kept sanitised (learning.html), as the admin kept it
    level: str
    order: int
    published: bool
    image_alt: str


MAX_BODY_CHARACTERS = 50_000


def _checked_lesson(text: LessonText) -> LessonText:
    text = replace(
        text,
        title=text.title.strip(),
        summary=text.summary.strip(),
        body=clean_html(text.body).strip(),
        image_alt=text.image_alt.strip(),
    )
    if not text.title:
        raise DomainError(LearningErrorCode.INVALID_LESSON, on_field="title")
    if not text.body:
        raise DomainError(LearningErrorCode.INVALID_LESSON, on_field="body")
    if len(text.body) > MAX_BODY_CHARACTERS:  # a lesson is read on a phone: a few pages at most
        raise DomainError(
            LearningErrorCode.INVALID_LESSON,
            gettext_noop("A lesson's body may have at most 50,000 characters; split it in two."),
            on_field="body",
        )
    for field in ("title", "summary", "image_alt"):
        _too_long(getattr(text, field), Lesson, field)
    if text.level not in Level.values:
        raise DomainError(
            LearningErrorCode.INVALID_LESSON, gettext_noop("Choose a level."), on_field="level"
        )
    if not 0 <= text.order <= 32767:
        raise DomainError(
            LearningErrorCode.INVALID_LESSON,
            gettext_noop("The order is a whole number from 0 to 32767."),
            on_field="order",
        )
    return text


def _require_alt(text: LessonText, has_image: bool) -> None:
    if has_image and not text.image_alt:
        raise DomainError(LearningErrorCode.IMAGE_ALT_REQUIRED, on_field="image_alt")


def _checked_image(upload) -> bytes:
    """The lesson image as stored: checked and re-made by common.photos (type by content, size
    and pixel limits), a JPEG of its bare pixels without EXIF or GPS. Raises before any write."""
    limit = settings.TREES_PHOTO_MAX_BYTES
    if upload.size > limit:  # refused before the file is read into memory
        raise refusal(
            "too_large",
            size=upload.size,
            max_bytes=limit,
            max_pixels=settings.TREES_PHOTO_MAX_PIXELS,
        )
    return process_photo(upload.read(), max_bytes=limit).public_jpeg


def _with_files_undone(write: Callable[[list], Lesson]) -> Lesson:
    """Run `write` in a transaction; the files it stored (it appends (storage, name) to the
    list it is given) are deleted again when the transaction does not commit."""
    written: list = []
    try:
        with transaction.atomic():
            return write(written)
    except Exception:
        for storage, name in written:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise


def _store_image(lesson: Lesson, jpeg: bytes, written: list) -> None:
    stem = f"lesson-{lesson.pk}-{hashlib.sha256(jpeg).hexdigest()[:16]}"
    lesson.image.save(f"{stem}.jpg", ContentFile(jpeg), save=False)
    written.append((lesson.image.storage, lesson.image.name))


def _delete_after_commit(files) -> None:
    gone = [(f.storage, f.name) for f in files if f]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in gone])


def _free_slug(title: str) -> str:
    base = slugify(title)[:70].strip("-") or "leccion"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Lesson.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _fields_of(lesson: Lesson) -> dict[str, object]:
    return {
        "title": lesson.title,
        "summary": lesson.summary,
        "body": lesson.body,
        "level": lesson.level,
        "order": lesson.order,
        "published": lesson.published,
        "image": lesson.image.name if lesson.image else "",
        "image_alt": lesson.image_alt,
    }


def _holds_the_exam(lesson: Lesson) -> bool:
    return Quiz.objects.filter(lesson=lesson, is_certification=True).exists()


def create_lesson(*, by, text: LessonText, image=None) -> Lesson:
    """A new lesson (with its image, if any); its short name is made from the title."""
    _require_editor(by)
    text = _checked_lesson(text)
    _require_alt(text, image is not None)
    jpeg = _checked_image(image) if image is not None else None

    def write(written: list) -> Lesson:
        lesson = Lesson.objects.create(
            slug=_free_slug(text.title),
            title=text.title,
            summary=text.summary,
            body=text.body,
            level=text.level,
            order=text.order,
            published=text.published,
            image_alt=text.image_alt if jpeg else "",
        )
        if jpeg is not None:
            _store_image(lesson, jpeg, written)
            lesson.save(update_fields=["image"])
        record_change(
            lesson, by, ChangeAction.CREATE, {k: ("", v) for k, v in _fields_of(lesson).items()}
        )
        return lesson

    return _with_files_undone(write)


def update_lesson(
    *, by, lesson: Lesson, text: LessonText, image=None, remove_image: bool = False
) -> Lesson:
    """Correct a lesson: its text, level, order, publication and image (a new upload replaces
    the old one; `remove_image` takes it away). Who read it stays marked as having read it."""
    _require_editor(by)
    text = _checked_lesson(text)
    jpeg = _checked_image(image) if image is not None else None

    def write(written: list) -> Lesson:
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        before = _fields_of(locked)
        has_image = jpeg is not None or (bool(locked.image) and not remove_image)
        _require_alt(text, has_image)
        if not text.published and locked.published and _holds_the_exam(locked):
            raise DomainError(LearningErrorCode.EXAM_HIDDEN, on_field="published")
        for field in ("title", "summary", "body", "level", "order", "published"):
            setattr(locked, field, getattr(text, field))
        locked.image_alt = text.image_alt if has_image else ""
        if jpeg is not None or (remove_image and locked.image):
            _delete_after_commit([locked.image])
            locked.image = ""
        if jpeg is not None:
            _store_image(locked, jpeg, written)
        locked.save()
        record_change(
            locked,
            by,
            ChangeAction.UPDATE,
            {k: (before[k], v) for k, v in _fields_of(locked).items()},
        )
        return locked

    return _with_files_undone(write)


@transaction.atomic
def delete_lesson(*, by, lesson: Lesson) -> None:
    """Delete a lesson (and its quiz) nobody has used yet; else refuse: unpublish it instead."""
    _require_editor(by)
    locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if (
        LessonCompletion.objects.filter(lesson=locked).exists()
        or QuizAttempt.objects.filter(quiz__lesson=locked).exists()
    ):
        raise DomainError(LearningErrorCode.CONTENT_IN_USE)
    record_change(locked, by, ChangeAction.DELETE, {"title": (locked.title, "")})
    _delete_after_commit([locked.image])
    locked.delete()


def _locked_quiz(quiz: Quiz) -> Quiz:
    """The quiz row locked: edits of one quiz (and its questions' order) go one at a time."""
    return Quiz.objects.select_for_update(of=("self",)).select_related("lesson").get(pk=quiz.pk)


def _question_of(quiz: Quiz, question: Question) -> Question:
    """The question as it is now in the (locked) quiz; another editor may have removed it."""
    found = Question.objects.filter(pk=question.pk, quiz=quiz).first()
    if found is None:
        raise DomainError(LearningErrorCode.QUESTION_GONE)
    return found


def _pass_mark(value: float) -> float:
    if not (math.isfinite(value) and MIN_PASS_MARK <= value <= MAX_PASS_MARK):
        raise DomainError(
            LearningErrorCode.PASS_MARK_RANGE,
            on_field="pass_percent",
            low=round(MIN_PASS_MARK * 100),
            high=round(MAX_PASS_MARK * 100),
        )
    return value


@transaction.atomic
def save_quiz(*, by, lesson: Lesson, title: str, pass_mark: float, is_certification: bool) -> Quiz:
    """The lesson's quiz settings (the quiz is made the first time). Marking it as the
    certification exam unmarks the one that was: there is one exam
    (selectors.certification_quiz)."""
    _require_editor(by)
    title = title.strip()
    if not title:
        raise DomainError(
            LearningErrorCode.INVALID_QUESTION,
            gettext_noop("Give the quiz a title."),
            on_field="title",
        )
    _too_long(title, Quiz, "title")
    pass_mark = _pass_mark(pass_mark)
    locked_lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    quiz = Quiz.objects.select_for_update().filter(lesson=locked_lesson).first()
    if is_certification and not locked_lesson.published:
        raise DomainError(LearningErrorCode.EXAM_HIDDEN, on_field="is_certification")
    if is_certification:
        for other in Quiz.objects.select_for_update().filter(is_certification=True):
            if quiz is None or other.pk != quiz.pk:
                other.is_certification = False
                other.save(update_fields=["is_certification"])
                record_change(
                    other,
                    by,
                    ChangeAction.UPDATE,
                    {"is_certification": (True, False)},
                    parent=(Lesson, other.lesson_id) if other.lesson_id else None,
                )
    if quiz is None:
        slug = f"quiz-{locked_lesson.slug}"[:80]
        if Quiz.objects.filter(slug=slug).exists():
            slug = f"quiz-{locked_lesson.pk}-{locked_lesson.slug}"[:80]
        quiz = Quiz(lesson=locked_lesson, slug=slug)
        before = {"title": "", "pass_mark": "", "is_certification": ""}
        action = ChangeAction.CREATE
    else:
        before = {
            "title": quiz.title,
            "pass_mark": quiz.pass_mark,
            "is_certification": quiz.is_certification,
        }
        action = ChangeAction.UPDATE
    quiz.title, quiz.pass_mark, quiz.is_certification = title, pass_mark, is_certification
    quiz.save()
    after = {"title": title, "pass_mark": pass_mark, "is_certification": is_certification}
    record_change(quiz, by, action, {k: (before[k], after[k]) for k in after}, parent=locked_lesson)
    return quiz


@transaction.atomic
def delete_quiz(*, by, quiz: Quiz) -> None:
    """Delete a quiz nobody has taken yet; past attempts are never deleted."""
    _require_editor(by)
    locked = _locked_quiz(quiz)
    if QuizAttempt.objects.filter(quiz=locked).exists():
        raise DomainError(
            LearningErrorCode.CONTENT_IN_USE,
            gettext_noop(
                "People have already taken this quiz, so it cannot be deleted: correct its "
                "questions, or unpublish its lesson."
            ),
        )
    record_change(
        locked, by, ChangeAction.DELETE, {"title": (locked.title, "")}, parent=locked.lesson
    )
    locked.delete()


@dataclass(frozen=True)
class QuestionText:
    """A question as an editor writes it: its answers in order, each with whether it is right.
    Answers left blank are dropped."""

    text: str
    explanation: str
    choices: list[tuple[str, bool]]


def _checked_question(question: QuestionText) -> QuestionText:
    text = question.text.strip()
    if not text:
        raise DomainError(LearningErrorCode.INVALID_QUESTION, on_field="text")
    _too_long(text, Question, "text")
    choices = [(answer.strip(), right) for answer, right in question.choices if answer.strip()]
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise DomainError(
            LearningErrorCode.CHOICE_COUNT, min=MIN_CHOICES, max=MAX_CHOICES, count=len(choices)
        )
    for answer, _right in choices:
        _too_long(answer, Choice, "text")
    # The quiz page offers one answer per question (radio buttons) and marks it right when it
    # is the right one: a question with two right answers could never be fully answered.
    if sum(right for _answer, right in choices) != 1:
        raise DomainError(LearningErrorCode.ONE_RIGHT_ANSWER)
    return QuestionText(text, question.explanation.strip(), choices)


def _choices_text(choices) -> str:
    return " | ".join(f"{text}{' ✓' if right else ''}" for text, right in choices)


@transaction.atomic
def add_question(*, by, quiz: Quiz, question: QuestionText) -> Question:
    """A new question at the end of the quiz."""
    _require_editor(by)
    question = _checked_question(question)
    locked = _locked_quiz(quiz)
    last = locked.questions.aggregate(last=Max("order"))["last"]
    created = Question.objects.create(
        quiz=locked,
        order=0 if last is None else min(last + 1, 32767),
        text=question.text,
        explanation=question.explanation,
    )
    Choice.objects.bulk_create(
        Choice(question=created, order=i, text=text, is_correct=right)
        for i, (text, right) in enumerate(question.choices)
    )
    record_change(
        created,
        by,
        ChangeAction.CREATE,
        {
            "text": ("", question.text),
            "explanation": ("", question.explanation),
            "choices": ("", _choices_text(question.choices)),
        },
        parent=(Lesson, locked.lesson_id) if locked.lesson_id else None,
    )
    return created


@transaction.atomic
def update_question(*, by, question: Question, text: QuestionText) -> Question:
    """Correct a question and its answers. Answers keep their identity by position, so a
    person who has the quiz open can still send it."""
    _require_editor(by)
    checked = _checked_question(text)
    locked = _locked_quiz(question.quiz)
    current = _question_of(locked, question)
    existing = list(current.choices.order_by("order", "pk"))
    before_choices = _choices_text((c.text, c.is_correct) for c in existing)
    before = (current.text, current.explanation)
    current.text, current.explanation = checked.text, checked.explanation
    current.save(update_fields=["text", "explanation"])
    for i, (answer, right) in enumerate(checked.choices):
        if i < len(existing):
            choice = existing[i]
            choice.order, choice.text, choice.is_correct = i, answer, right
            choice.save(update_fields=["order", "text", "is_correct"])
        else:
            Choice.objects.create(question=current, order=i, text=answer, is_correct=right)
    Choice.objects.filter(pk__in=[c.pk for c in existing[len(checked.choices) :]]).delete()
    record_change(
        current,
        by,
        ChangeAction.UPDATE,
        {
            "text": (before[0], current.text),
            "explanation": (before[1], current.explanation),
            "choices": (before_choices, _choices_text(checked.choices)),
        },
        parent=(Lesson, locked.lesson_id) if locked.lesson_id else None,
    )
    return current


@transaction.atomic
def delete_question(*, by, question: Question) -> None:
    """Remove a question; past attempts keep the score they had (x of the total then)."""
    _require_editor(by)
    locked = _locked_quiz(question.quiz)
    current = _question_of(locked, question)
    record_change(
        current,
        by,
        ChangeAction.DELETE,
        {"text": (current.text, "")},
        parent=(Lesson, locked.lesson_id) if locked.lesson_id else None,
    )
    current.delete()


@transaction.atomic
def move_question(*, by, question: Question, up: bool) -> None:
    """Swap a question with the one before (up) or after it; the quiz is numbered again."""
    _require_editor(by)
    locked = _locked_quiz(question.quiz)
    _question_of(locked, question)
    questions = list(locked.questions.order_by("order", "pk"))
    at = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    to = at - 1 if up else at + 1
    if 0 <= to < len(questions):
        questions[at], questions[to] = questions[to], questions[at]
    for order, item in enumerate(questions):
        if item.order != order:
            item.order = order
            item.save(update_fields=["order"])
