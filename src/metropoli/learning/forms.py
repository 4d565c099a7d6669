"""Forms of the pages where staff write lessons and quizzes (decision 0108).

They read the input; the rules (a right answer, 2 to 6 answers, the pass mark, alt text with an
image) are the services', which answer in the person's language on the field concerned.
"""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .editing import MAX_CHOICES, LessonText, QuestionText
from .models import Lesson, Level, Question, Quiz


def _label(model, field: str):
    return capfirst(model._meta.get_field(field).verbose_name)


class LessonForm(forms.Form):
    title = forms.CharField(label=_label(Lesson, "title"), max_length=160)
    summary = forms.CharField(
        label=_label(Lesson, "summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_label(Lesson, "body"),
        max_length=60_000,  # the service counts the cleaned text (at most 50,000)
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=Lesson._meta.get_field("body").help_text,
    )
    level = forms.ChoiceField(label=_label(Lesson, "level"), choices=Level.choices)
    order = forms.IntegerField(
        label=_label(Lesson, "order"),
        help_text=_("Lessons are listed from the smallest number to the largest."),
    )
    published = forms.BooleanField(
        label=_label(Lesson, "published"),
        required=False,
        help_text=_("Citizens see only published lessons; editors see them all."),
    )
    image = forms.FileField(
        label=_label(Lesson, "image"),
        required=False,
        help_text=_("JPEG, PNG or HEIC. Its location and camera data are removed."),
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    image_alt = forms.CharField(
        label=_label(Lesson, "image_alt"),
        max_length=200,
        required=False,
        help_text=_("Needed with an image: what it shows, for people who cannot see it."),
    )

    def __init__(self, *args, has_image: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_image:
            del self.fields["remove_image"]

    @classmethod
    def initial_of(cls, lesson: Lesson) -> dict:
        return {
            name: getattr(lesson, name)
            for name in ("title", "summary", "body", "level", "order", "published", "image_alt")
        }

    def text(self) -> LessonText:
        data = self.cleaned_data
        return LessonText(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            level=data["level"],
            order=data["order"],
            published=data["published"],
            image_alt=data["image_alt"],
        )


class QuizForm(forms.Form):
    title = forms.CharField(label=_label(Quiz, "title"), max_length=160)
    pass_percent = forms.IntegerField(
        label=_("Right answers needed to pass (%)"),
        widget=forms.NumberInput(attrs={"min": 50, "max": 100, "inputmode": "numeric"}),
    )
    is_certification = forms.BooleanField(
        label=_label(Quiz, "is_certification"),
        required=False,
        help_text=_(
            "There is one certification exam: marking this quiz unmarks the one that was. It "
            "shows only the score, a few attempts a day."
        ),
    )

    @classmethod
    def initial_of(cls, quiz: Quiz | None, lesson: Lesson) -> dict:
        if quiz is None:
            return {"title": lesson.title, "pass_percent": 80, "is_certification": False}
        return {
            "title": quiz.title,
            "pass_percent": round(quiz.pass_mark * 100),
            "is_certification": quiz.is_certification,
        }


ANSWERS = [f"answer_{n}" for n in range(1, MAX_CHOICES + 1)]


class QuestionForm(forms.Form):
    """One question with up to six answer boxes (blank ones are dropped) and which is right."""

    text = forms.CharField(
        label=_label(Question, "text"), max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    explanation = forms.CharField(
        label=_label(Question, "explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Question._meta.get_field("explanation").help_text,
    )
    right = forms.TypedChoiceField(
        label=_("Right answer"),
        choices=[(n, n) for n in range(1, MAX_CHOICES + 1)],
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n, name in enumerate(ANSWERS, start=1):
            self.fields[name] = forms.CharField(
                label=_("Answer %(n)s") % {"n": n}, max_length=300, required=False
            )

    def answers(self):
        """(number, text field) of each answer box, for the page."""
        return [(n, self[name]) for n, name in enumerate(ANSWERS, start=1)]

    @classmethod
    def initial_of(cls, question: Question) -> dict:
        choices = list(question.choices.all())
        initial = {"text": question.text, "explanation": question.explanation}
        for n, choice in enumerate(choices[: len(ANSWERS)], start=1):
            initial[f"answer_{n}"] = choice.text
            if choice.is_correct:
                initial["right"] = n
        return initial

    def question(self) -> QuestionText:
        data = self.cleaned_data
        return QuestionText(
            text=data["text"],
            explanation=data["explanation"],
            choices=[(data[name], data["right"] == n) for n, name in enumerate(ANSWERS, start=1)],
        )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class DeleteLessonForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, delete this lesson and its quiz"))
